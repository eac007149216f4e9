"""Every figure on a hand-made set of results, checked against a hand computation.

Labels A, B, C; scored at confidence 0.5:
  issue 1  truth {A}     recommended A .9                -> predicted {A}
  issue 2  truth {A, B}  recommended A .8, C .6          -> predicted {A, C}   (two true labels)
  issue 3  truth {B}     recommended nothing             -> predicted {}       (empty recommendations)
  issue 4  truth {C}     recommended C .7, A .3          -> predicted {C}      (A below the threshold)
  issue 5  truth {B}     recommended A .55               -> predicted {A}
B is never predicted.
"""

from __future__ import annotations

import numpy as np
import pytest

from github_issue_analysis.evaluation import bootstrap
from github_issue_analysis.evaluation.calibration import calibrate
from github_issue_analysis.evaluation.comparison import Contender, compare
from github_issue_analysis.evaluation.cost import group_cost
from github_issue_analysis.evaluation.metrics import issue_counts, score
from github_issue_analysis.evaluation.outcomes import IssueOutcome, Taxonomy, outcome, scorable
from github_issue_analysis.evaluation.threshold_search import lowest_threshold, search

approx = pytest.approx


def made(issue_id: int, truth: set[str], *recommended: tuple[str, float]) -> IssueOutcome:
    return IssueOutcome(issue_id, f"o/r#{issue_id}", frozenset(truth), tuple(recommended))


HAND = [
    made(1, {"A"}, ("A", 0.9)),
    made(2, {"A", "B"}, ("A", 0.8), ("C", 0.6)),
    made(3, {"B"}),
    made(4, {"C"}, ("C", 0.7), ("A", 0.3)),
    made(5, {"B"}, ("A", 0.55)),
]


def test_per_label_scores() -> None:
    scores = score(HAND, 0.5)
    by_label = {s.label: s for s in scores.per_label}
    assert list(by_label) == ["A", "B", "C"]
    a, b, c = by_label["A"], by_label["B"], by_label["C"]
    assert (a.support, a.predicted, a.precision, a.recall, a.f1) == (2, 3, approx(2 / 3), 1.0, approx(0.8))
    # never predicted: precision 0 (not undefined), recall 0
    assert (b.support, b.predicted, b.precision, b.recall, b.f1) == (3, 0, 0.0, 0.0, 0.0)
    assert (c.support, c.predicted, c.precision, c.recall, c.f1) == (1, 2, 0.5, 1.0, approx(2 / 3))


def test_micro_and_macro_averages() -> None:
    scores = score(HAND, 0.5)
    # micro: TP 3, FP 2, FN 3
    assert scores.micro.precision == approx(3 / 5)
    assert scores.micro.recall == approx(3 / 6)
    assert scores.micro.f1 == approx(6 / 11)
    assert scores.macro.precision == approx((2 / 3 + 0 + 1 / 2) / 3)
    assert scores.macro.recall == approx((1 + 0 + 1) / 3)
    assert scores.macro.f1 == approx((0.8 + 0 + 2 / 3) / 3)
    assert scores.correct_labels == 3


def test_exact_set_match_coverage_and_confusions() -> None:
    scores = score(HAND, 0.5)
    assert scores.exact_match == approx(2 / 5)  # issues 1 and 4
    assert scores.coverage == approx(4 / 5)  # issue 3 has nothing
    assert scores.confusions == [("B", "A", 1), ("B", "C", 1)]


def test_a_higher_threshold_drops_recommendations() -> None:
    scores = score(HAND, 0.75)  # keeps A .9 (1), A .8 (2): TP 2, FP 0, FN B(2), B(3), C(4), B(5)
    assert scores.micro.precision == 1.0
    assert scores.micro.recall == approx(2 / 6)
    assert scores.coverage == approx(2 / 5)
    assert scores.exact_match == approx(1 / 5)


def test_every_issue_without_recommendations() -> None:
    scores = score([made(1, {"A"}), made(2, {"A", "B"})], 0.0)
    assert (scores.micro.precision, scores.micro.recall, scores.micro.f1) == (0.0, 0.0, 0.0)
    assert scores.coverage == 0.0
    assert scores.exact_match == 0.0
    assert [(s.label, s.support, s.predicted) for s in scores.per_label] == [("A", 2, 0), ("B", 1, 0)]


