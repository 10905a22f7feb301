"""Read the JSON return of DESIGN §5 — agency, period, form, indicators, narrative — into located raw values."""

from __future__ import annotations

import json
import math
from typing import Any

from agencies.bounds import NUMBER_TEXT_MAX, shorten
from agencies.figure_words import WORD_KINDS
from agencies.problems import problem
from agencies.return_content import REQUIRED_META, HugeNumber, Located, ReturnContent


def _json_int(text: str) -> int | HugeNumber:
    # Python refuses to convert integers of over 4,300 digits; any over NUMBER_TEXT_MAX is refused anyway.
    return int(text) if len(text) <= NUMBER_TEXT_MAX else HugeNumber(text)


def _json_float(text: str) -> float | HugeNumber:
    number = float(text)  # `1e400` becomes inf: the number was written, it is only too large
    return number if math.isfinite(number) else HugeNumber(text)


def read_json(data: bytes) -> ReturnContent:
    """The return sent as JSON bytes.

    Numbers are read by hooks that never fail, so that a number too large is refused naming its
    field; the literals NaN and Infinity are read as floats and refused by the check.
    """
    content = ReturnContent(format="json")
    try:
        document = json.loads(data.decode("utf-8-sig"), parse_int=_json_int, parse_float=_json_float)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        content.problems.append(problem("invalid_json", detail=shorten(str(exc), 200)))
        return content
    except RecursionError:  # arrays or objects nested past Python's recursion limit (about 1,000 levels)
        content.problems.append(problem("too_deep", field="(gốc)"))
        return content
    return read_json_document(document, content)


def _read_indicator(code: str, value: Any, content: ReturnContent) -> None:
    """A figure: a number, or an object holding the number and the words around it (agencies/figure_words.py)."""
    field = f"indicators.{code}"
    if not isinstance(value, dict):
        content.figures[code] = Located(value, field=field)
        return
    unknown = sorted(set(value) - {"value", *WORD_KINDS})
    if unknown:
        detail = f"chỉ gồm value, {', '.join(WORD_KINDS)}; không có «{shorten(str(unknown[0]), 40)}»"
        content.problems.append(problem("json_shape", field=field, detail=detail))
    content.figures[code] = Located(value.get("value"), field=f"{field}.value")
    words = {kind: Located(value[kind], field=f"{field}.{kind}") for kind in WORD_KINDS if value.get(kind) is not None}
    if words:
        content.figure_words[code] = words


def read_json_document(document: Any, content: ReturnContent | None = None) -> ReturnContent:
    content = content or ReturnContent(format="json")
    if not isinstance(document, dict):
        content.problems.append(problem("json_shape", field="(gốc)", detail="phải là một đối tượng JSON"))
        return content
    for key in REQUIRED_META:
        value = document.get(key)
        if isinstance(value, str) and value.strip():
            setattr(content, key, Located(value.strip(), field=key))
        else:
            content.problems.append(problem("json_shape", field=key, detail="bắt buộc và phải là chuỗi"))
    indicators = document.get("indicators", {})
    if not isinstance(indicators, dict):
        content.problems.append(
            problem(
                "json_shape",
                field="indicators",
                detail="phải là đối tượng {mã: số hoặc {value, qualifier, trend, status}}",
            )
        )
        content.figures_refused = True
        indicators = {}
    for code, value in indicators.items():
        _read_indicator(str(code), value, content)
    narrative = document.get("narrative", {})
    if not isinstance(narrative, dict):
        content.problems.append(problem("json_shape", field="narrative", detail="phải là đối tượng {mục: [đoạn, …]}"))
        narrative = {}
    for section, paragraphs in narrative.items():
        if not isinstance(paragraphs, list) or not all(isinstance(p, str) for p in paragraphs):
            content.problems.append(
                problem("json_shape", field=f"narrative.{section}", detail="phải là danh sách đoạn văn")
            )
            continue
        kept = [Located(p.strip(), field=f"narrative.{section}[{i}]") for i, p in enumerate(paragraphs) if p.strip()]
        if kept:  # a section with nothing written says nothing
            content.narrative[str(section)] = kept
    return content
