"""The offline labeller every emulator answers with, at a neutral import path.

It lives in `openai_emulator/labeller.py` (kept there so existing imports work); other emulators import it
from here. Answers say they come from the offline sandbox labeller; it is never presented as AI.
"""

from __future__ import annotations

import json
from typing import Any

from .openai_emulator.labeller import PRODUCT_SCHEMA_NAME, SOURCE, answer, minimal_instance
from .openai_emulator.tokens import content_text, count_text

__all__ = [
    "PRODUCT_SCHEMA_NAME",
    "SOURCE",
    "answer",
    "content_text",
    "count_text",
    "minimal_instance",
    "structured_answer",
]


def structured_answer(text: str, schema: dict[str, Any], name: str, violate: bool = False) -> Any:
    """An answer to `text` that follows `schema`: the labelling answer for the product-labelling schema (it has
    `recommended_labels`), else the smallest instance of the schema named `name`. `violate` (an injected
    schema-violation fault) drops the answer's first property."""
    properties = schema.get("properties")
    labelling = isinstance(properties, dict) and "recommended_labels" in properties
    produced = json.loads(answer(text, PRODUCT_SCHEMA_NAME if labelling else name, schema))
    if not violate:
        return produced
    if isinstance(produced, dict) and produced:
        produced.pop(next(iter(produced)))
        return produced
    return {"unexpected": f"{SOURCE}: sandbox-injected schema violation"}
