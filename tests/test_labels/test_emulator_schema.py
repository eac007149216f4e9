"""The emulator validates against its GitHub schema subset (graphql-core) and answers the label mutations
and their refusals the way GitHub does."""

from __future__ import annotations

from typing import Any

import httpx

from .conftest import READ_ONLY, TOKEN, Rig

ISSUE_ID = (
    'query { repository(owner: "labs", name: "app") { issue(number: 1) { id } '
    "labels(first: 10) { nodes { id name } } } }"
)


def _post(rig: Rig, query: str, token: str = TOKEN, **variables: Any) -> dict[str, Any]:
    response = httpx.post(
        f"{rig.url}/graphql",
        json={"query": query, "variables": variables},
        headers={"authorization": f"bearer {token}"},
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def _ids(rig: Rig) -> tuple[str, dict[str, str]]:
    repo = _post(rig, ISSUE_ID)["data"]["repository"]
    return repo["issue"]["id"], {n["name"]: n["id"] for n in repo["labels"]["nodes"]}


ADD = (
    "mutation($i: ID!, $l: [ID!]!) { addLabelsToLabelable(input: {labelableId: $i, labelIds: $l, "
    'clientMutationId: "x"}) { clientMutationId labelable { ... on Issue { labels(first: 10) { nodes { name } } } } } }'
)


def test_every_connection_needs_first_or_last(rig: Rig) -> None:
    missing = _post(rig, ADD.replace("labels(first: 10)", "labels"), i="x", l=[])
    assert missing["errors"][0]["type"] == "MISSING_PAGINATION_BOUNDARIES" and "data" not in missing
    last = _post(rig, '{ repository(owner: "labs", name: "app") { issues(last: 2) { nodes { number } } } }')
    assert [n["number"] for n in last["data"]["repository"]["issues"]["nodes"]] == [7, 8]


def test_schema_and_variables_are_validated(rig: Rig) -> None:
    unknown = _post(rig, '{ repository(owner: "labs", name: "app") { shoeSize } }')
    assert unknown["errors"][0]["message"] == "Field 'shoeSize' doesn't exist on type 'Repository'"
    wrong_argument = _post(rig, "mutation { addLabelsToLabelable(input: {labelable: 1}) { clientMutationId } }")
    assert "data" not in wrong_argument and wrong_argument["errors"]
    bad_variable = _post(rig, ADD, i="x")  # $l is required
    assert "data" not in bad_variable and "$l" in bad_variable["errors"][0]["message"]


def test_label_mutations_node_ids_and_comment(rig: Rig) -> None:
    issue_id, labels = _ids(rig)
    assert labels["product::ui"] != labels["bug"]
    added = _post(rig, ADD, i=issue_id, l=[labels["product::ui"]])
    payload = added["data"]["addLabelsToLabelable"]
    assert payload["clientMutationId"] == "x"
    assert [n["name"] for n in payload["labelable"]["labels"]["nodes"]] == ["bug", "product::ui"]
    removed = _post(
        rig,
        "mutation($i: ID!, $l: [ID!]!) { removeLabelsFromLabelable(input: {labelableId: $i, labelIds: $l}) "
        "{ labelable { labels(first: 5) { totalCount } } } }",
        i=issue_id,
        l=[labels["bug"]],
    )
    assert removed["data"]["removeLabelsFromLabelable"]["labelable"]["labels"]["totalCount"] == 1
    comment = _post(
        rig,
        'mutation($s: ID!) { addComment(input: {subjectId: $s, body: "hi"}) { commentEdge { node { body } } '
        "subject { id } timelineEdge { node { ... on IssueComment { id } } } } }",
        s=issue_id,
    )
    assert comment["data"]["addComment"]["commentEdge"]["node"]["body"] == "hi"
    assert rig.issue(1).labels == ["product::ui"] and rig.issue(1).comments[-1].author == "sandbox-user"
    assert rig.stats()["graphql"]["by_mutation"] == {
        "addLabelsToLabelable": 1,
        "removeLabelsFromLabelable": 1,
        "addComment": 1,
    }


def test_refusals_read_only_archived_and_deleted_label(rig: Rig) -> None:
    issue_id, labels = _ids(rig)
    forbidden = _post(rig, ADD, token=READ_ONLY, i=issue_id, l=[labels["product::ui"]])
    assert forbidden["data"]["addLabelsToLabelable"] is None
    assert forbidden["errors"][0]["type"] == "FORBIDDEN" and forbidden["errors"][0]["path"] == ["addLabelsToLabelable"]
    rig.world.delete_label("labs", "app", "product::ui")
    gone = _post(rig, ADD, i=issue_id, l=[labels["product::ui"]])
    assert gone["errors"][0]["type"] == "NOT_FOUND"
    httpx.post(f"{rig.url}/_sandbox/repos/labs/app", json={"archived": True})
    archived = _post(rig, ADD, i=issue_id, l=[labels["product::api"]])
    assert "archived" in archived["errors"][0]["message"]
    assert rig.issue(1).labels == ["bug"]


def test_content_creation_limit_answers_like_github(rig: Rig) -> None:
    issue_id, labels = _ids(rig)
    rig.emulator.configure(content_creation_limit=1, content_creation_window_seconds=30, secondary_limit_status=429)
    assert "errors" not in _post(rig, ADD, i=issue_id, l=[labels["product::ui"]])
    limited = httpx.post(
        f"{rig.url}/graphql",
        json={"query": ADD, "variables": {"i": issue_id, "l": [labels["product::api"]]}},
        headers={"authorization": f"bearer {TOKEN}"},
    )
    assert limited.status_code == 429 and 29 <= int(limited.headers["retry-after"]) <= 30
    assert "secondary rate limit" in limited.json()["message"]
    assert _post(rig, "{ viewer { login } }")["data"]["viewer"]["login"] == "sandbox-user"  # reads still go
    stats = rig.stats()
    assert stats["graphql"]["mutation_requests"] == 1 and stats["faults"]["secondary_limit"] == 1
