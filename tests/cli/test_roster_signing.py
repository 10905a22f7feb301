"""The signing authority is roster data (`coordinator.signing_authority`): `phoihop init` refuses a value Decree 30
does not know, in one Vietnamese line naming the file, the key and the values it takes, before anything is
written."""

import shutil
from pathlib import Path

from agencies.roster import DEFAULT_ROSTER
from tests.cli.command import one_line, phoihop


def roster_signed(tmp_path: Path, lines: str) -> Path:
    folder = tmp_path / "hung-yen"
    shutil.copytree(DEFAULT_ROSTER.parent, folder)
    path = folder / "roster.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  signer_title: GIÁM ĐỐC\n", f"  signer_title: GIÁM ĐỐC\n{lines}"), encoding="utf-8")
    return path


def test_a_deputy_signing_for_the_director_is_loaded(tmp_path: Path) -> None:
    path = roster_signed(tmp_path, "  signing_authority: KT.\n  signer_position: PHÓ GIÁM ĐỐC\n")
    result = phoihop(tmp_path / "var", "init", "--roster", str(path))
    assert result.returncode == 0, result.stderr


def test_an_unknown_signing_authority_is_refused_at_init(tmp_path: Path) -> None:
    path = roster_signed(tmp_path, "  signing_authority: Ký thay\n  signer_position: PHÓ GIÁM ĐỐC\n")
    result = phoihop(tmp_path / "var", "init", "--roster", str(path))
    assert result.returncode == 1
    assert one_line(result) == (
        f"Lỗi: Tệp {path}, khóa coordinator.signing_authority: giá trị «Ký thay» không hợp lệ: "
        "chỉ nhận 'KT.', 'TM.', 'TL.', 'TUQ.' hoặc 'Q.'"
    )
    assert not (tmp_path / "var" / "phoihop.db").exists(), "refused before anything was written"
