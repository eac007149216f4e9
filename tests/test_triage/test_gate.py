"""Each label's gate state from its measured threshold, its kept rate and the configuration (figures worked out
by hand: Wilson upper bound of 0 kept of 5 is 0.434, of 9 kept of 10 is 0.982)."""

from __future__ import annotations

from github_issue_analysis.evaluation.gate import GatePolicy, decide_label
from github_issue_analysis.evaluation.label_thresholds import LabelThreshold
from github_issue_analysis.evaluation.wilson import wilson

POLICY = GatePolicy(target_precision=0.9, min_support=5)


def _measured(threshold: float | None) -> LabelThreshold:
    return LabelThreshold("product::ui", threshold, 0.93, 40, wilson(39, 40), wilson(39, 45))


def test_a_measured_label_is_auto_at_its_threshold() -> None:
    gate = decide_label("product::ui", _measured(0.7), (0, 0), "grp", POLICY)
    assert (gate.state, gate.threshold, gate.support) == ("auto", 0.7, 40)


def test_without_a_threshold_or_an_evaluation_it_is_a_suggestion() -> None:
    assert decide_label("product::ui", _measured(None), (0, 0), "grp", POLICY).state == "suggest"
    assert decide_label("product::ui", None, (0, 0), None, POLICY).reason.startswith("no scored blind evaluation")


def test_people_removing_it_demotes_it_once_enough_are_decided() -> None:
    assert round(wilson(0, 5).high, 3) == 0.434
    assert decide_label("product::ui", _measured(0.7), (0, 4), "grp", POLICY).state == "auto"  # 4 < min_support
    demoted = decide_label("product::ui", _measured(0.7), (0, 5), "grp", POLICY)
    assert demoted.state == "suggest" and demoted.reason.startswith("demoted")
    assert (demoted.kept_rate, demoted.kept_support) == (0.0, 5)
    assert round(wilson(9, 10).high, 3) == 0.982
    assert decide_label("product::ui", _measured(0.7), (9, 1), "grp", POLICY).state == "auto"


def test_the_configuration_has_the_last_word() -> None:
    excluded = GatePolicy(exclude_labels=("Product::UI",))
    assert decide_label("product::ui", _measured(0.7), (0, 0), "grp", excluded).state == "off"
    only_docs = GatePolicy(include_labels=("product::docs",))
    assert decide_label("product::ui", _measured(0.7), (0, 0), "grp", only_docs).state == "off"
    assert decide_label("product::ui", _measured(0.7), (0, 0), "grp", GatePolicy(apply="suggest")).state == "suggest"
    assert decide_label("product::ui", _measured(0.7), (0, 0), "grp", GatePolicy(apply="off")).state == "off"
