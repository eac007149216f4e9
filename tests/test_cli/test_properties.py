"""Property-based tests (Hypothesis) over the CLI's inputs and the importer: whatever the input, a run ends
with exit 0, 1 or 2, at most one line on stderr, never "Unexpected error", and a refused command leaves the
store as it was.

CI cost is bounded by the "ci" profile (the default): 50 examples per property, 300 in all; HYPOTHESIS_PROFILE=thorough
runs 500 each."""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import CliResult, invoke
from tests.factories import issue_document, write_issue_files

settings.register_profile(
    "ci", max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
settings.register_profile(
    "thorough", max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

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