def test_calibration_bins_and_ece() -> None:
    calibration = calibrate(HAND)
    assert len(calibration.bins) == 10
    filled = {(b.low, b.high): (b.count, b.precision, b.mean_confidence) for b in calibration.bins if b.count}
    assert filled == {
        (0.3, 0.4): (1, 0.0, approx(0.3)),
        (0.5, 0.6): (1, 0.0, approx(0.55)),
        (0.6, 0.7): (1, 0.0, approx(0.6)),
        (0.7, 0.8): (1, 1.0, approx(0.7)),
        (0.8, 0.9): (1, 1.0, approx(0.8)),
        (0.9, 1.0): (1, 1.0, approx(0.9)),
    }
    assert calibration.bins[0].precision is None
    assert calibration.ece == approx((0.3 + 0.55 + 0.6 + 0.3 + 0.2 + 0.1) / 6)


def test_calibration_of_one_bin_with_two_recommendations() -> None:
    calibration = calibrate([made(1, {"A"}, ("A", 1.0), ("B", 0.9))])
    last = calibration.bins[-1]
    assert (last.count, last.precision, last.mean_confidence) == (2, 0.5, approx(0.95))
    assert calibration.ece == approx(0.45)


def test_calibration_without_recommendations() -> None:
    calibration = calibrate([made(1, {"A"})])
    assert calibration.ece is None
    assert all(b.count == 0 for b in calibration.bins)


@pytest.mark.parametrize(
    ("target", "threshold", "precision", "coverage", "kept"),
    [(1.0, 0.7, 1.0, 3 / 5, 3), (0.75, 0.6, 0.75, 3 / 5, 4), (0.6, 0.55, 0.6, 4 / 5, 5), (0.0, 0.3, 0.5, 4 / 5, 6)],
)
def test_threshold_search(target: float, threshold: float, precision: float, coverage: float, kept: int) -> None:
    found = search(HAND, target, bootstrap.Resamples(len(HAND)))
    assert found.threshold == approx(threshold)
    assert found.precision == approx(precision)
    assert found.coverage == approx(coverage)
    assert found.recommendations_kept == kept
    assert found.precision_interval is not None and found.coverage_interval is not None
    assert 0.0 <= found.precision_interval[0] <= found.precision_interval[1] <= 1.0
    assert found.coverage_interval[0] <= coverage <= found.coverage_interval[1]


def test_threshold_search_that_cannot_reach_the_target() -> None:
    assert lowest_threshold([0.9, 0.4], [False, False], 0.5) is None
    assert lowest_threshold([0.9, 0.4], [False, True], 0.9) is None  # best precision is 1/2
    found = search([made(1, {"A"}, ("B", 0.9))], 0.5, bootstrap.Resamples(1))
    assert not found.reached and found.threshold is None


def test_bootstrap_figures_agree_with_scikit_learn_on_the_original_sample() -> None:
    counts = issue_counts(HAND, 0.5)
    assert counts.tolist() == [[1, 0, 0], [1, 1, 1], [0, 0, 1], [1, 0, 0], [0, 1, 1]]
    identity = np.arange(len(HAND))[None, :]
    assert bootstrap.micro_f1(counts, identity)[0] == approx(score(HAND, 0.5).micro.f1)
    assert bootstrap.micro_precision(counts, identity)[0] == approx(3 / 5)


def test_bootstrap_interval_is_seeded_and_brackets_the_estimate() -> None:
    counts = issue_counts(HAND * 20, 0.5)

    def f1_interval(resamples: bootstrap.Resamples, of: np.ndarray) -> tuple[float, float]:
        return bootstrap.interval(resamples.each(lambda i: bootstrap.micro_f1(of, i)))

    low, high = f1_interval(bootstrap.Resamples(len(counts)), counts)
    assert low < 6 / 11 < high
    assert (low, high) == f1_interval(bootstrap.Resamples(len(counts)), counts)
    assert (low, high) != f1_interval(bootstrap.Resamples(len(counts), seed=1), counts)
    same = issue_counts([made(i, {"A"}, ("A", 0.9)) for i in range(10)], 0.5)
    assert f1_interval(bootstrap.Resamples(10), same) == (1.0, 1.0)


