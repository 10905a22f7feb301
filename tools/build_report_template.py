"""Write templates/report/bao-cao.docx: the Decree 30/2020 layout of the consolidated report.

The .docx in the repository is the template a province may edit in Word (letterhead, fonts,
spacing); this script writes it, the same every time: change the layout here and rerun it. Run from
the project root:

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
LANGUAGE = "vi-VN"  # every run's language: Word spell-checks the draft as Vietnamese
TEXT_WIDTH_MM = 210 - 30 - 15
# The header's columns fill the text width exactly, with no cell padding: the left one holds the issuing body's
# name in bold 12 pt upper case on one line up to ~74 mm ("SỞ THÔNG TIN VÀ TRUYỀN THÔNG"; a longer name is broken
# where the roster's `issuing_body` says), the right one "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" (bold 12 pt, ~88 mm).
HEADER_LEFT_MM = 75
NAME_PT = 12


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


def _twips(mm: float) -> str:
    return str(round(mm / 25.4 * 1440))


def _two_columns(document, widths_mm: tuple[float, float], padding_mm: float | None = None) -> tuple[_Cell, _Cell]:
    """A borderless one-row table as wide as the text, fixed layout; `padding_mm` overrides the cells' side padding."""
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    properties = table._tbl.tblPr
    width = properties.find(qn("w:tblW"))
    width.set(qn("w:type"), "dxa")
    width.set(qn("w:w"), _twips(sum(widths_mm)))
    if padding_mm is not None:
        margins = OxmlElement("w:tblCellMar")
        for side in ("w:left", "w:right"):
            margin = OxmlElement(side)
            margin.set(qn("w:w"), _twips(padding_mm))
            margin.set(qn("w:type"), "dxa")
            margins.append(margin)
        properties.append(margins)
    cells = table.rows[0].cells
    for column, cell, width in zip(table.columns, cells, widths_mm, strict=True):
        column.width = Mm(width)  # LibreOffice reads the grid, Word the cells
        cell.width = Mm(width)
        cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
    return cells[0], cells[1]


def _keep_together(row) -> None:
    """The table row is never split across two pages."""
    properties = row.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))


def _vietnamese(document) -> None:
    """The document's language (defaults, Normal style, theme fonts) is Vietnamese: Word spell-checks it so."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for rpr in (run_defaults, document.styles["Normal"].element.get_or_add_rPr()):
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        for key in ("w:val", "w:eastAsia"):
            lang.set(qn(key), LANGUAGE)
    theme = document.settings.element.find(qn("w:themeFontLang"))
    if theme is not None:
        theme.set(qn("w:val"), LANGUAGE)
        theme.set(qn("w:eastAsia"), LANGUAGE)
    document.core_properties.language = LANGUAGE


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


def _loop(container, items: str, text: str, size: float, bold=False, align=WD_ALIGN_PARAGRAPH.CENTER) -> None:
    """One line per item of `items`: docxtpl's paragraph loop around a line `{{ <text> }}`."""
    _plain(container.add_paragraph(), align).add_run(f"{{%p for line in {items} %}}")
    _line(container, text, size, bold=bold, align=align)
    _plain(container.add_paragraph(), align).add_run("{%p endfor %}")


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
    _vietnamese(document)

    right_mm = TEXT_WIDTH_MM - HEADER_LEFT_MM
    left, right = _two_columns(document, (HEADER_LEFT_MM, right_mm), padding_mm=0)
    _loop(left, "superior_lines", "{{ line }}", NAME_PT)
    _loop(left, "issuing_lines", "{{ line }}", NAME_PT, bold=True)
    _rule(left, 25, HEADER_LEFT_MM)
    _line(left, "Số: {{ number }}/{{ coordinator.document_code }}", 13)
    _line(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", NAME_PT, bold=True)
    _line(right, "Độc lập - Tự do - Hạnh phúc", 13, bold=True)
    _rule(right, 56, right_mm)  # as long as the motto
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
    _plain(document.add_paragraph(), WD_ALIGN_PARAGRAPH.LEFT).add_run("{%p if loop.last %}")
    closing = document.add_paragraph()  # «Trân trọng báo cáo./.» never ends a page the signature is not on
    closing.paragraph_format.keep_with_next = True
    _font(closing.add_run("{{ block.text }}"), 14)
    _plain(document.add_paragraph(), WD_ALIGN_PARAGRAPH.LEFT).add_run("{%p else %}")
    _font(document.add_paragraph().add_run("{{ block.text }}"), 14)
    _plain(document.add_paragraph(), WD_ALIGN_PARAGRAPH.LEFT).add_run("{%p endif %}")
    _plain(document.add_paragraph(), WD_ALIGN_PARAGRAPH.LEFT).add_run("{%p endif %}")
    _plain(document.add_paragraph(), WD_ALIGN_PARAGRAPH.LEFT).add_run("{%p endfor %}")

    left, right = _two_columns(document, (85, TEXT_WIDTH_MM - 85))
    _keep_together(left._tc.getparent())  # the recipients and the signature on one page
    _line(left, "Nơi nhận:", 12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    _plain(left.add_paragraph(), WD_ALIGN_PARAGRAPH.LEFT).add_run("{%p for line in recipients %}")
    _line(left, "{{ line }}", 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _plain(left.add_paragraph(), WD_ALIGN_PARAGRAPH.LEFT).add_run("{%p endfor %}")
    _loop(right, "signature", "{{ line }}", 14, bold=True)
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
