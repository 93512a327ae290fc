"""The layering of DESIGN.md §1, checked on the source (imports) and at run time."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "tagcheck"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _modules(sub: str = "") -> list[Path]:
    return sorted((SRC / sub).rglob("*.py"))


def _importers(prefixes: tuple[str, ...]) -> set[str]:
    return {str(p.relative_to(SRC)) for p in _modules()
            if any(i == pre or i.startswith(pre + ".") for i in _imports(p) for pre in prefixes)}


def test_model_imports_nothing_of_tagcheck_or_third_parties():
    allowed_stdlib = {"__future__", "dataclasses", "enum", "typing"}
    assert _imports(SRC / "model.py") <= allowed_stdlib


def test_only_the_parser_adapter_imports_hcl2_or_lark():
    assert _importers(("hcl2", "lark")) == {"sources/terraform/parser.py"}


def test_only_the_aws_source_imports_boto3():
    assert all(p.startswith("sources/aws/") for p in _importers(("boto3", "botocore")))


def test_sources_and_rules_do_not_import_each_other():
    for path in _modules("sources"):
        assert not any(i.startswith("tagcheck.rules") for i in _imports(path)), path
    for path in _modules("rules"):
        assert not any(i.startswith("tagcheck.sources") for i in _imports(path)), path


def test_reporters_never_import_sources():
    for path in _modules("report"):
        assert not any(i.startswith("tagcheck.sources") for i in _imports(path)), path


def _loaded_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys; print(' '.join(sorted(sys.modules)))"],
                         capture_output=True, text=True, check=True)
    return set(out.stdout.split())


@pytest.mark.parametrize("argv", [["--version"], ["scan", "EXAMPLE", "--fail-on", "never"]])
def test_version_and_scan_do_not_import_boto3(argv):
    example = str(SRC.parents[1] / "examples" / "terraform")
    argv = [example if a == "EXAMPLE" else a for a in argv]
    code = ("import contextlib, io\nfrom tagcheck.cli import main\n"
            f"with contextlib.redirect_stdout(io.StringIO()):\n    main({argv!r})")
    loaded = _loaded_after(code)
    assert "boto3" not in loaded and "botocore" not in loaded
    if argv == ["--version"]:
        assert "hcl2" not in loaded and "jsonschema" not in loaded
