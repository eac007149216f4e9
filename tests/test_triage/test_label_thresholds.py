"""Wilson intervals and the per-label threshold search, against figures worked out independently (scipy's
Wilson interval, and hand counts)."""

from __future__ import annotations

import pytest
from scipy.stats import binomtest  # type: ignore[import-untyped]

from github_issue_analysis.evaluation.label_thresholds import label_threshold
from github_issue_analysis.evaluation.outcomes import IssueOutcome
from github_issue_analysis.evaluation.wilson import wilson


@pytest.mark.parametrize(("k", "n"), [(0, 1), (1, 1), (8, 10), (45, 50), (97, 100), (3, 40), (20, 20)])
def test_wilson_matches_scipy(k: int, n: int) -> None:
    expected = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    found = wilson(k, n)
    assert found.low == pytest.approx(expected.low, abs=1e-9)
    assert found.high == pytest.approx(expected.high, abs=1e-9)


def test_wilson_published_figure() -> None:
    # 8 of 10: 0.4902 to 0.9433 (Newcombe 1998, method 3)
    interval = wilson(8, 10)
    assert (round(interval.low, 4), round(interval.high, 4)) == (0.4902, 0.9433)


def test_wilson_of_nothing_is_everything() -> None:
    assert wilson(0, 0).as_dict() == {"low": 0.0, "high": 1.0}
    with pytest.raises(ValueError):
        wilson(3, 2)


def _outcomes(rows: list[tuple[float, bool]], label: str = "product::a") -> list[IssueOutcome]:
    return [
        IssueOutcome(i, f"o/r#{i}", frozenset({label} if ok else {"product::other"}), ((label, conf),))
        for i, (conf, ok) in enumerate(rows)
    ]


def test_threshold_is_the_lowest_confidence_whose_lower_bound_reaches_the_target() -> None:
    # 30 correct predictions at 0.95, then 5 wrong ones at 0.6: above 0.6 the label is 30/30.
    rows = [(0.95, True)] * 30 + [(0.6, False)] * 5
    found = label_threshold(_outcomes(rows), "product::a", target=0.85, min_support=10)
    assert found.threshold == 0.95
    assert found.support == 30
    assert found.precision_low == pytest.approx(binomtest(30, 30).proportion_ci(method="wilson").low)
    # with the wrong ones in: 30/35, lower bound 0.706 < 0.85, so 0.6 is not a threshold


def test_a_lower_threshold_is_chosen_when_it_still_passes() -> None:
    rows = [(0.9, True)] * 40 + [(0.7, True)] * 40 + [(0.5, False)] * 40
    found = label_threshold(_outcomes(rows), "product::a", target=0.9, min_support=10)
    assert found.threshold == 0.7  # 80/80 -> lower bound 0.954
    assert found.support == 80


def test_no_threshold_without_enough_support() -> None:
    rows = [(0.99, True)] * 9
    found = label_threshold(_outcomes(rows), "product::a", target=0.5, min_support=10)
    assert found.threshold is None
    assert found.support == 9


def test_a_poor_label_has_no_threshold() -> None:
    rows = [(0.9, i % 2 == 0) for i in range(100)]
    found = label_threshold(_outcomes(rows), "product::a", target=0.9, min_support=10)
    assert found.threshold is None
    assert found.precision_low == pytest.approx(wilson(50, 100).low)


def test_intervals_of_precision_and_recall() -> None:
    # 6 predicted at 0.8 (4 right); 2 more issues carry the label unpredicted: recall 4/6
    rows = [(0.8, True)] * 4 + [(0.8, False)] * 2
    outcomes = _outcomes(rows) + [IssueOutcome(100 + i, "o/r#x", frozenset({"product::a"}), ()) for i in range(2)]
    found = label_threshold(outcomes, "product::a", min_confidence=0.5)
    assert found.precision_interval == wilson(4, 6)
    assert found.recall_interval == wilson(4, 6)
    assert label_threshold(outcomes, "product::a", min_confidence=0.9).precision_interval == wilson(0, 0)
