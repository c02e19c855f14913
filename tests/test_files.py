"""Files are written whole or not at all, durably where they are the truth; caches stay apart."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from dprk_kg import files


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path):
    target = tmp_path / "manifest.json"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with files.replacing(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("disk full, say")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]


def test_a_durable_write_syncs_the_file_and_its_folder_before_it_counts(tmp_path, monkeypatch):
    synced: list[int] = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real(fd)))
    files.write_atomically(tmp_path / "batch.trig", b"data", durable=True)
    assert len(synced) == 2  # the file, then the folder holding its new name
    synced.clear()
    files.write_atomically(tmp_path / "cache.json", b"data")
    assert synced == []  # a cache is rebuilt if lost: no need to wait for the disk


def test_a_durable_write_that_cannot_reach_the_disk_takes_the_new_file_back(tmp_path, monkeypatch):
    target = tmp_path / "batch.trig"
    calls = iter([None])  # the file's fsync passes, the folder's fails

    def fsync(fd: int) -> None:
        if next(calls, "fail") == "fail":
            raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(OSError):
        files.write_atomically(target, b"data", durable=True)
    assert list(tmp_path.iterdir()) == []


def test_the_test_suite_keeps_its_caches_in_a_temporary_folder(tmp_path):
    """What a validation remembers (the shapes' reach) goes to the cache folder, and during
    the tests that folder is a temporary one, not the user's."""
    from dprk_kg.validation import load_shapes

    cache = files.cache_dir()
    assert Path(tempfile.gettempdir()) in cache.parents
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
                      "<http://e/S> a sh:NodeShape ; sh:targetClass <http://e/C> ;\n"
                      "    sh:property [ sh:path <http://e/p> ; sh:minCount 1 ] .\n")
    load_shapes(shapes)
    assert any(p.name.startswith("reach-") for p in cache.iterdir())
