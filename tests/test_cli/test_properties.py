"""Property-based tests (Hypothesis) over the CLI's inputs and the importer: whatever the input, a run ends
with exit 0, 1 or 2, at most one line on stderr, never "Unexpected error", and a refused command leaves the
store as it was.

The import path (owner and repository names, issue URLs, states, times with offsets) and the export path (what
`--output` may replace) have properties of their own.

CI cost is bounded by the "ci" profile (the default): 50 examples per property (half that for the import and
export paths, which build a store per example); HYPOTHESIS_PROFILE=thorough runs ten times as many."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from github_issue_analysis.links import owner_problem, repository_problem
from tests.conftest import CliResult, invoke
from tests.factories import issue_document, write_issue_files

settings.register_profile(
    "ci", max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
settings.register_profile(
    "thorough", max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
HALF = max(10, settings.default.max_examples // 2)  # properties that build a fresh store per example

# Text as a hostile user types it: NUL, lone surrogates, control characters, very long runs.
hostile_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.sampled_from(["\x00", "\ud800", "\udfff", "%", "_", "\n", "'", "-", "a", "0"]), max_size=20),
    st.integers(min_value=1, max_value=5).map(lambda n: "x" * (10**n)),
)
numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([0, -1, 1, 2**31 - 1, 2**31, 2**63, 10**23, 999_999_999]),
).map(str)
numberish = st.one_of(numbers, hostile_text, st.sampled_from(["nan", "inf", "-inf", "1e400", "0x10", " 7 "]))
dates = st.one_of(
    st.dates().map(str),
    st.datetimes().map(lambda d: d.isoformat()),
    st.sampled_from(["0001-01-01", "9999-12-31", "0000-00-00", "2026-02-30", "yesterday", "2026-01-01T25:00"]),
    hostile_text,
)


@pytest.fixture
def data_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


def store_env(folder: Path) -> dict[str, str]:
    return {"GH_ANALYSIS_DATA_DIR": str(folder / "data")}


def seeded_store(folder: Path) -> dict[str, str]:
    env = store_env(folder)
    if not (folder / "data").exists():
        write_issue_files(folder / "issues", "acme", "app", 3)
        assert invoke("import", str(folder / "issues"), env=env).exit_code == 0
    return env


def dump(folder: Path) -> list[str]:
    with sqlite3.connect(folder / "data" / "gh-analysis.db") as conn:
        return list(conn.iterdump())


def check(result: CliResult) -> None:
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.stderr[:500])
    lines = result.stderr.strip().splitlines()
    assert len(lines) <= 1, result.stderr[:1000]
    assert "Unexpected error" not in result.stderr, result.stderr[:500]
    assert "Traceback" not in result.stderr
    if result.exit_code:
        assert lines and lines[0].startswith("Error: "), result.stderr[:500]


def check_refused_leaves_store(folder: Path, args: list[str], env: dict[str, str]) -> CliResult:
    before = dump(folder)
    result = invoke(*args, env=env)
    check(result)
    if result.exit_code:
        assert dump(folder) == before
    return result


@pytest.mark.slow
@given(
    options=st.dictionaries(
        st.sampled_from(
            ["--limit", "--last-days", "--issue-number", "--state", "--created-after", "--updated-before", "--repo"]
        ),
        st.one_of(numberish, dates),
        max_size=4,
    )
)
def test_collect_options(data_dir: Path, options: dict[str, str]) -> None:
    """No token anywhere, so every run stops before the network: option errors or the missing token."""
    env = {**store_env(data_dir), "GITHUB_API_URL": "http://127.0.0.1:9"}
    args = ["collect", "--org", "acme"] + [part for pair in options.items() for part in pair]
    result = invoke(*args, env=env)
    check(result)
    assert result.exit_code == 2


@pytest.mark.slow
@given(command=st.sampled_from(["status", "remove", "collect", "cancel", "group-collect", "watch"]), ident=hostile_text)
def test_batch_ids(data_dir: Path, command: str, ident: str) -> None:
    env = seeded_store(data_dir)
    result = check_refused_leaves_store(data_dir, ["batch", command, ident], env)
    assert result.exit_code != 0


@pytest.mark.slow
@given(
    options=st.dictionaries(
        st.sampled_from(["--limit", "--issue-number", "--repo", "--batch-size", "--sample", "--seed", "--concurrency"]),
        numberish,
        max_size=4,
    ),
    org=st.one_of(st.just("acme"), hostile_text),
)
def test_batch_submit_dry_run_options(data_dir: Path, options: dict[str, str], org: str) -> None:
    env = seeded_store(data_dir)
    args = ["batch", "submit", "product-labeling", "--org", org, "--dry-run", "--json"]
    args += [part for pair in options.items() for part in pair]
    check_refused_leaves_store(data_dir, args, env)


@pytest.mark.slow
@given(
    org=st.one_of(st.none(), hostile_text),
    output_format=st.one_of(st.sampled_from(["jsonl", "csv"]), hostile_text),
    output=st.one_of(st.none(), st.sampled_from(["data/gh-analysis.db", "data", "nowhere/x", "out.jsonl"])),
)
def test_results_export(data_dir: Path, org: str | None, output_format: str, output: str | None) -> None:
    env = seeded_store(data_dir)
    args = ["results", "export", "--format", output_format]
    args += ["--org", org] if org is not None else []
    args += ["--output", str(data_dir / output)] if output is not None else []
    result = check_refused_leaves_store(data_dir, args, env)
    if output == "data/gh-analysis.db":
        assert result.exit_code == 2


@pytest.mark.slow
@given(
    settings_values=st.dictionaries(
        st.sampled_from(
            [
                "GH_ANALYSIS_OPENAI_MAX_REQUESTS_PER_BATCH",
                "GH_ANALYSIS_OPENAI_MAX_BYTES_PER_BATCH",
                "GH_ANALYSIS_OPENAI_MAX_BATCHES_PER_HOUR",
                "GH_ANALYSIS_RETRY_SECONDS",
                "GH_ANALYSIS_DEBUG",
                "GITHUB_API_URL",
                "GH_ANALYSIS_PRICES_FILE",
            ]
        ),
        numberish.filter(lambda value: "\x00" not in value and not any(0xD800 <= ord(c) <= 0xDFFF for c in value)),
        min_size=1,
        max_size=3,
    )
)
def test_settings_values(data_dir: Path, settings_values: dict[str, str]) -> None:
    env = {**seeded_store(data_dir), **settings_values}
    if "GH_ANALYSIS_DEBUG" in settings_values and settings_values["GH_ANALYSIS_DEBUG"].strip().lower() in (
        "1",
        "true",
        "yes",
        "on",
        "t",
        "y",
    ):
        env["GH_ANALYSIS_DEBUG"] = "0"
    check_refused_leaves_store(data_dir, ["status"], env)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | hostile_text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)
ISSUE_FIELDS = ["number", "title", "body", "state", "labels", "user", "comments", "created_at", "updated_at"]


@st.composite
def issue_files(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["mutated", "random", "bytes", "deep"]))
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    if kind == "deep":
        depth = draw(st.integers(min_value=500, max_value=200_000))
        return ("[" * depth + "]" * depth).encode()
    if kind == "random":
        return json.dumps(draw(json_values)).encode()
    document: dict[str, Any] = issue_document("acme", "app", draw(st.integers(1, 50)))
    for field in draw(st.lists(st.sampled_from(ISSUE_FIELDS), max_size=3)):
        document["issue"][field] = draw(st.one_of(json_values, numbers.map(int), dates))
    if draw(st.booleans()):
        document[draw(st.sampled_from(["org", "repo"]))] = draw(hostile_text)
    return json.dumps(document).encode()


@pytest.mark.slow
@given(files=st.lists(issue_files(), min_size=1, max_size=4))
def test_importer(data_dir: Path, files: list[bytes]) -> None:
    env = seeded_store(data_dir)
    folder = data_dir / "incoming"
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    for index, content in enumerate(files):
        (folder / f"file_{index}.json").write_bytes(content)
    result = invoke("import", str(folder), env=env)
    assert result.exit_code in (0, 1), result.stderr[:500]
    assert "Unexpected error" not in result.stderr and "Traceback" not in result.stderr
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(error_lines) == (1 if result.exit_code else 0), result.stderr[:500]
    check(invoke("status", "--json", env=env))


# The import path: names as GitHub defines them, URLs only on the GitHub host, times compared as instants.
owner_names = st.one_of(st.from_regex(r"[A-Za-z0-9](?:-?[A-Za-z0-9]){0,19}", fullmatch=True), hostile_text)
repo_names = st.one_of(
    st.from_regex(r"[A-Za-z0-9._-]{1,30}", fullmatch=True), st.sampled_from([".", "..", "../x"]), hostile_text
)
issue_urls = st.one_of(
    st.none(),
    st.builds(
        lambda scheme, host, path: f"{scheme}{host}{path}",
        st.sampled_from(["https://", "http://", "javascript:", "JAVASCRIPT:", "data:", "//", " https://", ""]),
        st.sampled_from(["github.com", "GitHub.com", "evil.example", "github.com@evil.example", "github.com:443"]),
        st.sampled_from(["/acme/app/issues/1", "/x", "", "/a b", '/"><script>']),
    ),
    hostile_text.filter(lambda text: not any(0xD800 <= ord(char) <= 0xDFFF for char in text)),  # else not JSON
)
offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(lambda minutes: timezone(timedelta(minutes=minutes)))
instants = st.datetimes(min_value=datetime(2000, 1, 2), max_value=datetime(2099, 12, 30))


def stored_issues(folder: Path) -> list[tuple[str, str, int, str, str | None, str]]:
    with sqlite3.connect(folder / "data" / "gh-analysis.db") as conn:
        return list(conn.execute("SELECT org, repo, number, title, url, updated_at FROM issues"))


@settings(max_examples=HALF)
@given(org=owner_names, repo=repo_names, url=issue_urls, state=st.sampled_from(["open", "CLOSED", "Open", "weird", ""]))
def test_import_names_urls_and_states(org: str, repo: str, url: str | None, state: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        path = root / "issue.json"
        path.write_text(json.dumps(issue_document(org, repo, 1, html_url=url, state=state)))
        result = invoke("import", str(path), env=store_env(root))
        valid = owner_problem(org) is None and repository_problem(repo) is None and state.lower() in ("open", "closed")
        assert result.exit_code == (0 if valid else 1), result.stderr[:500]
        check(result)
        rows = stored_issues(root) if (root / "data" / "gh-analysis.db").exists() else []
        assert [(r[0], r[1]) for r in rows] == ([(org, repo)] if valid else [])
        for row in rows:
            assert row[4] is None or (row[4] == url and row[4].startswith("https://github.com/"))


@settings(max_examples=HALF)
@given(first=instants, second=instants, first_zone=offsets, second_zone=offsets, reverse=st.booleans())
def test_import_keeps_the_later_instant(
    first: datetime, second: datetime, first_zone: timezone, second_zone: timezone, reverse: bool
) -> None:
    times = [first.replace(tzinfo=first_zone), second.replace(tzinfo=second_zone)]
    assume(times[0] != times[1])
    latest = max(times)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        order = list(reversed(times)) if reverse else times
        for index, when in enumerate(order):
            title = "latest" if when == latest else "earlier"
            path = root / f"{index}" / "issue.json"
            path.parent.mkdir()
            path.write_text(json.dumps(issue_document("acme", "app", 1, title=title, updated_at=when.isoformat())))
            result = invoke("import", str(path), env=store_env(root))
            assert result.exit_code == 0, result.stderr[:500]
        ((_, _, _, title, _, updated_at),) = stored_issues(root)
        assert title == "latest"
        assert datetime.fromisoformat(updated_at) == latest.astimezone(UTC).replace(tzinfo=None)


# The export path: --output replaces only a regular file (with --force), never a link, pipe or folder.
TARGET_KINDS = ["absent", "file", "symlink", "dangling", "fifo", "folder", "no-parent"]


def make_target(root: Path, kind: str) -> Path:
    target = root / "out" / "x.jsonl" if kind == "no-parent" else root / "x.jsonl"
    if kind == "file":
        target.write_text("old")
    elif kind in ("symlink", "dangling"):
        (root / "precious").write_text("keep") if kind == "symlink" else None
        target.symlink_to(root / "precious")
    elif kind == "fifo":
        os.mkfifo(target)
    elif kind == "folder":
        target.mkdir()
    return target


@settings(max_examples=HALF)
@given(kind=st.sampled_from(TARGET_KINDS), force=st.booleans(), output_format=st.sampled_from(["jsonl", "csv"]))
def test_export_targets(data_dir: Path, kind: str, force: bool, output_format: str) -> None:
    env = seeded_store(data_dir)
    with tempfile.TemporaryDirectory(dir=data_dir) as folder:
        root = Path(folder)
        target = make_target(root, kind)
        before = os.lstat(target).st_mode if os.path.lexists(target) else None
        args = [
            "results",
            "export",
            "--format",
            output_format,
            "--output",
            str(target),
            *(["--force"] if force else []),
        ]
        result = check_refused_leaves_store(data_dir, args, env)
        replaceable = kind == "absent" or (kind == "file" and force)
        assert result.exit_code == (0 if replaceable else 2), (kind, force, result.stderr)
        if replaceable:
            assert stat.S_ISREG(os.lstat(target).st_mode)
        elif before is not None:
            assert os.lstat(target).st_mode == before
        if kind == "symlink":
            assert (root / "precious").read_text() == "keep"
        assert not (root / "precious").exists() or kind == "symlink"
