"""The consolidated report as an editable Word document, from the plain context.

Layout lives in templates/report/bao-cao.docx (a province edits it in Word); wording in
the Jinja2 text templates beside it.
"""

from __future__ import annotations

from pathlib import Path

from docxtpl import DocxTemplate

from report.body import TEMPLATES, render_body, template_context
from report.context import ReportContext
from report.templating import report_environment
from report.wording import document_date

DOCX_TEMPLATE = "bao-cao.docx"


def _lines(name: str, context: ReportContext, templates: Path) -> list[str]:
    text = report_environment(context.wording, templates).get_template(name).render(template_context(context))
    return [line.strip() for line in text.splitlines() if line.strip()]


def render_draft(context: ReportContext, out_path: Path, templates: Path = TEMPLATES) -> Path:
    """Write the .docx draft of `context` to `out_path`."""
    document = DocxTemplate(templates / "report" / DOCX_TEMPLATE)
    document.render(
        {
            "coordinator": context.coordinator,
            "place_and_date": f"{context.coordinator['place']}, {document_date(context.report_date)}",
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
