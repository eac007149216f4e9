"""Rendering for `gh-analysis eval`: Rich tables for people, the report as one JSON document for scripts."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from . import context
from .safe_text import safe


def report(document: dict[str, Any], json_output: bool) -> None:
    if json_output:
        context.print_json(document)
        return
    out = context.console()
    for figures in document["evaluations"]:
        evaluation(out, figures)
    if document.get("comparison"):
        comparison(out, document["comparison"])
    if document.get("examples_excluded"):
        out.print(
            f"{document['examples_excluded']} issue(s) that served as prompt examples are left out of every figure"
        )


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _span(pair: list[float] | None, fmt: Any = _num) -> str:
    return "-" if not pair else f"{fmt(pair[0])} to {fmt(pair[1])}"


def _usd(value: float | None) -> str:
    return "unknown (no price for this model)" if value is None else f"${value:,.4f}"


def evaluation(out: Console, f: dict[str, Any]) -> None:
    sample = f" · sample of {f['sample']} (seed {f['seed']})" if f.get("sample") else ""
    out.print(
        f"\n[bold]{safe(f['group_id'])}[/bold] · {safe(f['provider'])}:{safe(f['model'])} · "
        f"{'blind' if f['blind'] else 'NOT BLIND'}"
        f"{sample} · {f['issues_scored']} issue(s) scored of {f['issues_answered']} answered"
        f"{'' if f['issues_answered'] == f['issues_sent'] else ' (' + str(f['issues_sent']) + ' sent)'}"
    )
    if f.get("warning"):
        out.print(f"[yellow]Warning: {safe(f['warning'])}[/yellow]")
    out.print(_summary(f))
    out.print(_per_label(f))
    if f["confusions"]:
        pairs = ", ".join(f"{safe(c['true'])} -> {safe(c['predicted'])} ({c['count']})" for c in f["confusions"])
        out.print(f"Most frequent confusions (true -> predicted): {pairs}")
    out.print(_calibration(f))
    if f.get("threshold_search"):
        out.print(_threshold(f["threshold_search"]))


def _summary(f: dict[str, Any]) -> Table:
    table = Table(title=f"Scores at confidence >= {f['min_confidence']:g}", title_justify="left")
    table.add_column("Figure")
    table.add_column("Value", justify="right")
    table.add_column("95% interval", justify="right")
    micro, macro, intervals = f["micro"], f["macro"], f["intervals"]
    table.add_row("Micro precision", _num(micro["precision"]), _span(intervals["precision"]))
    table.add_row("Micro recall", _num(micro["recall"]), "")
    table.add_row("Micro F1", _num(micro["f1"]), _span(intervals["micro_f1"]))
    table.add_row(
        "Macro precision / recall / F1", " / ".join(_num(macro[k]) for k in ("precision", "recall", "f1")), ""
    )
    table.add_row("Exact label-set match", _pct(f["exact_match"]), "")
    table.add_row("Coverage (issues with a label)", _pct(f["coverage"]), "")
    table.add_row("Expected calibration error", _num(f["ece"]), "")
    table.add_row("Cost (provider usage)", _usd(f["cost_usd"]), "")
    per_correct = f["cost_per_correct_label"]
    table.add_row("Cost per correct label", "-" if per_correct is None else f"${per_correct:,.6f}", "")
    return table


def _per_label(f: dict[str, Any]) -> Table:
    table = Table(title="Per label", title_justify="left")
    for name in ("Label", "Support", "Predicted", "Precision", "Recall", "F1"):
        table.add_column(name, justify="left" if name == "Label" else "right")
    for row in f["per_label"]:
        table.add_row(
            safe(row["label"]),
            str(row["support"]),
            str(row["predicted"]),
            _num(row["precision"]),
            _num(row["recall"]),
            _num(row["f1"]),
        )
    return table


def _calibration(f: dict[str, Any]) -> Table:
    table = Table(title=f"Calibration (ECE {_num(f['ece'])})", title_justify="left")
    for name in ("Confidence", "Recommendations", "Mean confidence", "Observed precision"):
        table.add_column(name, justify="right")
    for b in f["calibration"]:
        if b["count"]:
            table.add_row(
                f"{b['low']:.1f}-{b['high']:.1f}", str(b["count"]), _num(b["mean_confidence"]), _num(b["precision"])
            )
    return table


def _threshold(found: dict[str, Any]) -> str:
    target = found["target_precision"]
    if not found["reached"]:
        return f"[yellow]No confidence threshold reaches a precision of {target:g}.[/yellow]"
    return (
        f"Target precision {target:g}: threshold {found['threshold']:g} gives precision {_num(found['precision'])} "
        f"(95% {_span(found['precision_interval'])}), coverage {_pct(found['coverage'])} "
        f"(95% {_span(found['coverage_interval'], _pct)}), {found['recommendations_kept']} recommendation(s) kept"
    )


def comparison(out: Console, c: dict[str, Any]) -> None:
    if not c["shared_issues"]:
        out.print("\n[yellow]The groups share no scored issue: nothing to compare side by side.[/yellow]")
        return
    table = Table(
        title=f"\nSide by side on the {c['shared_issues']} issue(s) they share (micro averages)", title_justify="left"
    )
    table.add_column("Group", no_wrap=True)
    table.add_column("Model", no_wrap=True)
    for name in ("P", "R", "F1", "Exact", "Cost"):
        table.add_column(name, justify="right", no_wrap=True)
    for g in c["groups"]:
        m = g["micro"]
        table.add_row(
            safe(g["group_id"]),
            safe(g["model"]),
            _num(m["precision"]),
            _num(m["recall"]),
            _num(m["f1"]),
            _pct(g["exact_match"]),
            "unknown" if g["cost_usd"] is None else f"${g['cost_usd']:,.4f}",
        )
    out.print(table)
    for d in c["differences"]:
        out.print(
            f"{safe(d['group_id'])} - {safe(d['baseline'])}: micro-F1 {d['micro_f1_difference']:+.3f} "
            f"(paired 95% interval {d['interval'][0]:+.3f} to {d['interval'][1]:+.3f})"
        )
