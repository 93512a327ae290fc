import sys

from tagcheck.cli import main

sys.exit(main())
