"""Render the report's wording from the Jinja2 templates into typed paragraphs (blocks)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from report.context import ReportContext
from report.templating import TEMPLATES, report_environment

# Line prefixes of the body templates and the paragraph kind each marks.
MARKERS = (("### ", "subheading"), ("## ", "heading"), ("# ", "part"), ("> ", "note"))


@dataclass(frozen=True)
class Block:
    kind: str  # part / heading / subheading / note / paragraph
    text: str


def template_context(context: ReportContext) -> dict[str, Any]:
    """The context's fields as top-level template variables (objects kept, not copied), and the names every
    section writes with: `dic` (the department's short name), `topic`, `to_whom` (the recipient in sentences)."""
    values = {f.name: getattr(context, f.name) for f in dataclasses.fields(context)}
    values["dic"] = context.coordinator["short_name"]
    values["topic"] = context.report["topic"]
    values["to_whom"] = context.report["recipient_in_text"] or context.recipient
    return values


def parse_blocks(text: str) -> list[Block]:
    blocks = []
    for raw in text.splitlines():
        line = " ".join(raw.split())
        if not line:
            continue
        kind = next((k for marker, k in MARKERS if line.startswith(marker)), "paragraph")
        if kind != "paragraph":
            line = line.split(" ", 1)[1]
        blocks.append(Block(kind, line))
    return blocks


def render_body(context: ReportContext, templates: Path = TEMPLATES) -> list[Block]:
    text = report_environment(context.wording, templates).get_template("body.txt.j2").render(template_context(context))
    return parse_blocks(text)
