"""Chart geometry (SVG coordinates) computed in Python, so the templates only place shapes."""

from __future__ import annotations

from collections.abc import Sequence

from .model import Bar, BarChart, Column, Histogram

BAR_HEIGHT = 22
CHART_WIDTH = 640
LABEL_WIDTH = 200
HISTOGRAM_HEIGHT = 160
MAX_BARS = 30


def bar_chart(counts: dict[str, int]) -> BarChart:
    """The most frequent labels first (at most MAX_BARS), bars scaled to the largest count."""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:MAX_BARS]
    top = max((value for _, value in ranked), default=0) or 1
    room = CHART_WIDTH - LABEL_WIDTH - 60
    bars = [
        Bar(label, value, index * BAR_HEIGHT, round(value / top * room, 1))
        for index, (label, value) in enumerate(ranked)
    ]
    return BarChart(bars, CHART_WIDTH, max(BAR_HEIGHT, len(bars) * BAR_HEIGHT), LABEL_WIDTH)


def histogram(values: Sequence[float | None], bins: int = 10) -> Histogram:
    """Counts of values in [0, 1] by equal bins (1.0 falls in the last one)."""
    counts = [0] * bins
    for value in values:
        if value is not None:
            counts[min(bins - 1, max(0, int(value * bins)))] += 1
    return heights([(f"{i / bins:.1f}-{(i + 1) / bins:.1f}", count) for i, count in enumerate(counts)])


def heights(pairs: Sequence[tuple[str, int]], scale_to: float | None = None) -> Histogram:
    """Columns for (label, value) pairs; `scale_to` fixes the top of the axis (e.g. 1.0 for precisions)."""
    top = scale_to or max((value for _, value in pairs), default=0) or 1
    width = CHART_WIDTH / max(1, len(pairs))
    columns = [
        Column(label, value, round(i * width, 1), round(value / top * (HISTOGRAM_HEIGHT - 20), 1))
        for i, (label, value) in enumerate(pairs)
    ]
    return Histogram(columns, CHART_WIDTH, HISTOGRAM_HEIGHT, round(width - 4, 1))
