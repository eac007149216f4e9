"""`gh-analysis report` for 10,000 issues: generation time and file size (goal < 10 MB), and how long headless
Chromium takes to render it and to apply a filter. Compared in the same run with 1,000 issues (scaling) and
with the same rows written as a plain server-rendered HTML table (size).

    uv run python benchmarks/report.py [--issues 10000]
"""

from __future__ import annotations

import argparse
import html
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness import Row, print_rows

from github_issue_analysis.domain.groups import BatchGroup, new_group_id, new_job_id
from github_issue_analysis.domain.usage import TokenUsage
from github_issue_analysis.report.builder import ReportScope, build_report
from github_issue_analysis.report.render import write_report
from github_issue_analysis.storage.batch_records import CollectedResult, NewJob
from github_issue_analysis.storage.issue_store import IssueSelection
from github_issue_analysis.storage.records import IssueRecord, LabelRecord
from github_issue_analysis.storage.store import Store, open_store

GOAL_BYTES = 10 * 1024 * 1024
LABELS = ["product::kots", "product::vendor", "product::troubleshoot", "product::kurl", "product::embedded-cluster"]
CHROMIUM = os.environ.get("GH_ANALYSIS_TEST_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


def analysis(n: int) -> dict[str, Any]:
    """An answer the size of a real product-labeling answer (reasonings of a sentence or two)."""
    first, second = LABELS[n % 5], LABELS[(n * 7 + 3) % 5]
    reason = "The issue describes {} behaviour in the installer and its logs point at the admin console upgrade."
    return {
        "recommended_labels": [
            {"label": first, "confidence": round(0.55 + (n % 45) / 100, 2), "reasoning": reason.format(first)},
            {"label": second, "confidence": round(0.3 + (n % 30) / 100, 2), "reasoning": reason.format(second)},
        ][: 1 + n % 2],
        "current_labels_assessment": [{"label": "bug", "correct": True, "reasoning": "A defect is reported."}],
        "confidence": round(0.5 + (n % 50) / 100, 2),
        "summary": f"Upgrade of the application fails on step {n % 17} with a timeout in the admin console.",
        "reasoning": "The text names the admin console, the installer and an upgrade that fails; "
        "the comments confirm a regression in the latest release.",
    }


def fill(store: Store, issues: int) -> str:
    when = datetime(2026, 1, 1, tzinfo=UTC)
    records = [
        IssueRecord(
            org="acme",
            repo=f"repo-{n % 5}",
            number=n,
            title=f"Upgrade to 1.{n % 90} fails with a timeout in the admin console (case {n})",
            state="open",
            labels=[LabelRecord(name="bug")],
            created_at=when,
            updated_at=when,
            url=f"https://github.com/acme/repo-{n % 5}/issues/{n}",
        )
        for n in range(1, issues + 1)
    ]
    store.issues.upsert_issues(records)
    ids = store.issues.select_issue_ids(IssueSelection("acme"))
    chunks = [ids[i : i + 30] for i in range(0, len(ids), 30)]
    jobs = [
        NewJob(new_job_id(), seq, len(chunks), [(i, f"issue-{i}") for i in chunk], 700 * len(chunk))
        for seq, chunk in enumerate(chunks, 1)
    ]
    group = BatchGroup(
        group_id=new_group_id(),
        processor="product-labeling",
        model="gpt-4o-mini",
        provider="openai",
        child_job_ids=[j.job_id for j in jobs],
        total_issues=len(ids),
        is_split_job=True,
        batch_size=30,
        created_at=when,
        selection={"org": "acme", "repo": None, "issue_number": None, "limit": None},
    )
    store.jobs.create_group(group, jobs)
    for job in store.jobs.jobs(group.group_id):
        items = store.job_items.items(job.job_id)
        collected = [CollectedResult(i.issue_id, i.custom_id, analysis(i.issue_id), 0.8) for i in items]
        store.job_items.record_collection(
            job, "product-labeling", "gpt-4o-mini", collected, [], TokenUsage(input_tokens=21000, output_tokens=7500)
        )
    return group.group_id


def html_table_bytes(table: dict[str, Any]) -> int:
    """The same rows as a plain HTML table (what a server-rendered page would ship)."""
    labels, repos = table["labels"], table["repos"]
    parts = []
    for r in table["rows"]:
        org, repo = repos[r[0]]
        recs = "".join(f'<span class="tag" title="{html.escape(x[2])}">{html.escape(labels[x[0]])} {x[1]}</span>'
                       for x in r[4])  # fmt: skip
        current = "".join(f'<span class="tag cur">{html.escape(labels[i])}</span>' for i in r[3])
        link = f"https://github.com/{org}/{repo}/issues/{r[1]}"
        parts.append(
            f'<tr><td><a href="{link}">{repo}#{r[1]}</a></td><td>{html.escape(r[2])}</td><td>{current}</td>'
            f"<td>{recs}</td><td>{r[5]}</td><td>{html.escape(r[6])}</td><td>{r[7]}</td></tr>\n"
        )
    return len("".join(parts).encode())


def generate(issues: int, folder: Path) -> dict[str, Any]:
    store = open_store(f"sqlite:///{folder / f'{issues}.db'}")
    group_id = fill(store, issues)
    started = time.perf_counter()
    data = build_report(store, ReportScope(group=group_id))
    size = write_report(data, folder / f"{issues}.html")
    seconds = time.perf_counter() - started
    store.close()
    return {"seconds": seconds, "bytes": size, "table_bytes": html_table_bytes(data.table), "data": data}


def browser_times(path: Path) -> dict[str, float] | None:
    if not os.access(CHROMIUM, os.X_OK):
        return None
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        started = time.perf_counter()
        page.goto(path.as_uri())
        page.wait_for_selector("body[data-ready='1']", timeout=120_000)
        render = time.perf_counter() - started
        rows = page.locator("#rows tr").count()
        filter_ms = page.evaluate(
            """() => { const s = document.getElementById('f-label'); const t = performance.now();
            s.value = 'product::vendor'; s.dispatchEvent(new Event('input'));
            document.body.offsetHeight; return performance.now() - t; }"""
        )
        shown = page.locator("#rows tr:not([hidden])").count()
        browser.close()
    return {"render": render, "filter_ms": float(filter_ms), "rows": rows, "shown": shown}


def measure(issues: int = 10_000) -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        big, small = generate(issues, folder), generate(issues // 10, folder)
        seen = browser_times(folder / f"{issues}.html")
    mb = big["bytes"] / 1024 / 1024
    rows = [
        Row(
            f"`report` for {issues:,} issues: generation",
            f"{big['seconds']:.2f} s",
            f"{small['seconds']:.2f} s for {issues // 10:,} issues",
            f"{big['seconds'] / small['seconds']:.1f}x for 10x the issues",
            "-",
            None,
        ),
        Row(
            f"`report` for {issues:,} issues: file size",
            f"{mb:.2f} MB",
            f"{big['table_bytes'] / 1024 / 1024:.2f} MB for the same rows as a plain HTML table (rows alone)",
            f"{big['bytes'] / big['table_bytes']:.2f}x",
            "< 10 MB",
            big["bytes"] < GOAL_BYTES,
        ),
    ]
    if seen is not None:
        rows.append(
            Row(
                f"headless Chromium: open the {issues:,}-issue report until every row is in the table",
                f"{seen['render']:.2f} s ({seen['rows']:,} rows)",
                "-",
                "-",
                "< 5 s",
                seen["render"] < 5 and seen["rows"] == issues,
            )
        )
        rows.append(
            Row(
                f"headless Chromium: filter the {issues:,} rows by a label",
                f"{seen['filter_ms']:.0f} ms ({seen['shown']:,} shown)",
                "-",
                "-",
                "< 500 ms",
                seen["filter_ms"] < 500,
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--issues", type=int, default=10_000)
    print_rows("report", measure(parser.parse_args().issues))


if __name__ == "__main__":
    main()
