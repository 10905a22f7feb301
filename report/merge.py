"""Merge the period's returns with pandas: figures per group, narrative per group and section.

Every figure keeps the return and cell it came from; every paragraph keeps the agencies
that wrote it (identical paragraphs from several agencies of a group appear once).
"""

from __future__ import annotations

import re

import pandas as pd

from agencies.period_returns import PeriodReturns, ReturnRecord
from agencies.roster import Roster
from agencies.succession import successor_groups

# qualifier / trend / status: the words the sender wrote around the figure (agencies/figure_words.py), or None.
FIGURE_COLUMNS = [
    "agency",
    "group",
    "return_id",
    "version",
    "code",
    "value",
    "location",
    "qualifier",
    "trend",
    "status",
]


def agencies_frame(roster: Roster) -> pd.DataFrame:
    """One row per roster agency: its group and its place in roster order."""
    rows = [
        {"agency": agency.id, "group": group.id, "order": order, "name": agency.display_name}
        for order, (group, agency) in enumerate((g, a) for g in roster.groups for a in g.agencies)
    ]
    return pd.DataFrame(rows, columns=["agency", "group", "order", "name"])


def figures_frame(returns: list[ReturnRecord], roster: Roster) -> pd.DataFrame:
    """One row per accepted figure, with its group, source cell and the words written around it."""
    rows = [
        {
            "agency": record.agency_id,
            "return_id": record.return_id,
            "version": record.version,
            "code": code,
            "value": figure.value,
            "location": figure.location,
            "qualifier": figure.words.qualifier,
            "trend": figure.words.trend,
            "status": figure.words.status,
        }
        for record in returns
        for code, figure in record.figures.items()
    ]
    frame = pd.DataFrame(rows, columns=[c for c in FIGURE_COLUMNS if c != "group"]).astype({"value": float})
    merged = frame.merge(
        agencies_frame(roster)[["agency", "group"]], on="agency", how="left", validate="many_to_one", indicator=True
    )
    strays = merged.loc[merged["_merge"] == "left_only", "agency"].unique()
    if len(strays):
        raise ValueError(f"returns from agencies outside the roster: {sorted(strays)}")
    return merged[FIGURE_COLUMNS]


def group_totals(figures: pd.DataFrame, previous: pd.DataFrame | None) -> pd.DataFrame:
    """Totals per (group, code), with last year's total beside them where it was collected."""
    totals = figures.groupby(["group", "code"], as_index=False, sort=False)["value"].sum()
    if previous is None:
        return totals.assign(previous=float("nan"))
    before = previous.groupby(["group", "code"], as_index=False)["value"].sum().rename(columns={"value": "previous"})
    return totals.merge(before, on=["group", "code"], how="outer", validate="one_to_one").fillna({"value": 0.0})


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lstrip("-+•* ").strip()).casefold()


def narrative_frame(returns: list[ReturnRecord], roster: Roster) -> pd.DataFrame:
    """Paragraphs per group and section, identical ones merged, in roster then writing order.

    `agencies` lists, in roster order, the agencies that wrote each paragraph.
    """
    rows = [
        {"agency": r.agency_id, "section": section, "position": i, "text": text.strip(), "key": _key(text)}
        for r in returns
        for section, paragraphs in r.narrative.items()
        for i, text in enumerate(paragraphs)
        if text.strip()
    ]
    frame = pd.DataFrame(rows, columns=["agency", "section", "position", "text", "key"])
    frame = frame.merge(agencies_frame(roster), on="agency", how="left", validate="many_to_one")
    frame = frame.sort_values(["order", "section", "position"], kind="stable")
    merged = frame.groupby(["group", "section", "key"], as_index=False, sort=False).agg(
        text=("text", "first"), agencies=("agency", list), order=("order", "first"), position=("position", "first")
    )
    return merged.sort_values(["order", "position"], kind="stable").reset_index(drop=True)


def previous_frame(data: PeriodReturns) -> pd.DataFrame | None:
    """Last year's figures, each under the group of this year's roster that continues its agency.

    Read with last year's own roster; an agency nothing continues this year is left out.
    """
    if data.previous is None:
        return None
    earlier = data.previous_roster or data.roster
    frame = figures_frame(data.previous, earlier)
    successors = pd.DataFrame(list(successor_groups(data.roster, earlier).items()), columns=["agency", "group"])
    frame = frame.drop(columns="group").merge(successors, on="agency", how="inner", validate="many_to_one")
    return frame[FIGURE_COLUMNS]


def merge_period(data: PeriodReturns) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Figures (one row per source cell), totals per group and code, merged narrative."""
    figures = figures_frame(data.returns, data.roster)
    return figures, group_totals(figures, previous_frame(data)), narrative_frame(data.returns, data.roster)
