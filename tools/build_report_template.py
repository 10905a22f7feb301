"""Write templates/report/bao-cao.docx: the Decree 30/2020 layout of the consolidated report.

The .docx in the repository is the template a province edits in Word (letterhead, fonts,
spacing); this script only creates the first version of it. Run from the project root:

    .venv/bin/python tools/build_report_template.py

Tags are docxtpl's (Jinja2): `{{ … }}` values, `{%p … %}` paragraph-level loops and branches.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

OUT = Path(__file__).resolve().parents[1] / "templates" / "report" / "bao-cao.docx"
FONT = "Times New Roman"
TEXT_WIDTH_MM = 210 - 30 - 15


def _font(run, size: float, bold: bool = False, italic: bool = False) -> None:
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for key in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(key), FONT)


def _plain(paragraph: Paragraph, align=WD_ALIGN_PARAGRAPH.CENTER) -> Paragraph:
    fmt = paragraph.paragraph_format
    fmt.first_line_indent = Cm(0)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    paragraph.alignment = align
    return paragraph


def _line(container, text: str, size: float, bold=False, italic=False, align=WD_ALIGN_PARAGRAPH.CENTER) -> Paragraph:
    paragraph = _plain(container.add_paragraph(), align)
    _font(paragraph.add_run(text), size, bold, italic)
    return paragraph


def _rule(container, width_mm: float, column_mm: float) -> None:
    """A short horizontal rule, centred: an empty paragraph with a bottom border."""
    paragraph = _plain(container.add_paragraph())
    indent = Mm(max(column_mm - width_mm, 0) / 2)
    paragraph.paragraph_format.left_indent = indent
    paragraph.paragraph_format.right_indent = indent
    _font(paragraph.add_run(""), 2)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _two_columns(document, widths_mm: tuple[float, float]) -> tuple[_Cell, _Cell]:
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    cells = table.rows[0].cells
    for column, cell, width in zip(table.columns, cells, widths_mm, strict=True):
        column.width = Mm(width)  # LibreOffice reads the grid, Word the cells
        cell.width = Mm(width)
        cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
    return cells[0], cells[1]


def _page_number_header(section) -> None:
    """Page numbers centred in the top margin, from page 2 (Decree 30)."""
    section.different_first_page_header_footer = True
    paragraph = _plain(section.header.paragraphs[0])
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = paragraph.add_run("")
    _font(run, 14)
    field.append(run._r)
    paragraph._p.append(field)


def _body_branch(document, kind: str, first: bool) -> None:
    keyword = "if" if first else "elif"
    _plain(document.add_paragraph(), WD_ALIGN_PARAGRAPH.LEFT).add_run(f'{{%p {keyword} block.kind == "{kind}" %}}')


def build() -> None:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    _page_number_header(section)

    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    fmt = normal.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.first_line_indent = Cm(1.27)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(6)
    fmt.line_spacing = 1.15

    left, right = _two_columns(document, (72, TEXT_WIDTH_MM - 72 + 8))
    _line(left, "{{ coordinator.superior_body }}", 13)
    _line(left, "{{ coordinator.issuing_body }}", 13, bold=True)
    _rule(left, 25, 72)
    _line(left, "Số:        /{{ coordinator.document_code }}", 13)
    _line(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13, bold=True)
    _line(right, "Độc lập - Tự do - Hạnh phúc", 14, bold=True)
    _rule(right, 62, TEXT_WIDTH_MM - 72 + 8)
    _line(right, "", 6)
    _line(right, "{{ place_and_date }}", 14, italic=True)

    _line(document, "", 14)
    _line(document, "BÁO CÁO", 14, bold=True)
    _line(document, "{{ subject }}", 14, bold=True)
    _rule(document, 40, TEXT_WIDTH_MM)
    _line(document, "", 8)
    _line(document, "Kính gửi: {{ recipient }}", 14)
    _line(document, "", 8)

    _plain(document.add_paragraph(), WD_ALIGN_PARAGRAPH.LEFT).add_run("{%p for block in blocks %}")
    _body_branch(document, "part", first=True)
    part = document.add_paragraph()
    _font(part.add_run("{{ block.text }}"), 14, bold=True)
    _body_branch(document, "heading", first=False)
    _font(document.add_paragraph().add_run("{{ block.text }}"), 14, bold=True)
    _body_branch(document, "subheading", first=False)
    _font(document.add_paragraph().add_run("{{ block.text }}"), 14, bold=True, italic=True)
    _body_branch(document, "note", first=False)
    _font(document.add_paragraph().add_run("{{ block.text }}"), 13, italic=True)
    _plain(document.add_paragraph(), WD_ALIGN_PARAGRAPH.LEFT).add_run("{%p else %}")
    _font(document.add_paragraph().add_run("{{ block.text }}"), 14)
    _plain(document.add_paragraph(), WD_ALIGN_PARAGRAPH.LEFT).add_run("{%p endif %}")
    _plain(document.add_paragraph(), WD_ALIGN_PARAGRAPH.LEFT).add_run("{%p endfor %}")

    left, right = _two_columns(document, (85, TEXT_WIDTH_MM - 85))
    _line(left, "Nơi nhận:", 12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    _plain(left.add_paragraph(), WD_ALIGN_PARAGRAPH.LEFT).add_run("{%p for line in recipients %}")
    _line(left, "{{ line }}", 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _plain(left.add_paragraph(), WD_ALIGN_PARAGRAPH.LEFT).add_run("{%p endfor %}")
    _line(right, "{{ coordinator.signer_title }}", 14, bold=True)
    for _ in range(4):
        _line(right, "", 14)
    _line(right, "{{ coordinator.signer_name }}", 14, bold=True)

    document.core_properties.title = "Báo cáo tổng hợp"
    document.core_properties.author = "phoihop"
    OUT.parent.mkdir(parents=True, exist_ok=True)
    document.save(OUT)


if __name__ == "__main__":
    build()
    print(f"wrote {OUT}")
