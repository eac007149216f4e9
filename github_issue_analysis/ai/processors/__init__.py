"""Processors turn an issue into a provider request and validate the answer."""

from __future__ import annotations

from .base import Processor


def processor_names() -> list[str]:
    return ["product-labeling"]


def get_processor(name: str) -> Processor | None:
    if name == "product-labeling":
        from .product_labeling import ProductLabelingProcessor

        return ProductLabelingProcessor()
    return None
