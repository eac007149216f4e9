"""Evaluation errors in domain words; the CLI adds the options that get around them."""

from __future__ import annotations

from github_issue_analysis.errors import OperationFailed, UsageError


class NoLabelsToScore(UsageError):
    """The group's processor answers without recommending labels: there is nothing to hold against people's."""

    def __init__(self, group_id: str, processor: str) -> None:
        super().__init__(f"{group_id} ran {processor}, whose answers recommend no labels to score")
        self.group_id = group_id
        self.processor = processor


class NotBlind(UsageError):
    """The group's prompts showed the issues' current labels: the answer was in the question."""

    def __init__(self, group_id: str) -> None:
        super().__init__(
            f"{group_id} was not a blind run: the model saw the issues' current labels (the answer) in its prompt, "
            "so its figures would overstate its accuracy"
        )
        self.group_id = group_id


class NothingToScore(OperationFailed):
    pass


class ThresholdUnreachable(OperationFailed):
    def __init__(self, group_id: str, target: float) -> None:
        super().__init__(f"no confidence threshold reaches a precision of {target:g} in {group_id}'s evaluation")
        self.group_id = group_id
        self.target = target
