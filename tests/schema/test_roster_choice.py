"""The roster of a period, on SQLite and PostgreSQL: rosters of different ids kept side by side, each period
reading the one in force at its data window's end (the 2025 reform falls between 30/06 and 01/07/2025)."""

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from agencies.roster import DEFAULT_ROSTER, Roster, load_roster
from agencies.samples import load_samples
from phoihop.demo import submit_samples
from schema.completeness import period_completeness
from schema.models import Agency, RosterVersion
from schema.period_forms import agency_form
from schema.periods import PeriodError, get_period, open_period
from schema.roster_store import (
    NoRosterInForce,
    current_roster,
    roster_naming,
    roster_of_period,
    roster_version_on,
    save_roster,
)

ROSTER_2026 = DEFAULT_ROSTER.parents[1] / "hung-yen-2026" / "roster.yaml"


@pytest.fixture(scope="module")
def roster_2026() -> Roster:
    return load_roster(ROSTER_2026)


def test_the_roster_in_force_at_the_reforms_boundary(session: Session, roster: Roster, roster_2026: Roster) -> None:
    save_roster(session, roster, "2023", "test")
    save_roster(session, roster_2026, "2026", "test")
    assert roster_version_on(session, date(2025, 6, 30)).roster_key == "hung-yen-2023"
    assert roster_version_on(session, date(2025, 7, 1)).roster_key == "hung-yen-2026"
    for period, end, key in (("2025-CD1", "2025-06-30", "hung-yen-2023"), ("2025-CD2", "2025-07-01", "hung-yen-2026")):
        row = open_period(
            session, period, "test", date(2025, 7, 10), start=date(2025, 1, 1), end=date.fromisoformat(end)
        )
        assert roster_of_period(session, row).id == key
    assert open_period(session, "2025-H1", "test").window_end == date(2025, 6, 14)
    assert roster_of_period(session, get_period(session, "2025-H1")).id == "hung-yen-2023"
    assert roster_of_period(session, open_period(session, "2025-H2", "test")).id == "hung-yen-2026"


def test_a_period_no_roster_covers_is_refused(session: Session, roster_2026: Roster) -> None:
    save_roster(session, roster_2026, "2026", "test")
    with pytest.raises(NoRosterInForce) as refused:
        open_period(session, "2024-H2", "test")
    assert refused.value.code == "no_roster_in_force" and "14/12/2024" in refused.value.message
    with pytest.raises(PeriodError):
        get_period(session, "2024-H2")


def test_loading_the_2026_roster_keeps_the_open_2024_period_whole(
    session: Session, roster: Roster, roster_2026: Roster
) -> None:
    save_roster(session, roster, "2023", "test")
    row = open_period(session, "2024-H2", "test")
    before = [s.agency for s in period_completeness(session, roster_of_period(session, row), row)]
    save_roster(session, roster_2026, "2026", "test")
    assert current_roster(session).id == "hung-yen-2026"
    assert [s.agency for s in period_completeness(session, roster_of_period(session, row), row)] == before
    assert "district-van-lam" in before and len(before) == 25
    assert agency_form(session, "2024-H2", "district-van-lam").filename == "2024-H2_district-van-lam.xlsx"
    active = {agency_id: flag for agency_id, flag in session.execute(select(Agency.id, Agency.active))}
    assert active["district-van-lam"] and active["commune-nhu-quynh"] and active["dic"], "both rosters report"
    assert roster_naming(session, "district-van-lam").id == "hung-yen-2023"
    assert roster_naming(session, "commune-nhu-quynh").id == "hung-yen-2026"


def test_a_roster_refreshed_keeps_its_id_and_its_periods(session: Session, roster: Roster, roster_2026: Roster) -> None:
    save_roster(session, roster, "2023", "test")
    row = open_period(session, "2024-H2", "test")
    save_roster(session, roster_2026, "2026", "test")
    assert save_roster(session, roster, "2023 again", "test")[1] is False, "unchanged: not stored twice"
    document = roster.model_dump(mode="json")
    document["groups"][0]["agencies"][0]["emails"] = ["thanhtra.moi@stttt.hungyen.example"]
    version, changed = save_roster(session, Roster.model_validate(document), "2023 corrected", "test")
    assert changed and row.roster_version_id != version.id
    assert roster_of_period(session, row).agency("dic").emails == ["thanhtra.moi@stttt.hungyen.example"]
    assert session.scalars(select(RosterVersion.roster_key).order_by(RosterVersion.id)).all() == [
        "hung-yen-2023",
        "hung-yen-2026",
        "hung-yen-2023",
    ]
    assert roster_version_on(session, date(2025, 12, 14)).roster_key == "hung-yen-2026"
    assert current_roster(session, date(2026, 1, 5)).id == "hung-yen-2026", "loaded last is not in force"
    assert current_roster(session, date(2024, 1, 5)).id == "hung-yen-2023"


def test_an_agency_no_roster_names_any_more_stops_reporting(session: Session, roster: Roster) -> None:
    save_roster(session, roster, "2023", "test")
    document = roster.model_dump(mode="json")
    districts = next(g for g in document["groups"] if g["id"] == "districts")
    districts["agencies"] = [a for a in districts["agencies"] if a["id"] != "district-phu-cu"]
    save_roster(session, Roster.model_validate(document), "2023 without Phù Cừ", "test")
    assert session.get(Agency, "district-phu-cu").active is False
    assert session.get(Agency, "district-van-lam").active is True


def test_the_2026_samples_go_through_the_intake_of_their_period(session: Session, roster_2026: Roster) -> None:
    save_roster(session, roster_2026, "2026", "test")
    samples = load_samples(ROSTER_2026.parent / "samples" / "2025-H2.yaml")
    open_period(session, samples.period, "test")
    receipts = submit_samples(session, roster_2026, samples, "test")
    assert len(receipts) == len(samples.returns) and all(r.status == "accepted" for r in receipts)
    assert sum(r.agency.startswith("commune-") for r in receipts) == 12
