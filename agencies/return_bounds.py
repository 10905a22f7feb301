"""Every text and count of a read return within its bound (agencies/bounds.py), before any rule sees it.

A value past its bound, or holding a character no document can hold, is refused once, naming its
field or cell and the limit, and then left out, so that no later check quotes or stores it: an
agency id of 5 MB is `too_long`, not also `unknown_agency`, a form reference of 65 characters never
reaches its 64-character column, and a section name holding half an emoji never reaches the database.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from agencies.bounds import (
    AGENCY_ID_MAX,
    CODE_MAX,
    FORM_REF_MAX,
    INDICATORS_MAX,
    PARAGRAPH_MAX,
    PARAGRAPHS_MAX,
    PERIOD_TEXT_MAX,
    PROBLEMS_MAX,
    SHEET_NAME_MAX,
    broken_character,
    control_character,
    grouped,
)
from agencies.form_layout import META_LABELS
from agencies.problems import Problem, problem
from agencies.return_content import Located, ReturnContent

IDENTITY_MAX = {"agency": AGENCY_ID_MAX, "period": PERIOD_TEXT_MAX, "form": FORM_REF_MAX}


def where(source: Located) -> dict[str, str | None]:
    """The location arguments of `problem` for a value read from `source`."""
    return {"sheet": source.sheet, "cell": source.cell, "field": source.field}


def character_problem(text: str, what: str, **location: Any) -> Problem | None:
    """`control_characters` or `broken_characters` for a text the sender wrote, if it holds either.

    Such a character cannot be printed, put in a document or (a lone surrogate) even encoded as UTF-8
    for the database: the text is refused, never stored.
    """
    char = control_character(text)
    if char is not None:
        return problem("control_characters", what=what, char=f"U+{ord(char):04X}", **location)
    char = broken_character(text)
    if char is not None:
        return problem("broken_characters", what=what, char=f"U+{ord(char):04X}", **location)
    return None


def text_problem(text: str, limit: int, what: str, **location: Any) -> Problem | None:
    """`too_long`, `control_characters` or `broken_characters` for a text the sender wrote, if it is any."""
    if len(text) > limit:
        return problem("too_long", what=what, length=grouped(len(text)), limit=grouped(limit), **location)
    return character_problem(text, what, **location)


def _sheet_names(content: ReturnContent, problems: list[Problem]) -> None:
    located = [content.agency, content.period, content.form, *content.figures.values()]
    located += [p for paragraphs in content.narrative.values() for p in paragraphs]
    for name in sorted({source.sheet for source in located if source is not None and source.sheet}):
        refused = text_problem(name, SHEET_NAME_MAX, "Tên trang", sheet=name)
        if refused is not None:
            problems.append(refused)


def _too_many(content: ReturnContent, part: str, sources: list[Located], limit: int, what: str) -> Problem:
    location = {"field": part} if content.format == "json" else {"sheet": sources[0].sheet}
    return problem("too_many", what=what, count=grouped(len(sources)), limit=grouped(limit), **location)


def _figures(content: ReturnContent, problems: list[Problem]) -> dict[str, Located]:
    sources = list(content.figures.values())
    if len(sources) > INDICATORS_MAX:
        problems.append(_too_many(content, "indicators", sources, INDICATORS_MAX, "chỉ tiêu"))
        return {}
    kept = {}
    for code, source in content.figures.items():
        refused = text_problem(code, CODE_MAX, "Mã chỉ tiêu", **where(source))
        if refused is None:
            kept[code] = source
        else:
            problems.append(refused)
    return kept


def _narrative(content: ReturnContent, problems: list[Problem]) -> dict[str, list[Located]]:
    sources = [paragraph for paragraphs in content.narrative.values() for paragraph in paragraphs]
    if len(sources) > PARAGRAPHS_MAX:
        problems.append(_too_many(content, "narrative", sources, PARAGRAPHS_MAX, "đoạn văn"))
        return {}
    kept: dict[str, list[Located]] = {}
    for section, paragraphs in content.narrative.items():
        refused = text_problem(section, CODE_MAX, "Mã mục", **where(paragraphs[0]))
        if refused is not None:
            problems.append(refused)
            continue
        for paragraph in paragraphs:
            refused = text_problem(paragraph.value, PARAGRAPH_MAX, "Đoạn văn", **where(paragraph))
            if refused is None:
                kept.setdefault(section, []).append(paragraph)
            else:
                problems.append(refused)
    return kept


def within_bounds(content: ReturnContent) -> ReturnContent:
    """A copy of `content` without the values past their bounds, and a problem for each."""
    problems = list(content.problems)
    identity: dict[str, Located | None] = {}
    for key, limit in IDENTITY_MAX.items():
        source: Located | None = getattr(content, key)
        refused = text_problem(source.value, limit, META_LABELS[key], **where(source)) if source else None
        identity[key] = None if refused else source
        if refused:
            problems.append(refused)
    _sheet_names(content, problems)
    figures = _figures(content, problems)
    narrative = _narrative(content, problems)
    figures_refused = content.figures_refused or len(content.figures) > INDICATORS_MAX
    return replace(
        content, **identity, figures=figures, figures_refused=figures_refused, narrative=narrative, problems=problems
    )


def capped(problems: list[Problem]) -> list[Problem]:
    """At most PROBLEMS_MAX problems, and one saying how many more there were."""
    if len(problems) <= PROBLEMS_MAX:
        return problems
    return [*problems[:PROBLEMS_MAX], problem("too_many_problems", count=grouped(len(problems) - PROBLEMS_MAX))]
