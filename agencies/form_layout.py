"""Where things sit on the XLSX form: sheet names, header titles, metadata keys.

Shared by the writer (openpyxl) and the reader (calamine) without importing either.
"""

from __future__ import annotations

FIGURES_SHEET = "Số liệu"
NARRATIVE_SHEET = "Nội dung"
META_SHEET = "Thông tin"

CODE_HEADER = "Mã chỉ tiêu"
VALUE_HEADER = "Số liệu"
SECTION_HEADER = "Mã mục"
TEXT_HEADER = "Nội dung"
# Optional columns of the figures sheet, beside the value, found by their title (forms made before them
# have none and are still read): the word before a figure, its trend, the status of the case it counts.
QUALIFIER_HEADER = "Từ đi kèm"
TREND_HEADER = "Xu hướng"
STATUS_HEADER = "Tình trạng xử lý"
WORD_HEADERS = {"qualifier": QUALIFIER_HEADER, "trend": TREND_HEADER, "status": STATUS_HEADER}

# Machine keys of the metadata sheet (column A) and their Vietnamese labels (column B);
# values sit in column C, from row 2 in this order.
META_LABELS = {
    "agency": "Mã đơn vị",
    "agency_name": "Tên đơn vị",
    "period": "Kỳ báo cáo",
    "period_label": "Tên kỳ báo cáo",
    "form": "Mẫu biểu",
    "window": "Thời gian lấy số liệu",
    "deadline": "Hạn gửi báo cáo",
}


def cell_name(row: int, column: int) -> str:
    """Excel's name for a zero-based (row, column): (0, 0) is A1, (6, 27) is AB7."""
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"{letters}{row + 1}"
