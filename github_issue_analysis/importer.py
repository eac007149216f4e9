"""Import issue JSON files in the upstream layout `{org, repo, issue: {...}}` into the store.

Owner and repository names are checked as GitHub defines them and the state is open or closed (in any case);
an issue URL is kept only when it is an https URL on the configured GitHub host (links are built from
org/repo/number anyway); times keep their offsets and are stored in UTC."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from pydantic import BaseModel, Field, ValidationError, field_validator

from . import links
from .storage.issue_store import IssueStore, StoreRefused, UpsertCounts
from .storage.records import CommentRecord, IssueRecord, LabelRecord

_BATCH = 400  # the issue store's chunk: one transaction per chunk
MAX_ISSUE_NUMBER = 2**31 - 1  # GitHub's issue numbers are GraphQL Int (32-bit)


class _User(BaseModel):
    login: str | None = None


class _Label(BaseModel):
    name: str
    color: str | None = None
    description: str | None = None


class _Comment(BaseModel):
    user: _User | None = None
    body: str | None = ""
    created_at: str | None = None
    updated_at: str | None = None


class _Issue(BaseModel):
    number: int = Field(gt=0, le=MAX_ISSUE_NUMBER)
    title: str
    body: str | None = ""
    state: str
    labels: list[_Label] = []
    user: _User | None = None
    comments: list[_Comment] = []
    created_at: str
    updated_at: str
    html_url: str | None = None
    url: str | None = None

    @field_validator("state", mode="after")
    @classmethod
    def _open_or_closed(cls, value: str) -> str:
        if value.lower() not in ("open", "closed"):
            raise ValueError("must be open or closed")
        return value.lower()


class _IssueFile(BaseModel):
    org: str
    repo: str
    issue: _Issue

    @field_validator("org", mode="after")
    @classmethod
    def _owner(cls, value: str) -> str:
        if problem := links.owner_problem(value):
            raise ValueError(problem)
        return value

    @field_validator("repo", mode="after")
    @classmethod
    def _repository(cls, value: str) -> str:
        if problem := links.repository_problem(value):
            raise ValueError(problem)
        return value


@dataclass
class BadFile:
    path: Path
    reason: str


@dataclass
class ImportReport:
    files: int = 0
    inserted: int = 0
    updated: int = 0
    older: int = 0  # files older than the stored issue (by updated_at): the stored one was kept
    bad: list[BadFile] = field(default_factory=list)


def find_issue_files(paths: Iterable[Path]) -> list[Path]:
    """Files given directly, and every `*.json` below given folders, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.json") if p.is_file()))
        else:
            found.append(path)
    return found


def parse_issue_file(path: Path, web_host: str = links.web_host()) -> IssueRecord:
    """Read one file; raises ValueError with a reason a user can act on. orjson refuses what the store cannot
    hold (lone surrogates, invalid UTF-8) and nesting deeper than 1024 levels. `web_host`: the GitHub whose
    issue URLs are kept."""
    try:
        raw = orjson.loads(path.read_bytes())
    except FileNotFoundError:
        raise ValueError("file not found") from None
    except OSError as error:
        raise ValueError(f"cannot read: {error.strerror or error}") from None
    except orjson.JSONDecodeError as error:
        raise ValueError(f"not valid JSON ({error.msg} at line {error.lineno})") from None
    try:
        parsed = _IssueFile.model_validate(raw)
        return _to_record(parsed, web_host)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "document"
        raise ValueError(f"{where}: {first['msg'].removeprefix('Value error, ')}") from None


def _to_record(parsed: _IssueFile, web_host: str) -> IssueRecord:
    issue = parsed.issue
    return IssueRecord.model_validate(
        {
            "org": parsed.org,
            "repo": parsed.repo,
            "number": issue.number,
            "title": issue.title,
            "body": issue.body or "",
            "state": issue.state,
            "author": issue.user.login if issue.user else None,
            "labels": [LabelRecord(**label.model_dump()) for label in issue.labels],
            "created_at": issue.created_at,
            "updated_at": issue.updated_at,
            "url": links.checked_url(issue.html_url, web_host),
            "comments": [
                CommentRecord.model_validate(
                    {
                        "author": c.user.login if c.user else None,
                        "body": c.body or "",
                        "created_at": c.created_at,
                        "updated_at": c.updated_at,
                    }
                )
                for c in issue.comments
            ],
        }
    )


def import_files(
    store: IssueStore,
    files: list[Path],
    on_progress: Callable[[int], Any] | None = None,
    web_host: str = links.web_host(),
) -> ImportReport:
    """Parse every file, store good ones in chunks (one transaction each) with the label definitions they
    show, collect the bad ones. A chunk the store refuses is stored file by file, so one file cannot stop
    the rest. Issue URLs are kept only on `web_host` (the configured GitHub's, see links.web_host)."""
    report = ImportReport(files=len(files))
    for chunk in _chunks(files, _BATCH):
        parsed: list[tuple[Path, IssueRecord]] = []
        for path in chunk:
            try:
                parsed.append((path, parse_issue_file(path, web_host)))
            except ValueError as error:
                report.bad.append(BadFile(path, str(error)))
        _store(store, parsed, report)
        if on_progress:
            on_progress(len(chunk))
    return report


def _store(store: IssueStore, parsed: list[tuple[Path, IssueRecord]], report: ImportReport) -> None:
    try:
        _count(report, store.upsert_issues([record for _, record in parsed], label_definitions=True))
        return
    except StoreRefused:
        pass  # nothing of the chunk was stored (one transaction): store its files one by one
    for path, record in parsed:
        try:
            _count(report, store.upsert_issues([record], label_definitions=True))
        except StoreRefused as error:
            report.bad.append(BadFile(path, f"the store refused it ({error})"))


def _count(report: ImportReport, counts: UpsertCounts) -> None:
    report.inserted += counts.inserted
    report.updated += counts.updated
    report.older += counts.older


def _chunks(items: list[Path], size: int) -> Iterator[list[Path]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
