"""The README's main command, end to end: `phoihop demo` writes seed 004's report from XLSX returns."""

from email import message_from_bytes, policy
from pathlib import Path

from typer.testing import CliRunner

from agencies.roster import load_roster
from phoihop.cli.main import app
from schema.accounts import sign_in
from schema.database import make_engine, make_session_factory
from tests.docx_reading import section, table_text


def test_demo_writes_seed_004_from_filled_forms(prefect_api: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "--out", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Đã nhận 25 báo cáo mẫu" in result.output
    assert len(list((tmp_path / "returns").glob("2023-H1_*.xlsx"))) == 25, "the officers' filled forms are kept"
    draft = tmp_path / "bao-cao-2023-H1-v1.docx"
    assert str(draft) in result.output.replace("\n", "")
    assert f"Phụ lục số liệu và biểu đồ: {tmp_path / 'phu-luc-2023-H1-v1.xlsx'}" in result.output.replace("\n", "")
    assert receipts_saved(tmp_path) == {
        a.id: "[phoihop] Biên nhận báo cáo kỳ 2023-H1, phiên bản 1" for a in load_roster().agencies()
    }

    assert "25.850.000 đồng" in section(draft, "1.1.")
    police = section(draft, "2.1. Công an tỉnh")
    for figure in ("22 trường hợp", "169,75 triệu đồng", "1.526.950.000 đồng", "15 tài khoản"):
        assert figure in police
    for heading in ("2.2. Sở Công Thương", "2.3. Cục Quản lý thị trường", "2.4. Chi cục Hải quan"):
        assert "chưa phát hiện" in section(draft, heading)
    assert "UBND huyện Văn Lâm" in section(draft, "2.5.")
    coordination = section(draft, "1.2.")
    assert "253" in coordination and "42.000" in coordination
    # The words the officers wrote beside their figures, and the department's own opening of part V (seed 004).
    assert "hơn 42.000 kết nối" in coordination and "(có chiều hướng gia tăng)" in coordination
    assert "tổ chức đánh bạc và đánh bạc trên không gian mạng, hiện nay Công an huyện Văn Lâm đang xác minh" in police
    assert section(draft, "V.").startswith("Trong giai đoạn phát triển mạnh mẽ của công nghệ thông tin như hiện nay")
    assert (tmp_path / "phu-luc-2023-H1-v1.xlsx").exists() and list(tmp_path.glob("bieu-do-2023-H1-v1-*.png"))

    # The portal's next step: passwords for the demo's coordinator and an officer, printed and kept.
    accounts = dict(line.split("\t") for line in (tmp_path / "demo-accounts.txt").read_text().splitlines())
    assert set(accounts) == {"coordinator", "police"}
    assert all(f"{login} / {password}" in result.output for login, password in accounts.items())
    engine = make_engine(f"sqlite:///{tmp_path / 'phoihop-demo.db'}")
    with make_session_factory(engine)() as session:
        assert sign_in(session, "police", accounts["police"], None)[1].agency_id == "police"
    engine.dispose()

    rerun = CliRunner().invoke(
        app,
        [
            "--db",
            f"sqlite:///{tmp_path / 'phoihop-demo.db'}",
            "consolidate",
            "2023-H1",
            "--out",
            str(tmp_path / "lai"),
            "--date",
            "2023-07-06",
        ],
        catch_exceptions=False,
    )
    assert rerun.exit_code == 0, rerun.output
    assert "ngày 06 tháng 7 năm 2023" in table_text(tmp_path / "lai" / "bao-cao-2023-H1-v1.docx", 0)

    again = CliRunner().invoke(app, ["demo", "--out", str(tmp_path)], catch_exceptions=False)
    assert again.exit_code == 0 and "Đã nhận 25 báo cáo mẫu" in again.output, "re-running starts from a fresh database"
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 25, "and the mails of that database only"


def receipts_saved(out: Path) -> dict[str, str]:
    """The demo's receipt mails in out/mail/, by the agency whose contacts they go to: their subjects."""
    by_address = {address: agency.id for agency in load_roster().agencies() for address in agency.emails}
    found = {}
    for path in (out / "mail").glob("*.eml"):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        found[by_address[message["To"].split(",")[0].strip()]] = message["Subject"]
    return found


def test_consolidate_refuses_an_unopened_period_before_starting_prefect(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'x.db'}"
    runner = CliRunner()
    assert runner.invoke(app, ["--db", db, "init"]).exit_code == 0
    result = runner.invoke(app, ["--db", db, "consolidate", "2031-H1", "--out", str(tmp_path)])
    assert result.exit_code == 1 and "chưa được mở" in result.output
