"""How `results show` reads at a terminal."""

from __future__ import annotations

from typing import Any

from . import context


def render_show(document: dict[str, Any]) -> None:
    from rich.table import Table

    from .safe_text import safe

    out = context.console()
    where = f"{document['org']}/{document['repo']}#{document['number']}"
    source = f"group {document['group_id']}" if document["group_id"] else "a live run"
    out.print(
        f"[bold]{safe(where)}[/bold]: {safe(document['processor'])} with {safe(document['model'])} ({safe(source)})"
    )
    prompt = document["prompt"]
    out.print(f"[bold]Prompt[/bold] [dim]({safe(prompt['note'])})[/dim]")
    out.print(f"[dim]system:[/dim] {safe(prompt['system'], multiline=True)}")
    out.print(f"[dim]shared (cached) part:[/dim] {safe(_short(prompt['shared_context']), multiline=True)}")
    out.print(f"[dim]issue part:[/dim]\n{safe(prompt['issue'], multiline=True)}")
    table = Table("Label", "Confidence", "Reasoning", title="Labels")
    for label in document["labels"]:
        table.add_row(safe(label["label"]), f"{label['confidence']:.2f}", safe(label["reasoning"], multiline=True))
    out.print(table)
    answer = document["answer"] or "(not recorded for this older result)"
    out.print(f"[bold]Raw answer:[/bold] {safe(answer, multiline=True)}")
    usage = document["usage"]
    if usage is None:
        out.print("Tokens: not recorded for this older result")
    else:
        cost = "-" if document["cost_usd"] is None else f"${document['cost_usd']:.6f}"
        out.print(
            f"Tokens: {usage['input_tokens']:,} input ({usage['cached_input_tokens']:,} from cache, "
            f"{usage['cache_write_tokens']:,} written) + {usage['output_tokens']:,} output; cost {cost}"
        )


def _short(text: str, limit: int = 400) -> str:
    return text if len(text) <= limit else f"{text[:limit]} [... {len(text) - limit} more characters]"
