"""A roster's wording tried before it is loaded: a trial draft with no returns, and one with every figure and
paragraph filled, so that a template asking for what its form lacks is refused at `phoihop init` — naming the
template, its line and what is missing — instead of failing at `consolidate`, after every return is in.
"""

from __future__ import annotations

import re
import traceback
from datetime import date, datetime

from jinja2 import TemplateError, TemplateSyntaxError, UndefinedError

from agencies.calendar import PeriodKind, parse_period
from agencies.errors import UserError
from agencies.figure_words import QUALIFIERS, FigureWords
from agencies.period_returns import Absence, FigureRecord, PeriodReturns, ReturnRecord
from agencies.roster import Roster
from agencies.states import AgencyStanding
from report.body import template_context
from report.context import ReportContext, build_context
from report.templating import ROSTER_PREFIX, TEMPLATES, report_environment

TRIAL_PERIOD = "2024-H1"
TRIAL_VALUE = 3.0
# Every figure of the filled trial with the words a sender may write beside it: wording that only runs when a
# return carries a qualifier, a trend or a status is tried too.
TRIAL_WORDS = FigureWords(QUALIFIERS[0], "có chiều hướng gia tăng", "đang xác minh làm rõ")
_NO_ATTRIBUTE = re.compile(r"has no attribute '([^']+)'")
_UNDEFINED = re.compile(r"'([^']+)' is undefined")


class WordingError(UserError):
    def __init__(self, message: str) -> None:
        super().__init__("roster_wording_invalid", message, status=422)


def _trial_returns(roster: Roster, filled: bool) -> PeriodReturns:
    period = parse_period(TRIAL_PERIOD)
    rule = roster.rule_for(PeriodKind.FIRST_HALF)
    returns, absences = [], []
    for n, agency in enumerate(roster.agencies(), 1):
        if not filled:
            absences.append(Absence(agency.id, AgencyStanding.MISSING))
            continue
        form = roster.form_for(agency.id)
        figures = {
            i.code: FigureRecord(TRIAL_VALUE, "Số liệu", f"D{k}", words=TRIAL_WORDS)
            for k, i in enumerate(form.indicators, 5)
        }
        narrative = {section.code: [f"Đoạn thử của mục «{section.title}»."] for section in form.narrative}
        returns.append(ReturnRecord(n, agency.id, 1, datetime(2024, 6, 16, 2), form.ref, figures, narrative))
    return PeriodReturns(roster, period, period.window(rule), period.deadline(rule), returns, absences)


def _where(error: TemplateError) -> tuple[str, int | None]:
    """The template and line the error came from, as the roster's author knows them."""
    if isinstance(error, TemplateSyntaxError):
        name, line = error.name or error.filename or "?", error.lineno
    else:
        frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename.endswith(".j2")]
        name, line = (frames[-1].filename, frames[-1].lineno) if frames else ("?", None)
    name = name.removeprefix(ROSTER_PREFIX)
    for root in (TEMPLATES / "report", TEMPLATES):
        name = name.removeprefix(f"{root}/")
    return name, line


def _refusal(error: TemplateError, roster: Roster, group_id: str | None, filled: bool) -> WordingError:
    name, line = _where(error)
    mine = "thư mục mẫu của danh sách" if name in roster.wording else "mẫu có sẵn"
    at = f"Mẫu lời văn «{name}» ({mine}), dòng {line}" if line else f"Mẫu lời văn «{name}» ({mine})"
    group = next((g for g in roster.groups if g.id == group_id), None)
    text = str(error.message or "")
    attribute, undefined = _NO_ATTRIBUTE.search(text), _UNDEFINED.search(text)
    if group is not None and attribute and "FigureTable" in text:
        form = roster.forms[group.form]
        code = attribute.group(1)
        what = f"cần chỉ tiêu «{code}» nhưng biểu mẫu «{form.id}» của nhóm «{group.title}» không có chỉ tiêu này"
    elif attribute or undefined:
        what = f"dùng «{(attribute or undefined).group(1)}» nhưng không có giá trị nào mang tên này"
    else:
        what = f"không dùng được: {text}"
    case = "khi mọi chỉ tiêu đều có số liệu" if filled else "khi chưa có báo cáo nào"
    return WordingError(f"{at} {what} (thử lập dự thảo {case}). Hãy sửa mẫu hoặc biểu mẫu rồi nạp lại danh sách.")


def _render(context: ReportContext) -> tuple[str | None, TemplateError | None]:
    env = report_environment(context.wording)
    values = template_context(context)
    for group in context.groups:
        try:
            env.from_string('{% include "_group.txt.j2" %}').render({**values, "g": group})
        except TemplateError as error:
            return group.id, error
    try:
        for name in ("body.txt.j2", "subject.txt.j2", "recipients.txt.j2"):
            env.get_template(name).render(values)
    except TemplateError as error:
        return None, error
    return None, None


def check_wording(roster: Roster) -> None:
    """Refuse `roster` (a Vietnamese `WordingError`) if its draft cannot be written, with no returns or with all."""
    for filled in (False, True):
        context = build_context(_trial_returns(roster, filled), date(2024, 7, 5))
        group_id, error = _render(context)
        if error is not None:
            if not isinstance(error, TemplateSyntaxError | UndefinedError):
                raise error
            raise _refusal(error, roster, group_id, filled) from error
