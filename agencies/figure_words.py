"""The words around a figure: the qualifier before it (`hơn 42.000`), its trend, the status of its case.

Each is optional, written by the sender beside the value (XLSX columns found by their title; in JSON an
object `{"value": …, "qualifier": …, "trend": …, "status": …}` in place of the number). The qualifier is
one word of a closed list; the trend and the status are short texts put into the report as written.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from agencies.bounds import STATUS_MAX, TREND_MAX
from agencies.problems import Problem, problem
from agencies.return_bounds import text_problem, where
from agencies.return_content import Located, is_blank

# The words an official report puts before a figure. `hơn` and `trên` say the figure is a floor, `gần` a
# ceiling, `khoảng` an estimate either way.
QUALIFIERS = ("hơn", "khoảng", "gần", "trên")
FLOORS = frozenset({"hơn", "trên"})
WORD_KINDS = ("qualifier", "trend", "status")
_TEXT_LIMITS = {"trend": (TREND_MAX, "Xu hướng"), "status": (STATUS_MAX, "Tình trạng xử lý")}


@dataclass(frozen=True)
class FigureWords:
    """What a sender wrote around one figure; None where nothing."""

    qualifier: str | None = None
    trend: str | None = None
    status: str | None = None

    def __bool__(self) -> bool:
        return any((self.qualifier, self.trend, self.status))


def _plain(value: object) -> str:
    text = value if isinstance(value, str) else str(value)
    return " ".join(unicodedata.normalize("NFC", text).split())


def check_words(label: str, written: dict[str, Located], problems: list[Problem]) -> FigureWords | None:
    """The words written around the figure `label`, checked; None (and a problem each) when one is refused."""
    found: dict[str, str] = {}
    refused = False
    for kind in WORD_KINDS:
        source = written.get(kind)
        if source is None or is_blank(source.value):
            continue
        if source.field is not None and not isinstance(source.value, str):
            problems.append(problem("json_shape", field=source.field, detail="phải là chuỗi"))
            refused = True
            continue
        text = _plain(source.value)
        if kind == "qualifier":
            word = text.casefold()
            if word not in QUALIFIERS:
                allowed = ", ".join(QUALIFIERS)
                problems.append(problem("qualifier_unknown", label=label, value=text, allowed=allowed, **where(source)))
                refused = True
                continue
            found[kind] = word
            continue
        limit, what = _TEXT_LIMITS[kind]
        bad = text_problem(text, limit, f"{what} — {label}", **where(source))
        if bad is not None:
            problems.append(bad)
            refused = True
            continue
        found[kind] = text
    return None if refused else FigureWords(**found)


def combined_qualifier(qualifiers: Iterable[str | None]) -> str | None:
    """The qualifier of a total, from those of the figures summed (None: an exact figure).

    Exact figures keep a bound true (`hơn 42.000` + 5 is `hơn 42.005`): every qualifier written alike is
    kept; floors of both words (`hơn`, `trên`) stay a floor, `hơn`; any other mix is only an estimate,
    `khoảng`.
    """
    written = {q for q in qualifiers if q}
    if not written:
        return None
    if len(written) == 1:
        return next(iter(written))
    return "hơn" if written <= FLOORS else "khoảng"
