"""Data made safe for a terminal: control characters shown as visible escapes, Rich markup escaped.

Issue titles, bodies, labels and model answers come from outside; printed raw, an ESC sequence clears the
screen, opens a hyperlink or writes the clipboard, and a `[` starts Rich markup. Every human view passes
each data value through `safe` (or `visible` where no Rich markup is parsed); `--json` keeps the text as is.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

# C0 controls, DEL and C1 controls; a newline is kept only where a view prints multi-line text.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROLS_BUT_NEWLINE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _shown(match: re.Match[str]) -> str:
    char = match.group()
    return _NAMED.get(char, f"\\x{ord(char):02x}")


def visible(text: str, *, multiline: bool = False) -> str:
    """The text with every control character (C0, DEL, C1) written as an escape such as `\\x1b`;
    with `multiline`, newlines stay."""
    return (_CONTROLS_BUT_NEWLINE if multiline else _CONTROLS).sub(_shown, text)


def safe(value: object, *, multiline: bool = False) -> str:
    """A data value ready to place in Rich markup or a table cell: visible controls, markup escaped."""
    from rich.markup import escape

    return escape(visible(str(value), multiline=multiline))


def safe_join(values: Iterable[object], separator: str = ", ") -> str:
    """Several data values joined for Rich, each made safe."""
    return separator.join(safe(value) for value in values)
