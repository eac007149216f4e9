"""The one way an id is read: what a group id, a job id or a unique case-sensitive prefix of either names.

Every command that takes a batch id asks here (batch, eval, report, serve), so they all give the same answer and
raise the same errors: `UnknownId` when nothing matches, `AmbiguousId` (with the candidates) when several do."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func, select

from github_issue_analysis.domain.ids import MAX_ID_LENGTH, FoundId, IdKind
from github_issue_analysis.errors import AmbiguousId, UnknownId

from .schema import batch_groups, batch_jobs

_CANDIDATES = 20  # enough to show an ambiguous prefix's matches without reading a whole table


class IdLookup:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def find(self, prefix: str) -> FoundId:
        """The job or group a full id or unique prefix names. An exact id wins over longer ids it prefixes;
        a blank or overlong prefix matches nothing."""
        return self._find(prefix, "job or group")

    def group(self, prefix: str) -> str:
        """The group id a group id, a job id or a unique prefix names: a child job's id names its group."""
        return self._find(prefix, "group").group_id

    def _find(self, prefix: str, wanted: str) -> FoundId:
        if not prefix.strip() or len(prefix) > MAX_ID_LENGTH:
            raise UnknownId(prefix, wanted)
        with self.engine.connect() as conn:
            groups = set(conn.execute(_prefix_query(batch_groups.c.id, prefix)).scalars())
            jobs = {
                row.id: row.group_id
                for row in conn.execute(_prefix_query(batch_jobs.c.id, prefix, batch_jobs.c.group_id))
            }
        matches = sorted(groups | set(jobs))
        if prefix in matches:
            matches = [prefix]
        if not matches:
            raise UnknownId(prefix, wanted)
        if len(matches) > 1:
            raise AmbiguousId(prefix, matches)
        match = matches[0]
        if match in jobs:
            return FoundId(IdKind.JOB, match, jobs[match])
        return FoundId(IdKind.GROUP, match, match)


def _prefix_query(column: Any, prefix: str, *more: Any) -> Any:
    """Rows whose `column` starts with `prefix`, case-sensitively (LIKE ignores case on SQLite, so the
    substring comparison decides; LIKE's wildcards in the prefix are matched literally)."""
    like = prefix.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_") + "%"
    return (
        select(column, *more)
        .where(column.like(like, escape="\\"), func.substr(column, 1, len(prefix)) == prefix)
        .limit(_CANDIDATES)
    )
