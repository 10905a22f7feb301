"""Problems found in a return: a stable English code, where it is, and what to do, in Vietnamese.

The Vietnamese wording of every problem lives in MESSAGES, one line per code, so that a
reader who wants to change a message edits it here and nowhere else.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel

from agencies.bounds import shorten

# Details written by the roster's authors or by this code, never by the sender: quoted whole. (A `detail`
# quoting a reader's error, which may hold the file's text, is shortened where it is made.)
# Every other text detail, the sheet and the field may come from the file and are shortened (and printable).
AUTHORED = frozenset({"label", "unit", "expected", "message", "detail", "reason", "what", "char", "allowed"})


class Severity(StrEnum):
    ERROR = "error"  # the return is refused
    WARNING = "warning"  # stored with the return and shown; does not block it


MESSAGES: dict[str, str] = {
    # the file as a whole
    "file_not_found": "Không tìm thấy tệp: hãy kiểm tra lại tên tệp và thư mục.",
    "empty_file": "Tệp rỗng (0 byte). Hãy gửi lại tệp biểu mẫu đã điền.",
    "pdf_file": "Tệp là PDF, không phải bảng tính. Hãy gửi tệp biểu mẫu Excel (.xlsx) đã điền, không in ra PDF.",
    "not_a_spreadsheet": (
        "Tệp không phải bảng tính Excel (.xlsx) hoặc dữ liệu JSON. Hãy gửi đúng tệp biểu mẫu "
        "Excel mà Sở gửi cho đơn vị, sau khi điền."
    ),
    "unreadable_workbook": "Không đọc được bảng tính ({detail}). Hãy mở tệp bằng Excel, lưu lại dạng .xlsx rồi gửi lại.",
    "invalid_json": "Dữ liệu JSON không hợp lệ ({detail}).",
    "file_too_large": "Tệp nặng {size} MB, vượt giới hạn {limit} MB. Biểu mẫu đã điền chỉ nặng vài chục KB: hãy gửi đúng tệp biểu mẫu, không chèn ảnh.",
    "zip_bomb": (
        "Tệp bị từ chối vì khi giải nén chiếm tới {size} MB ({entries} thành phần), không giống một biểu mẫu báo cáo. "
        "Hãy gửi lại đúng tệp biểu mẫu đã điền."
    ),
    "word_document": "Tệp là văn bản Word, không phải bảng tính. Hãy nhập số liệu vào tệp biểu mẫu Excel (.xlsx) rồi gửi tệp đó.",
    "macro_enabled": "Tệp có chứa macro (VBA), hệ thống không nhận vì lý do an toàn. Hãy lưu lại dạng «Excel Workbook (.xlsx)» rồi gửi lại.",
    "encrypted": "Tệp được đặt mật khẩu nên hệ thống không đọc được. Hãy gỡ mật khẩu (File > Info > Protect Workbook) rồi gửi lại.",
    "json_shape": "Giá trị {detail}.",
    "too_deep": (
        "Dữ liệu JSON lồng nhau quá nhiều cấp, không phải cấu trúc của một báo cáo. "
        "Hãy gửi đúng mẫu JSON trong hướng dẫn gửi báo cáo."
    ),
    "too_many_problems": (
        "Còn {count} lỗi khác chưa liệt kê. Hãy sửa các lỗi trên rồi gửi lại; "
        "nếu một lỗi lặp lại ở nhiều dòng, hãy dùng lại biểu mẫu gốc."
    ),
    "internal_error": (
        "Hệ thống gặp sự cố khi đọc tệp này. Tệp đã được lưu nguyên gốc và Sở sẽ kiểm tra. "
        "Trong lúc chờ, hãy thử mở tệp bằng Excel, lưu lại dạng .xlsx rồi gửi lại; nếu vẫn không được, "
        "hãy liên hệ Sở và báo số biên nhận."
    ),
    # any text of the return
    "too_long": (
        "«{what}» dài {length} ký tự, vượt giới hạn {limit} ký tự. Hãy sửa cho ngắn lại: đoạn văn dài thì tách "
        "thành nhiều đoạn; số liệu thì chỉ nhập con số; mã đơn vị, kỳ báo cáo, mẫu biểu, mã chỉ tiêu, mã mục "
        "và tên trang thì giữ đúng như biểu mẫu gốc."
    ),
    "too_many": "Có {count} {what}, vượt giới hạn {limit}. Hãy dùng đúng biểu mẫu của đơn vị, không thêm dòng hay mục thừa.",
    "control_characters": (
        "«{what}» chứa ký tự điều khiển không in được ({char}). Hãy gõ lại nội dung này thay vì dán từ phần mềm khác."
    ),
    "broken_characters": (
        "«{what}» chứa ký tự hỏng, không phải một chữ ({char}): thường do nội dung bị cắt ngang giữa một biểu tượng "
        "cảm xúc (emoji) hoặc được chép từ tệp sai bảng mã. Hãy xóa ký tự đó hoặc gõ lại nội dung này."
    ),
    # identification
    "metadata_sheet_missing": (
        "Không tìm thấy trang «{sheet}» cho biết đơn vị, kỳ và mẫu biểu. Hãy dùng tệp biểu mẫu "
        "do hệ thống tạo cho đơn vị (lệnh «phoihop forms» hoặc tải trên cổng thông tin)."
    ),
    "metadata_missing": "Thiếu «{label}». Hãy dùng lại tệp biểu mẫu gốc, không sửa trang này.",
    "unknown_agency": "Mã đơn vị «{value}» không có trong danh sách đơn vị báo cáo.",
    "agency_mismatch": (
        "Biểu mẫu này là của «{value}», không phải của đơn vị gửi («{expected}»). "
        "Hãy điền đúng biểu mẫu của đơn vị mình."
    ),
    "invalid_period": "Kỳ báo cáo «{value}» không hợp lệ: dùng dạng 2023-H1, 2023-Y, 2023-Q1, 2023-M10 hoặc 2023-CD1.",
    "unknown_period": "Kỳ báo cáo {value} chưa được mở. Hãy kiểm tra lại kỳ trên biểu mẫu hoặc liên hệ Sở.",
    "period_closed": "Kỳ báo cáo {value} đã khóa, không nhận thêm báo cáo. Hãy liên hệ Sở nếu cần bổ sung.",
    "form_mismatch": (
        "Biểu mẫu «{value}» không phải mẫu dành cho đơn vị (mẫu đúng: «{expected}»). "
        "Hãy tải lại biểu mẫu của kỳ này và điền vào đó."
    ),
    # figures
    "not_a_number": "«{label}» phải là một số, không phải «{value}». Hãy nhập số, ví dụ 12.",
    "number_ambiguous": "«{label}»: {reason}. Hãy nhập số không có dấu phân cách, ví dụ 1526950000, hoặc viết 169,75 triệu.",
    "date_in_number_cell": (
        "«{label}»: Excel đã hiểu giá trị nhập vào là ngày tháng ({value}). Hãy định dạng ô là số (Number) rồi nhập lại số."
    ),
    "formula_without_value": (
        "«{label}» là công thức chưa có kết quả tính. Hệ thống không chạy công thức: hãy mở tệp bằng Excel, "
        "để Excel tính rồi lưu lại, hoặc nhập thẳng con số."
    ),
    "formula_used": "«{label}» là công thức; hệ thống dùng kết quả Excel đã tính sẵn: {value}.",
    "not_finite": "«{label}» phải là một số, không phải «{value}» (vô hạn hoặc không xác định). Hãy nhập số, ví dụ 12.",
    "number_too_large": (
        "«{label}» = {value} lớn bất thường, vượt mức tối đa {limit}. Hãy kiểm tra lại số liệu "
        "(số tiền tính bằng đồng; không gõ thừa chữ số)."
    ),
    "qualifier_unknown": (
        "«{label}»: từ đi kèm số liệu «{value}» không hợp lệ. Chỉ dùng một trong các từ: {allowed}; "
        "số liệu chính xác thì để trống."
    ),
    "value_without_code": "Ô có số liệu ({value}) nhưng dòng này không có mã chỉ tiêu ở cột mã. Hãy ghi số liệu vào đúng dòng có mã.",
    "rule_violated": "{message} ({detail})",
    "extra_sheet_ignored": "Trang «{sheet_name}» không thuộc biểu mẫu; hệ thống bỏ qua nội dung trang này.",
    "not_whole": "«{label}» phải là số nguyên ({unit}), không phải {value}.",
    "negative": "«{label}» không được là số âm ({value}). Nếu không có, hãy nhập 0.",
    "below_min": "«{label}» phải lớn hơn hoặc bằng {limit}, hiện là {value}.",
    "above_max": "«{label}» phải nhỏ hơn hoặc bằng {limit}, hiện là {value}.",
    "required_missing": "«{label}» bắt buộc phải điền. Nếu không có, hãy nhập 0.",
    "indicator_row_missing": (
        "Không thấy dòng chỉ tiêu bắt buộc «{label}» (mã {code}) trên trang «{sheet}». "
        "Đừng xóa dòng hay sửa cột mã; hãy dùng lại biểu mẫu gốc."
    ),
    "unknown_indicator": "Mã chỉ tiêu «{code}» không có trong biểu mẫu. Đừng sửa cột mã chỉ tiêu.",
    "duplicate_indicator": "Chỉ tiêu «{code}» xuất hiện lần thứ hai (lần đầu ở ô {first}). Hãy giữ một dòng.",
    "unknown_section": "Mã mục «{code}» không có trong biểu mẫu. Đừng sửa cột mã mục.",
    "paragraph_without_section": "Đoạn văn chưa thuộc mục nào. Hãy ghi mã mục ở cột A của dòng này.",
    "narrative_formula_without_value": (
        "Ô nội dung là công thức chưa có kết quả tính nên bị bỏ qua. Nếu cần giữ đoạn văn này, hãy mở tệp bằng "
        "Excel để Excel tính rồi lưu lại, hoặc gõ thẳng nội dung."
    ),
}


class Problem(BaseModel):
    """One thing wrong with a return; `sheet`/`cell` for a workbook, `field` for JSON."""

    code: str
    message: str
    severity: Severity = Severity.ERROR
    sheet: str | None = None
    cell: str | None = None
    field: str | None = None


def location(sheet: str | None, cell: str | None, field: str | None) -> str:
    """Where, in words: `Trang «Số liệu», ô D12` or `Trường «indicators.fraud_cases»`."""
    if field:
        return f"Trường «{field}»"
    if sheet and cell:
        return f"Trang «{sheet}», ô {cell}"
    return f"Trang «{sheet}»" if sheet else ""


def problem(
    error_code: str,
    /,
    *,
    sheet: str | None = None,
    cell: str | None = None,
    field: str | None = None,
    severity: Severity = Severity.ERROR,
    **details: Any,
) -> Problem:
    """A Problem with its Vietnamese message filled from MESSAGES; the sender's text in it is shortened."""
    sheet, field = (shorten(text) if text is not None else None for text in (sheet, field))
    details = {k: shorten(v) if isinstance(v, str) and k not in AUTHORED else v for k, v in details.items()}
    text = MESSAGES[error_code].format(sheet=sheet, field=field, **details)
    where = location(sheet, cell, field)
    message = f"{where}: {text}" if where else text
    return Problem(code=error_code, message=message, severity=severity, sheet=sheet, cell=cell, field=field)
