"""Hypothesis settings for the hardening tests: deterministic (the same examples on every
run, so CI never flakes on a newly drawn example) and no example database written into the
working tree. ``HYPOTHESIS_PROFILE=explore`` draws fresh examples for a local hunt."""

import os
import tempfile

from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir

# Hypothesis keeps caches (the unicode character map) in .hypothesis/ of the working
# directory; keep them out of the repository.
set_hypothesis_home_dir(os.path.join(tempfile.gettempdir(), "tagcheck-hypothesis"))

settings.register_profile("tagcheck", derandomize=True, database=None, deadline=None)
settings.register_profile("explore", derandomize=False, database=None, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "tagcheck"))