def test_comparison_on_shared_issues_with_the_paired_difference() -> None:
    perfect = [made(i, o.truth, *((label, 0.9) for label in sorted(o.truth))) for i, o in enumerate(HAND[:4], 1)]
    perfect.append(made(6, {"A"}, ("A", 0.9)))  # not answered by the first group: left out
    result = compare(
        [
            Contender("group_x", "model-x", HAND, 0.5, 0.10),
            Contender("group_y", "model-y", perfect, 0.5, None),
        ]
    )
    assert result["shared_issues"] == 4  # issues 1-4
    x, y = result["groups"]
    # X on issues 1-4: TP 3 (A, A, C), FP 1 (C on 2), FN 2 (B on 2 and 3)
    assert x["micro"]["f1"] == approx(6 / 9)
    assert x["micro"]["precision"] == approx(3 / 4)
    assert y["micro"]["f1"] == 1.0
    assert (x["cost_usd"], y["cost_usd"]) == (0.10, None)
    (difference,) = result["differences"]
    assert difference["micro_f1_difference"] == approx(1 / 3)
    low, high = difference["interval"]
    assert 0.0 <= low <= 1 / 3 <= high <= 1.0


def test_comparison_without_shared_issues() -> None:
    result = compare([Contender("x", "m", HAND[:2], 0.5, None), Contender("y", "m", HAND[2:], 0.5, None)])
    assert result["shared_issues"] == 0 and result["differences"] == []


def test_cost_from_usage_and_per_correct_label() -> None:
    cost = group_cost("gpt-4o-mini", (1_000_000, 100_000))  # 0.075 + 0.03 USD at batch prices
    assert cost.cost_usd == approx(0.105)
    assert cost.per_correct_label(3) == approx(0.035)
    assert cost.per_correct_label(0) is None
    assert group_cost("unknown-model", (10, 10)).cost_usd is None


def test_truth_is_the_taxonomy_labels_people_gave() -> None:
    prefixed = Taxonomy("product::")
    analysis = {"recommended_labels": [{"label": "product::a", "confidence": 0.8, "reasoning": ""}]}
    found = outcome(7, "o/r#7", ["bug", "product::a", "product::b"], analysis, prefixed)
    assert found.truth == {"product::a", "product::b"}
    assert found.recommended == (("product::a", 0.8),)
    from_file = Taxonomy.of_group_options({"fixed_labels": [{"name": "area/ui"}], "label_prefix": "product::"})
    assert outcome(8, "o/r#8", ["area/ui", "product::a"], {}, from_file).truth == {"area/ui"}
    assert scorable([outcome(9, "o/r#9", ["bug"], analysis, prefixed)]) == []


def test_resamples_in_chunks_are_the_same_draws_every_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bootstrap, "CHUNK_CELLS", 35)  # 7 resamples of 5 issues per chunk
    resamples = bootstrap.Resamples(5, count=20, seed=3)
    chunks = list(resamples.chunks())
    assert [len(c) for c in chunks] == [7, 7, 6]
    whole = np.concatenate(chunks)
    assert whole.shape == (20, 5) and whole.min() >= 0 and whole.max() <= 4
    assert np.array_equal(np.concatenate(list(resamples.chunks())), whole)
    counts = issue_counts(HAND, 0.5)
    f1 = resamples.each(lambda i: bootstrap.micro_f1(counts, i))
    assert np.array_equal(f1, bootstrap.micro_f1(counts, whole))


def test_options_out_of_range_are_refused_in_domain_words() -> None:
    from github_issue_analysis.errors import InvalidOption
    from github_issue_analysis.evaluation.evaluation_service import EvalOptions, evaluate

    with pytest.raises(InvalidOption, match=r"target precision 1\.5 must be between 0 and 1"):
        evaluate(None, ["g"], EvalOptions(target_precision=1.5))  # type: ignore[arg-type]  # refused before any read
