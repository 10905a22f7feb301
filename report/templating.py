"""The one Jinja2 environment of every text phoihop writes: the draft, the portal's pages, receipts, e-mails.

Templates live under templates/ (report/, portal/, receipts/, email/); a name is found first from
that root (`portal/base.html`), then in report/ (the draft's own includes, `_group.txt.j2`).
HTML templates are escaped; plain-text ones are not (the docx renderer escapes for XML).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from agencies.states import ACTION_LABELS, AgencyStanding, ReturnStatus
from report.wording import FILTERS, compare

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


@cache
def environment(templates: Path = TEMPLATES) -> Environment:
    env = Environment(
        loader=FileSystemLoader([templates, templates / "report"]),
        undefined=StrictUndefined,
        trim_blocks=False,  # a line ending in a tag keeps its newline; blank lines are dropped
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=False),
    )
    env.filters.update(FILTERS)
    env.globals.update(
        compare=compare, ReturnStatus=ReturnStatus, AgencyStanding=AgencyStanding, action_labels=ACTION_LABELS
    )
    return env


def render(name: str, **context: object) -> str:
    """One template of the built-in folder, rendered."""
    return environment().get_template(name).render(context)
