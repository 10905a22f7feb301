"""Rosters over time as data: `valid_from`/`valid_until` and `replaces`, and what continues what."""

import shutil
from datetime import date
from pathlib import Path

import pytest

from agencies.roster import DEFAULT_ROSTER, Roster, RosterError, load_roster
from agencies.succession import compared_codes, successor_groups

ROSTER_2026 = DEFAULT_ROSTER.parents[1] / "hung-yen-2026" / "roster.yaml"


@pytest.fixture(scope="module")
def roster_2026() -> Roster:
    return load_roster(ROSTER_2026)


def _with(roster: Roster, **changes: object) -> dict:
    document = roster.model_dump(mode="json")
    document.update(changes)
    return document


def test_the_two_hung_yen_rosters_meet_at_the_reform(roster: Roster, roster_2026: Roster) -> None:
    assert (roster.valid_from, roster.valid_until) == (None, date(2025, 6, 30))
    assert (roster_2026.valid_from, roster_2026.valid_until) == (date(2025, 7, 1), None)
    assert roster.in_force_on(date(2025, 6, 30)) and not roster.in_force_on(date(2025, 7, 1))
    assert roster_2026.in_force_on(date(2025, 7, 1)) and not roster_2026.in_force_on(date(2025, 6, 30))


def test_the_communes_are_dozens_each_replacing_an_old_district(roster: Roster, roster_2026: Roster) -> None:
    communes = next(g for g in roster_2026.groups if g.id == "communes")
    districts = {a.id for a in next(g for g in roster.groups if g.id == "districts").agencies}
    assert communes.replaces == ["districts"] and len(communes.agencies) >= 24
    assert all(len(a.replaces) == 1 and a.replaces[0] in districts for a in communes.agencies)
    assert {a.replaces[0] for a in communes.agencies} == districts, "every district is continued"
    assert all(a.name.startswith(("UBND xã ", "UBND phường ")) for a in communes.agencies)


def test_what_continues_each_agency_of_last_years_roster(roster: Roster, roster_2026: Roster) -> None:
    successors = successor_groups(roster_2026, roster)
    assert successors["district-van-lam"] == "communes" and successors["dic"] == "dost"
    assert successors["police"] == "police" and successors["firm-vnpt"] == "firms"
    assert successor_groups(roster, roster) == {a.id: roster.group_of(a.id).id for a in roster.agencies()}
    assert successor_groups(roster, roster_2026)["police"] == "police"
    assert "commune-nhu-quynh" not in successor_groups(roster, roster_2026), "nothing of 2023 continues a commune"


def test_only_codes_last_years_forms_had_are_compared(roster: Roster, roster_2026: Roster) -> None:
    document = roster_2026.model_dump(mode="json")
    document["forms"]["commune"]["indicator_groups"][0]["indicators"].append(
        {"code": "fraud_warnings", "label": "Số lượt cảnh báo lừa đảo", "unit": "lượt"}
    )
    codes = compared_codes(Roster.model_validate(document), roster)
    assert codes["communes"] == {"interagency_inspections", "violation_cases", "fines_total"}
    assert "inspections" in codes["dost"]


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("group", "nhóm «communes» thay thế «police», nhưng «police» là mã của chính danh sách này"),
        ("agency", "đơn vị «commune-hien-nam» thay thế «police», nhưng «police» là mã của chính danh sách này"),
        ("twice", "đơn vị «commune-hien-nam»: khóa replaces ghi một mã hai lần"),
        ("dates", "ngày hết hiệu lực 30/06/2025 phải từ ngày bắt đầu hiệu lực 01/07/2025 trở đi"),
        ("id", "mã đơn vị «Huyện Văn Lâm» chỉ được gồm chữ thường không dấu"),
    ],
)
def test_replaces_and_validity_are_checked(tmp_path: Path, where: str, message: str) -> None:
    text = ROSTER_2026.read_text(encoding="utf-8")
    edits = {
        "group": ("replaces: [districts]", "replaces: [districts, police]"),
        "agency": ("replaces: [district-hung-yen-city]", "replaces: [police]"),
        "twice": ("replaces: [district-hung-yen-city]", "replaces: [district-hung-yen-city, district-hung-yen-city]"),
        "dates": ("valid_from: 2025-07-01", "valid_from: 2025-07-01\nvalid_until: 2025-06-30"),
        "id": ("replaces: [district-hung-yen-city]", "replaces: [Huyện Văn Lâm]"),
    }
    old, new = edits[where]
    shutil.copytree(ROSTER_2026.parent / "forms", tmp_path / "forms")
    copy = tmp_path / "roster.yaml"
    copy.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(RosterError) as refused:
        load_roster(copy)
    assert message in refused.value.message
    assert refused.value.message.startswith(f"Tệp {copy}, khóa ")


def test_replaces_may_name_ids_no_stored_roster_knows(roster_2026: Roster) -> None:
    document = roster_2026.model_dump(mode="json")
    document["groups"][0]["replaces"] = ["so-tttt-cu"]  # an earlier roster never loaded here: free text ids
    assert Roster.model_validate(document).groups[0].replaces == ["so-tttt-cu"]
