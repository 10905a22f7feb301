"""The consolidated report as an editable Word document, from the plain context.

Layout lives in templates/report/bao-cao.docx (a province edits it in Word); wording in
the Jinja2 text templates beside it.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from docxtpl import DocxTemplate

from agencies.calendar import REPORTING_TZ
from agencies.roster import Coordinator
from report.body import TEMPLATES, render_body, template_context
from report.context import ReportContext
from report.templating import report_environment
from report.wording import document_date, document_number, undated

DOCX_TEMPLATE = "bao-cao.docx"


def _lines(name: str, context: ReportContext, templates: Path) -> list[str]:
    text = report_environment(context.wording, templates).get_template(name).render(template_context(context))
    return [line.strip() for line in text.splitlines() if line.strip()]


def _date_line(context: ReportContext) -> str:
    """`Hưng Yên, ngày 05 tháng 7 năm 2023`; with no report date, the day and month blank, this year's."""
    day = context.report_date
    return f"{context.coordinator['place']}, {document_date(day) if day else undated(datetime.now(REPORTING_TZ).year)}"


def render_draft(context: ReportContext, out_path: Path, templates: Path = TEMPLATES) -> Path:
    """Write the .docx draft of `context` to `out_path`."""
    coordinator = Coordinator.model_validate(context.coordinator)
    document = DocxTemplate(templates / "report" / DOCX_TEMPLATE)
    document.render(
        {
            "coordinator": context.coordinator,
            "superior_lines": coordinator.superior_body.splitlines(),
            "issuing_lines": coordinator.issuing_body.splitlines(),
            "number": document_number(context.number),
            "signature": coordinator.signature_lines(),
            "place_and_date": _date_line(context),
            "subject": " ".join(_lines("subject.txt.j2", context, templates)),
            "recipient": context.recipient,
            "blocks": render_body(context, templates),
            "recipients": _lines("recipients.txt.j2", context, templates),
        },
        autoescape=True,
    )
    out_path.parent.mkdir(parents=True, exist_ok=True)
    document.save(out_path)
    return out_path
