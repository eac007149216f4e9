"""`gh-analysis models`: providers, their known models, batch and live prices, batch limits."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

import typer

from . import context

if TYPE_CHECKING:
    from github_issue_analysis.ai.catalog import Catalog
    from github_issue_analysis.ai.providers.pricing import Price


def models(json_output: bool = typer.Option(False, "--json", help="Print one JSON document and nothing else.")) -> None:
    """List providers, their known models with batch and live prices (USD per million tokens), and batch limits."""
    from github_issue_analysis.ai.catalog import catalog

    found = catalog(context.settings())
    if json_output:
        context.print_json(document(found))
        return
    _table(found)


def document(found: Catalog) -> dict[str, Any]:
    return {
        "default_model": found.default_model,
        "processors": found.processors,
        "providers": [
            {
                **{k: v for k, v in asdict(p).items() if k != "models" and not k.startswith("max_")},
                "limits": {
                    "max_requests_per_batch": p.max_requests_per_batch,
                    "max_bytes_per_batch": p.max_bytes_per_batch,
                    "max_batches_per_hour": p.max_batches_per_hour,
                },
                "models": [
                    {
                        "name": m.name,
                        "model": m.spec,
                        "batch_price": _price(m.batch_price),
                        "live_price": _price(m.live_price),
                    }
                    for m in p.models
                ],
            }
            for p in found.providers
        ],
    }


def _price(price: Price | None) -> dict[str, float] | None:
    if price is None:
        return None
    return {
        "input_per_million": price.input_per_million,
        "output_per_million": price.output_per_million,
        "cached_input_per_million": price.cached_input,
        "cache_write_per_million": price.cache_write,
    }


def _table(found: Catalog) -> None:
    from rich.table import Column, Table

    out = context.console()
    for p in found.providers:
        key = "set" if p.key_set else "not set"
        out.print(f"[bold]{p.name}[/bold] - {p.title} ({p.api_key_env} {key})")
        hourly = f"{p.max_batches_per_hour:,} batches per hour" if p.max_batches_per_hour else "no hourly cap"
        out.print(
            f"  limits: {p.max_requests_per_batch:,} requests and {p.max_bytes_per_batch / 1024 / 1024:,.0f} MB "
            f"per batch, {hourly}; {p.notes}"
        )
        prices = [Column(name, no_wrap=True) for name in ("Batch in", "cached", "write", "out", "Live in", "out")]
        table = Table(Column("Model", no_wrap=True), *prices)
        for m in p.models:
            live = _cells(m.live_price)
            table.add_row(m.spec, *_cells(m.batch_price), live[0], live[3])
        out.print(table)
    out.print(
        "Prices in USD per million tokens; cached: input read from the prompt cache; write: input written to "
        "it (Anthropic's 1-hour cache); live cached prices are twice the batch ones (--json)."
    )
    out.print(f"Default model: {found.default_model}")
    out.print(f"Processors: {', '.join(found.processors)}")


def _cells(price: Price | None) -> list[str]:
    if price is None:
        return ["-"] * 4
    prices = (price.input_per_million, price.cached_input, price.cache_write, price.output_per_million)
    return [_usd(value) for value in prices]


def _usd(value: float) -> str:
    """$0.0375, $0.30, $10.00: up to 4 decimals, at least 2 (0 as $0)."""
    if value == 0:
        return "$0"
    text = f"{value:,.4f}".rstrip("0")
    whole, _, decimals = text.partition(".")
    return f"${whole}.{decimals.ljust(2, '0')}"
