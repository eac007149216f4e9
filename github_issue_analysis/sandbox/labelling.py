"""The offline labeller every emulator answers with, at a neutral import path.

It lives in `openai_emulator/labeller.py` (kept there so existing imports work); other emulators import it
from here. Answers say they come from the offline sandbox labeller; it is never presented as AI.
"""

from __future__ import annotations

from .openai_emulator.labeller import PRODUCT_SCHEMA_NAME, SOURCE, answer, minimal_instance
from .openai_emulator.tokens import content_text, count_text

__all__ = ["PRODUCT_SCHEMA_NAME", "SOURCE", "answer", "content_text", "count_text", "minimal_instance"]
