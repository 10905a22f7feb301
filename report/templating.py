"""The one Jinja2 environment of every text phoihop writes: the draft, the portal's pages, receipts, e-mails.

Templates live under templates/ (report/, portal/, receipts/, email/); a name is found first from
that root (`portal/base.html`), then in report/ (the draft's own includes, `_group.txt.j2`).
HTML templates are escaped; plain-text ones are not (the docx renderer escapes for XML).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    DictLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    select_autoescape,
)

from agencies.states import ACTION_LABELS, AgencyStanding, ReturnStatus
from report.wording import FILTERS, compare

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


ROSTER_PREFIX = "roster:"  # names only a roster's own templates answer to (a group's own section)


class _RosterLoader(DictLoader):
    """The roster's own templates, each with its name as its file name: errors and tracebacks then say which."""

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        source, _, uptodate = super().get_source(environment, template)
        return source, template.removeprefix(ROSTER_PREFIX), uptodate


def _environment(loader: BaseLoader) -> Environment:
    env = Environment(
        loader=loader,
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


@cache
def environment(templates: Path = TEMPLATES) -> Environment:
    return _environment(FileSystemLoader([templates, templates / "report"]))


@cache
def report_environment(wording: tuple[tuple[str, str], ...] = (), templates: Path = TEMPLATES) -> Environment:
    """The draft's environment: a roster's own templates (`wording`, name and text) before the built-in ones.

    Each also answers to `roster:<name>`, a name no built-in template has: a group's own section is looked up
    as `roster:groups/<group id>.txt.j2`, so that a group id can never pick a built-in section by chance.
    """
    own = {**dict(wording), **{ROSTER_PREFIX + name: text for name, text in wording}}
    return _environment(ChoiceLoader([_RosterLoader(own), FileSystemLoader([templates, templates / "report"])]))


def render(name: str, **context: object) -> str:
    """One template of the built-in folder, rendered."""
    return environment().get_template(name).render(context)
