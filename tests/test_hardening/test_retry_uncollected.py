"""`batch group-retry --failed-only` refuses to resend a finished batch whose results could not be collected
(its output download failed): the results were paid for and may be fine. One line names `batch collect`."""

from __future__ import annotations

from github_issue_analysis.storage.store import Store
from tests.cli_errors import one_error_line
from tests.conftest import invoke
from tests.test_ai.conftest import Sandbox, seed, submit

CONTENT = "GET /v1/files/{file_id}/content"


def test_group_retry_failed_only_refuses_an_uncollected_batch(sandbox: Sandbox, seeded: Store) -> None:
    seed(seeded, 10)
    submitted = submit()
    group_id, (job_id,) = submitted["group_id"], submitted["job_ids"]
    sandbox.finish_all()
    sandbox.config.html_routes = [CONTENT]  # the output file's download fails
    assert invoke("batch", "collect", job_id).exit_code == 1
    result = invoke("batch", "group-retry", group_id, "--failed-only", "--yes")
    assert result.exit_code == 1
    assert "batch collect" in one_error_line(result.stderr)
    assert sandbox.batches() == 1  # nothing sent again
    assert len(seeded.jobs.jobs(group_id)) == 1
    sandbox.config.html_routes = []
    assert invoke("batch", "collect", job_id).exit_code == 0
    assert len(invoke("results", "export").stdout.splitlines()) == 10
