"""tagcheck parses without lark's position bookkeeping and takes block and attribute lines
from their first and last tokens; they must equal what python-hcl2's own parser reports."""

from __future__ import annotations

from pathlib import Path

import hcl2
import pytest
from lark import Tree

from tagcheck.sources.terraform import parser

ROOT = Path(__file__).resolve().parents[3]
FILES = sorted(p for d in ("examples", "tests") for p in (ROOT / d).rglob("*.tf"))


def _walk(tree: Tree, position) -> list[tuple]:
    found, todo = [], [tree]
    while todo:
        node = todo.pop()
        if node.data in ("block", "attribute"):
            found.append((node.data, *position(node)))
        todo.extend(c for c in node.children if isinstance(c, Tree))
    return found


def _readable(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="utf-8")
        hcl2.parses_to_tree(text)
    except Exception:  # noqa: BLE001 - deliberately broken fixtures are not about positions
        return None
    return text


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_block_and_attribute_lines_match_hcl2(path):
    text = _readable(path)
    if text is None:
        pytest.skip("not valid HCL (a fixture about errors)")
    expected = _walk(hcl2.parses_to_tree(text), lambda n: (n.meta.line, n.meta.end_line))
    ours = _walk(parser._parser().parse(text + "\n"), lambda n: (parser._first_line(n), parser._last_line(n)))
    assert ours == expected
    assert expected  # the file has blocks or attributes: the comparison compared something


def test_corpus_is_not_empty():
    assert len(FILES) > 50


def test_unwritable_cache_home_falls_back_to_the_temporary_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(parser.os, "access", lambda *_args: False)  # as for a user who cannot write there
    assert parser._grammar_cache_file() is True


def test_cache_file_lives_in_the_tagcheck_cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    where = Path(parser._grammar_cache_file())
    assert where.parent == tmp_path / "tagcheck"
    assert hcl2.__version__ in where.name
