"""`phoihop agencies`: the ids every other command takes, and the nearest ids when one is mistyped."""

import json
from pathlib import Path

import pytest

from agencies.roster import Roster
from tests.cli.command import one_line, phoihop


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("agencies") / "var"
    assert phoihop(folder, "init").returncode == 0
    return folder


def test_agencies_lists_every_id_name_and_group_in_roster_order(data_dir: Path, roster: Roster) -> None:
    listed = phoihop(data_dir, "agencies", "--json")
    assert listed.returncode == 0, listed.stderr
    document = json.loads(listed.stdout)
    assert [a["agency"] for a in document] == [a.id for a in roster.agencies()]
    police = next(a for a in document if a["agency"] == "police")
    assert (police["name"], police["group_title"]) == ("Công an tỉnh Hưng Yên", "Công an tỉnh")
    table = phoihop(data_dir, "agencies")
    assert "Mã đơn vị" in table.stdout and "district-van-lam" in table.stdout and "25 đơn vị" in table.stdout


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [("polis", "police"), ("cong an", "police"), ("hai-quan", "customs"), ("van lam", "district-van-lam")],
)
def test_a_mistyped_id_is_one_line_naming_the_nearest(data_dir: Path, typed: str, suggested: str) -> None:
    result = phoihop(data_dir, "history", typed, "2023-H1")
    assert result.returncode == 1
    line = one_line(result)
    assert f"«{typed}» không có trong danh sách" in line and "phoihop agencies" in line
    assert suggested in line.split("Có phải:")[1].split("?")[0]


def test_an_id_like_nothing_suggests_nothing_but_the_list(data_dir: Path) -> None:
    line = one_line(phoihop(data_dir, "token", "zzzzzz"))
    assert "Có phải" not in line and "phoihop agencies" in line


def test_status_json_writes_moments_with_their_offset(data_dir: Path, roster: Roster) -> None:
    """The contract's `received_at` is ISO 8601 as Python writes it (`…+00:00`), the same in the API."""
    from tests.factories import json_return

    assert phoihop(data_dir, "period", "open", "2023-H1").returncode in (0, 1)  # opened once per module
    sent = data_dir.parent / "customs.json"
    sent.write_bytes(json_return("customs", "2023-H1", "customs@1", {"seized_cases": 1}))
    phoihop(data_dir, "submit", str(sent))
    document = json.loads(phoihop(data_dir, "status", "2023-H1", "--json").stdout)
    moments = [a["received_at"] for a in document["agencies"] if a["received_at"]]
    assert moments and all(m.endswith("+00:00") for m in moments)
