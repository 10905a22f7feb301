"""The receipt's wording (templates/receipts/), rendered from the one Receipt shape as every channel shows it."""

from datetime import UTC, datetime

import pytest

from agencies.problems import Severity, problem
from report.templating import render
from schema.receipts import Receipt

RECEIVED = datetime(2023, 6, 16, 2, 30, 12, tzinfo=UTC)  # 09:30:12 in Hưng Yên
POLICE = "Công an tỉnh Hưng Yên"
SHA = "ab" * 32


def receipt(status: str = "accepted", **fields) -> Receipt:
    values = {"id": 7, "version": 1, "sha256": SHA, "received_at": RECEIVED, "agency": "police", "period": "2023-H1"}
    return Receipt(status=status, **{**values, **fields})


NEGATIVE = problem("negative", sheet="Số liệu", cell="D12", label="Số vụ", value="-1")
FORMULA = problem("formula_used", sheet="Số liệu", cell="D13", label="Số tiền", value="5", severity=Severity.WARNING)
ACCEPTED = receipt(problems=[FORMULA])
INVALID = receipt("invalid", version=None, problems=[NEGATIVE, FORMULA])
AGAIN = receipt(duplicate=True)
NAMELESS = receipt("invalid", version=None, agency=None, period=None, problems=[problem("pdf_file")])


def cli(r: Receipt | None, agency: str | None = POLICE, refusal=None) -> str:
    return render("receipts/receipt.txt.j2", file="cong-an.xlsx", receipt=r, agency=agency, refusal=refusal)


def sidecar(r: Receipt | None, agency: str | None = POLICE, refusal=None) -> str:
    return render("receipts/sidecar.txt.j2", file="cong-an.xlsx", receipt=r, agency=agency, refusal=refusal)


def test_an_accepted_return_in_the_cli_and_beside_the_file() -> None:
    assert cli(ACCEPTED).splitlines() == [
        f"✓ cong-an.xlsx: đã nhận báo cáo của {POLICE}, kỳ 2023-H1, phiên bản 1; "
        "biên nhận #7, sha256 abababababab…, nhận lúc 09:30 ngày 16/06/2023:",
        f"    Lưu ý: {FORMULA.message} (formula_used)",
    ]
    assert sidecar(ACCEPTED) == (
        "Tệp: cong-an.xlsx\n"
        f"Biên nhận #7, sha256 {SHA}, nhận lúc 09:30:12 ngày 16/06/2023\n"
        f"Đã nhận báo cáo của {POLICE}, kỳ 2023-H1, phiên bản 1:\n"
        f"- Lưu ý: {FORMULA.message} (formula_used)\n"
    )


def test_a_refused_return_lists_its_errors_then_its_warnings_and_what_to_do() -> None:
    lines = cli(INVALID).splitlines()
    assert lines[0].startswith(f"✗ cong-an.xlsx: không hợp lệ, 1 lỗi cần sửa (báo cáo của {POLICE}, kỳ 2023-H1); ")
    assert lines[1:] == [
        f"    - {NEGATIVE.message} (negative)",
        f"    Lưu ý: {FORMULA.message} (formula_used)",
        "    Tệp gốc đã được lưu; hãy sửa các lỗi rồi gửi lại.",
    ]
    assert sidecar(INVALID).splitlines()[2:] == [
        f"Không hợp lệ, 1 lỗi cần sửa (báo cáo của {POLICE}, kỳ 2023-H1):",
        f"- {NEGATIVE.message} (negative)",
        f"- Lưu ý: {FORMULA.message} (formula_used)",
    ]


def test_the_same_file_again_makes_no_new_version() -> None:
    assert cli(AGAIN).startswith("= cong-an.xlsx: trùng với tệp đã nhận trước đó, không tạo phiên bản mới; đã nhận")
    assert sidecar(AGAIN).splitlines()[2].startswith("Trùng với tệp đã nhận trước đó, không tạo phiên bản mới;")


def test_a_file_that_names_no_agency_nor_period() -> None:
    assert "không hợp lệ, 1 lỗi cần sửa; biên nhận #7" in cli(NAMELESS, agency=None)
    assert sidecar(NAMELESS, agency=None).splitlines()[2] == "Không hợp lệ, 1 lỗi cần sửa:"


def test_a_refusal_without_a_receipt() -> None:
    pdf = problem("pdf_file")
    assert cli(None, refusal=pdf) == f"✗ cong-an.xlsx: không nhận. {pdf.message} (pdf_file)"
    assert sidecar(None, refusal=pdf) == f"Tệp: cong-an.xlsx\nKhông nhận: {pdf.message} (pdf_file)\n"


@pytest.mark.parametrize(
    ("outcome", "r", "text"),
    [
        ("accepted", ACCEPTED, "Đã nhận, phiên bản 1"),
        ("invalid", INVALID, "Không hợp lệ, 1 lỗi"),
        ("duplicate", AGAIN, "Trùng tệp đã nhận, không tạo phiên bản mới"),
        ("refused", None, "Bị từ chối"),
        ("left", None, "Chưa xử lý xong; lần chạy sau sẽ xử lý lại"),
    ],
)
def test_the_result_in_a_few_words(outcome: str, r: Receipt | None, text: str) -> None:
    assert render("receipts/result.txt.j2", outcome=outcome, receipt=r) == text


@pytest.mark.parametrize(
    ("r", "text"),
    [
        (ACCEPTED, f"Đã nhận báo cáo của {POLICE}, kỳ 2023-H1, phiên bản 1."),
        (
            INVALID,
            f"Không hợp lệ, 1 lỗi cần sửa (báo cáo của {POLICE}, kỳ 2023-H1). "
            "Tệp gốc đã được lưu; hãy sửa các lỗi rồi gửi lại.",
        ),
        (receipt("superseded"), f"Báo cáo của {POLICE}, kỳ 2023-H1, phiên bản 1: được thay bằng phiên bản mới."),
        (receipt("withdrawn"), f"Báo cáo của {POLICE}, kỳ 2023-H1, phiên bản 1: đơn vị rút báo cáo."),
    ],
    ids=["accepted", "invalid", "superseded", "withdrawn"],
)
def test_the_verdict_in_one_sentence(r: Receipt, text: str) -> None:
    assert render("receipts/verdict.txt.j2", receipt=r, agency=POLICE) == text


def test_an_html_page_reusing_the_phrases_escapes_them_once() -> None:
    """The portal's partial imports the same macros and writes them `| forceescape` (see _receipt.txt.j2): what the
    roster or the sender wrote is escaped once; without it, Jinja would take the macro's plain text as safe HTML."""
    from report.templating import environment

    page = environment().from_string(
        '{% import "receipts/_receipt.txt.j2" as say %}'
        "{% autoescape true %}<p>{{ say.verdict(receipt, agency) | forceescape }}</p>{% endautoescape %}"
    )
    assert page.render(receipt=ACCEPTED, agency="<b>Công an & PCCC</b>") == (
        "<p>đã nhận báo cáo của &lt;b&gt;Công an &amp; PCCC&lt;/b&gt;, kỳ 2023-H1, phiên bản 1</p>"
    )
