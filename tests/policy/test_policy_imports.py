"""The pre-commit path must stay light: no jsonschema at import, never boto3."""

from __future__ import annotations

import subprocess
import sys


def run_python(code: str, cwd) -> None:
    subprocess.run([sys.executable, "-c", code], check=True, cwd=cwd)


def test_importing_the_policy_package_does_not_import_jsonschema(tmp_path):
    run_python("import sys, tagcheck.policy; assert 'jsonschema' not in sys.modules", tmp_path)


def test_the_default_policy_loads_without_jsonschema_or_boto3(tmp_path):
    # Shipped policies are trusted, so a repo without .tagcheck.yaml never pays for jsonschema.
    run_python(
        "import sys\n"
        "from tagcheck.policy import load_default_policy\n"
        "policy = load_default_policy()\n"
        "assert policy.required, policy\n"
        "assert 'jsonschema' not in sys.modules, 'jsonschema imported'\n"
        "assert not {'boto3', 'botocore'} & {m.split('.')[0] for m in sys.modules}, 'boto3 imported'\n",
        tmp_path,
    )
