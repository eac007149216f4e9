"""The local baseline's model: TF-IDF features and one-vs-rest logistic regression (scikit-learn), with
sigmoid-calibrated probabilities where a label has enough issues for 3-fold calibration, plain logistic
probabilities otherwise. Pure: texts and label sets in, probabilities out. scikit-learn is imported here
only, when a local batch runs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

CALIBRATION_FOLDS = 3
MIN_POSITIVES = 1  # a label people gave to no training issue is never predicted


@dataclass(frozen=True)
class Trained:
    labels: list[str]
    vectorizer: Any
    models: dict[str, Any]  # label -> fitted classifier with predict_proba
    issues: int

    def probabilities(self, texts: Sequence[str]) -> list[dict[str, float]]:
        if not texts:
            return []
        features = self.vectorizer.transform(list(texts))
        columns = {label: model.predict_proba(features)[:, 1] for label, model in self.models.items()}
        return [{label: float(values[row]) for label, values in columns.items()} for row in range(len(texts))]


def train(texts: Sequence[str], label_sets: Sequence[frozenset[str]], labels: Sequence[str]) -> Trained:
    from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]

    vectorizer = TfidfVectorizer(stop_words="english", ngram_range=(1, 2), sublinear_tf=True, min_df=1)
    features = vectorizer.fit_transform(list(texts)) if texts else None
    models: dict[str, Any] = {}
    for label in labels:
        target = [int(label in given) for given in label_sets]
        positives = sum(target)
        if features is None or positives < MIN_POSITIVES or positives == len(target):
            continue
        models[label] = _fit(features, target, positives, len(target) - positives)
    return Trained(list(labels), vectorizer, models, len(texts))


def _fit(features: Any, target: list[int], positives: int, negatives: int) -> Any:
    from sklearn.calibration import CalibratedClassifierCV  # type: ignore[import-untyped]
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    base = LogisticRegression(class_weight="balanced", max_iter=1000, C=4.0)
    if min(positives, negatives) >= CALIBRATION_FOLDS:
        return CalibratedClassifierCV(base, method="sigmoid", cv=CALIBRATION_FOLDS).fit(features, target)
    return base.fit(features, target)
