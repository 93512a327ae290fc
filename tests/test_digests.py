"""File digests remembered by stat (digests.py): trusted only while the stat is the same,
never for a file changed in the last moments, and the scan sees every edit."""

from __future__ import annotations

import os
import time
from pathlib import Path

from tagcheck.sources.terraform import digests
from tagcheck.sources.terraform.cache import ParseCache
from tagcheck.sources.terraform.digests import DigestIndex
from tagcheck.sources.terraform.source import scan


def _index(cache_dir: Path) -> DigestIndex:
    cache = ParseCache(cache_dir)
    return DigestIndex(cache, cache.key("digest-index", b"test"))


def test_a_digest_is_remembered_while_the_stat_is_the_same(tmp_path, monkeypatch):
    monkeypatch.setattr(digests, "RACY_NS", 0)
    path = tmp_path / "main.tf"
    path.write_text("a = 1\n")
    index = _index(tmp_path / "cache")
    index.remember(str(path), path.stat(), "d1")
    index.save()
    again = _index(tmp_path / "cache")
    assert again.lookup(str(path), path.stat()) == "d1"
    time.sleep(0.05)  # past the timestamps' granularity
    old = path.stat()
    path.write_text("a = 2\n")  # same size …
    os.utime(path, ns=(old.st_atime_ns, old.st_mtime_ns))  # … and the mtime put back, as touch -r does
    assert path.stat().st_size == old.st_size and path.stat().st_mtime_ns == old.st_mtime_ns
    assert again.lookup(str(path), path.stat()) is None  # ctime moved: hashed again


def test_a_file_changed_just_now_is_not_remembered(tmp_path):
    path = tmp_path / "main.tf"
    path.write_text("a = 1\n")
    index = _index(tmp_path / "cache")
    index.remember(str(path), path.stat(), "d1")  # written a moment ago: racy
    index.save()
    assert _index(tmp_path / "cache").lookup(str(path), path.stat()) is None


def test_without_a_cache_nothing_is_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(digests, "RACY_NS", 0)
    path = tmp_path / "main.tf"
    path.write_text("a = 1\n")
    cache = ParseCache(None)
    index = DigestIndex(cache, None)
    index.remember(str(path), path.stat(), "d1")
    index.save()
    assert DigestIndex(cache, None).lookup(str(path), path.stat()) is None


def test_a_scan_sees_an_edit_that_keeps_size_and_mtime(tmp_path, monkeypatch):
    """End to end, with every digest trusted at once: the remembered digest is used (the
    file is not read), and an edit that keeps size and mtime is still seen."""
    monkeypatch.setattr(digests, "RACY_NS", 0)
    root, cache_dir = tmp_path / "tf", tmp_path / "cache"
    root.mkdir()
    main = root / "main.tf"
    main.write_text('resource "aws_sqs_queue" "q" {\n  tags = { team = "aa" }\n}\n')

    def team() -> str:
        (resource,) = scan([root], cwd=root, cache=ParseCache(cache_dir)).resources
        return resource.tags.known_dict()["team"]

    assert team() == "aa"
    reads: list[Path] = []
    original = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: reads.append(self) or original(self))
    assert team() == "aa" and main not in reads  # warm: the digest came from the index
    time.sleep(0.05)
    old = main.stat()
    main.write_text(main.read_text().replace('"aa"', '"bb"'))
    os.utime(main, ns=(old.st_atime_ns, old.st_mtime_ns))
    assert team() == "bb"
