"""The layering of DESIGN.md §1, checked on the source (imports) and at run time."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "tagcheck"


def _module_name(path: Path) -> str:
    parts = ["tagcheck", *path.relative_to(SRC).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside functions, absolute or relative
    (``from .loader import x`` in tagcheck/policy/ is tagcheck.policy.loader)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            names.add(f"{base}.{node.module}" if node.module else base)
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


def _imports_any(path: Path, prefixes: tuple[str, ...]) -> list[str]:
    return sorted(i for i in _imports(path) for pre in prefixes if i == pre or i.startswith(pre + "."))


def test_relative_imports_are_read():
    assert "tagcheck.policy.loader" in _imports(SRC / "policy" / "__init__.py")


def test_only_the_command_line_imports_click_and_the_application_layer_does_not():
    assert {p.split("/")[0] for p in _importers(("click",))} == {"cli"}
    assert not _imports_any(SRC / "app.py", ("click", "tagcheck.cli"))


def test_the_arrows_point_down():
    """cli → app → engine, sources, report; rules → cost, catalog, model; nothing below the
    command line imports it or the application layer."""
    for path in _modules():
        name = _module_name(path)
        if not name.startswith("tagcheck.cli") and name != "tagcheck.__main__":
            assert not _imports_any(path, ("tagcheck.cli",)), path
        if not name.startswith(("tagcheck.cli", "tagcheck.app")):
            assert not _imports_any(path, ("tagcheck.app",)), path
    for path in _modules("rules"):
        assert not _imports_any(path, ("tagcheck.engine", "tagcheck.report", "tagcheck.cost.allocation", "tagcheck.sources",
                                       "tagcheck.baseline")), path
    for path in _modules("cli"):  # the commands reach the sources through the application layer …
        allowed = path.name in ("aws.py",)  # … except the audit's options and progress types
        assert allowed or not _imports_any(path, ("tagcheck.sources",)), path


def test_no_import_circle_between_modules():
    """Module-level and function-level imports alike; a package's __init__ counts as the package."""
    graph = {_module_name(p): {i for i in _imports(p) if i.startswith("tagcheck")} for p in _modules()}
    known = set(graph)

    def targets(name: str) -> set[str]:
        found = set()
        for imported in graph.get(name, ()):  # "from tagcheck.x import y" may name a module y of package x
            while imported not in known and "." in imported:
                imported = imported.rpartition(".")[0]
            if imported in known and imported != name and not name.startswith(imported + "."):
                found.add(imported)
        return found

    edges = {name: targets(name) for name in graph}
    cycles = []
    for start in edges:
        todo, seen = [(start, [start])], set()
        while todo:
            node, path = todo.pop()
            for nxt in edges[node]:
                if nxt == start:
                    cycles.append(path)
                elif nxt not in seen:
                    seen.add(nxt)
                    todo.append((nxt, path + [nxt]))
    assert not cycles, " ; ".join(" → ".join(c + [c[0]]) for c in cycles[:5])


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
