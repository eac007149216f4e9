"""The one id lookup: full ids and unique case-sensitive prefixes of group and job ids, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from github_issue_analysis.domain.ids import FoundId, IdKind
from github_issue_analysis.errors import AmbiguousId, UnknownId
from github_issue_analysis.storage.store import Store
from tests.test_storage.test_batch_store import make_group


@pytest.fixture
def two_groups(any_store: Store) -> Store:
    make_group(any_store)  # children job_aaaaaa000001, job_aaaaaa000002
    make_group(any_store, "group_aaaaaabbbbbb")  # children job_bbbbbb000001, job_bbbbbb000002
    return any_store


def test_a_job_id_names_the_job_and_its_group(two_groups: Store) -> None:
    found = two_groups.ids.find("job_bbbbbb000002")
    assert found == FoundId(IdKind.JOB, "job_bbbbbb000002", "group_aaaaaabbbbbb")
    assert two_groups.ids.group("job_bbbbbb000002") == "group_aaaaaabbbbbb"


def test_a_unique_prefix_names_what_its_full_id_names(two_groups: Store) -> None:
    assert two_groups.ids.find("group_aaaaaab") == two_groups.ids.find("group_aaaaaabbbbbb")
    assert two_groups.ids.find("group_aaaaaab").kind is IdKind.GROUP
    make_group(two_groups, "group_cccccccccccc", jobs=1)
    assert two_groups.ids.find("job_c") == FoundId(IdKind.JOB, "job_cccccc000001", "group_cccccccccccc")
    assert two_groups.ids.group("job_c") == "group_cccccccccccc"


def test_an_exact_id_wins_over_longer_ids_it_prefixes(any_store: Store) -> None:
    make_group(any_store, "group_aaaaaaaaaaaa")
    make_group(any_store, "group_aaaaaaaaaaaa2")
    assert any_store.ids.find("group_aaaaaaaaaaaa").id == "group_aaaaaaaaaaaa"
    with pytest.raises(AmbiguousId):
        any_store.ids.find("group_aaaaaaaaaaa")


def test_an_ambiguous_prefix_names_its_candidates(two_groups: Store) -> None:
    with pytest.raises(AmbiguousId) as raised:
        two_groups.ids.find("group_aaaaaa")
    assert raised.value.matches == ["group_aaaaaaaaaaaa", "group_aaaaaabbbbbb"]
    assert raised.value.prefix == "group_aaaaaa"
    with pytest.raises(AmbiguousId) as across:
        two_groups.ids.group("job_")  # jobs of different groups: ambiguous where a group is wanted too
    assert len(across.value.matches) == 4


@pytest.mark.parametrize("prefix", ["nothing", "group%", "GROUP_AAAAAA", "", "   ", "j" * 65])
def test_unknown_blank_wildcard_wrong_case_and_overlong_ids_match_nothing(two_groups: Store, prefix: str) -> None:
    with pytest.raises(UnknownId) as raised:
        two_groups.ids.find(prefix)
    assert raised.value.prefix == prefix and raised.value.wanted == "job or group"
    with pytest.raises(UnknownId) as for_group:
        two_groups.ids.group(prefix)
    assert for_group.value.wanted == "group"
    assert str(for_group.value) == f"no batch group matches '{prefix}'"
