"""Measuring labels against the ones people gave: metrics, calibration, intervals, thresholds, comparison.

Heavy libraries (scikit-learn, NumPy) are imported inside the modules that score, never at CLI start-up."""

from __future__ import annotations

from .stored import latest_evaluation

__all__ = ["latest_evaluation"]
