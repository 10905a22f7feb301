"""The annex's charts: each group's main figures, and last year's beside them where that period was collected.

One chart per group and unit, and only where it compares something (two bars or more). Data first (`chart_data`, plain and tested), then drawing (`draw_chart`, matplotlib without pyplot, so that
nothing global is touched from a Prefect worker thread). Bars always grow from zero; a group whose figures
are all zero, or that nobody reported for, gets no chart; a figure without last year's value gets no
last-year bar rather than a bar of 0, and a last year of nothing but zeros (the group sent nothing then)
no last-year series. Labels are Vietnamese, in DejaVu Sans (matplotlib's own font, which has
every Vietnamese glyph: nothing is fetched).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

from matplotlib.figure import Figure as PlotFigure
from matplotlib.ticker import MaxNLocator

from report.context import Figure, GroupSection, ReportContext
from report.wording import capital, number

FONT = "DejaVu Sans"
THIS_YEAR_COLOUR = "#2f5597"
LAST_YEAR_COLOUR = "#a6a6a6"


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]  # one per label; None: no value to draw (no bar)


@dataclass(frozen=True)
class Chart:
    group_id: str
    title: str
    labels: tuple[str, ...]  # the indicators, in the form's order
    series: tuple[Series, ...]  # this period first, then last year's where it exists
    unit: str = ""  # every bar of a chart counts the same thing: `vụ`, `kết nối`


def _group_charts(group: GroupSection, context: ReportContext) -> list[Chart]:
    """The group's counts that are not all zero, one chart per unit (42.000 connections would flatten 2
    inspections beside them, and cases and connections are not compared), this period against last year's."""
    if not group.reporting:
        return []  # nothing was sent: its zeros are missing data, not figures
    by_unit: dict[str, list[Figure]] = {}
    for f in group.figures.values():
        if f.kind == "count" and (f.value > 0 or (f.previous is not None and f.previous > 0)):
            by_unit.setdefault(f.unit, []).append(f)
    charts = []
    for unit, shown in by_unit.items():
        series = [Series(capital(context.period_label), tuple(f.value for f in shown))]
        if any(f.previous for f in shown):  # all zero or missing last year: nothing reported, not zeros to draw
            series.append(Series(f"Cùng kỳ năm {context.previous_year}", tuple(f.previous for f in shown)))
        if len(shown) == 1 and len(series) == 1:
            continue  # one bar compares nothing: the sentence of the draft says it better
        title = f"{group.number}. {group.title}" + (f" (đơn vị tính: {unit})" if unit else "")
        charts.append(Chart(group.id, title, tuple(f.label for f in shown), tuple(series), unit))
    return charts


def chart_data(context: ReportContext) -> list[Chart]:
    """The charts of every group with something to show, in the report's order."""
    return [chart for group in context.groups for chart in _group_charts(group, context)]


def draw_chart(chart: Chart, path: Path) -> Path:
    """A horizontal bar chart of `chart` as a PNG at `path`: bars from zero, each with its value written."""
    rows = len(chart.labels)
    bars = len(chart.series)
    figure = PlotFigure(figsize=(10, 1.6 + rows * (0.35 + 0.3 * bars)), dpi=120)
    axes = figure.add_subplot()
    height = 0.8 / bars
    top = max((v for s in chart.series for v in s.values if v is not None), default=0.0)
    for i, (series, colour) in enumerate(zip(chart.series, (THIS_YEAR_COLOUR, LAST_YEAR_COLOUR), strict=False)):
        drawn = [(row, value) for row, value in enumerate(series.values) if value is not None]
        positions = [row + (i - (bars - 1) / 2) * height for row, _ in drawn]
        values = [value for _, value in drawn]
        axes.barh(positions, values, height=height, color=colour, label=series.name)
        for y, value in zip(positions, values, strict=True):
            axes.text(value + top * 0.01, y, number(value), va="center", fontsize=9, fontfamily=FONT)
    axes.set_yticks(range(rows), [textwrap.fill(label, 45) for label in chart.labels], fontfamily=FONT, fontsize=9)
    axes.invert_yaxis()  # the form's order, top to bottom
    axes.set_xlim(0, top * 1.15 or 1)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no tick at 0,2 of a case
    axes.xaxis.set_major_formatter(lambda value, _: number(round(value, 2)))
    axes.set_xlabel(f"Số {chart.unit}" if chart.unit else "Số lượng", fontfamily=FONT)
    axes.set_title(textwrap.fill(chart.title, 80), fontfamily=FONT, fontsize=12, fontweight="bold")
    for tick in axes.get_xticklabels():
        tick.set_fontfamily(FONT)
    if bars > 1:
        axes.legend(prop={"family": FONT, "size": 9}, loc="lower right")
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="png")
    return path


def draw_charts(context: ReportContext, folder: Path, prefix: str) -> list[tuple[Chart, Path]]:
    """Every chart of `context` as `<prefix>-<n>.png` in `folder`, numbered in the report's order."""
    return [(chart, draw_chart(chart, folder / f"{prefix}-{n}.png")) for n, chart in enumerate(chart_data(context), 1)]
