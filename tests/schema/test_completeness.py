from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from agencies.roster import Roster
from schema.completeness import period_completeness
from schema.intake import submit_return
from schema.models import Period
from tests.factories import POLICE_FIGURES, filled_form


def test_states_versions_and_lateness(loaded: Session, roster: Roster) -> None:
    def send(data: bytes, at: datetime) -> None:
        submit_return(loaded, roster, data, channel="cli", actor="t", now=at)

    on_time = datetime(2023, 6, 18, 16, 59, tzinfo=UTC)  # 23:59 on the deadline day in Hà Nội
    too_late = datetime(2023, 6, 18, 17, 1, tzinfo=UTC)  # 00:01 the day after
    send(filled_form(roster, "police", figures=POLICE_FIGURES), on_time)
    send(filled_form(roster, "police", figures={**POLICE_FIGURES, "fraud_cases": "x"}), too_late)  # refused
    send(filled_form(roster, "customs", figures={"violation_cases": 0}), too_late)
    send(filled_form(roster, "market-surveillance", figures={"violation_cases": -1}), on_time)

    states = {
        s.agency: s for s in period_completeness(loaded, roster, loaded.get(Period, "2023-H1"), date(2023, 6, 17))
    }
    assert list(states) == [a.id for a in roster.agencies()], "roster order"
    police, customs, market = states["police"], states["customs"], states["market-surveillance"]
    assert (police.state, police.version, police.late) == ("accepted", 1, False)
    assert police.received_at == on_time, "the accepted version counts, not the refused upload after it"
    assert (customs.state, customs.version, customs.late) == ("accepted", 1, True)
    assert (market.state, market.version, market.problem_count) == ("invalid", None, 1)
    assert (states["dic"].state, states["dic"].late) == ("missing", False)

    after = {s.agency: s for s in period_completeness(loaded, roster, loaded.get(Period, "2023-H1"), date(2023, 6, 19))}
    assert after["dic"].late and not after["police"].late


def test_states_are_stored_and_shown_as_their_values(loaded, roster) -> None:
    """The enums reach the database as the contract's words (`accepted`), on SQLite and PostgreSQL alike."""
    from sqlalchemy import text

    from agencies.states import AgencyStanding, ReturnStatus
    from schema.completeness import period_completeness
    from schema.periods import get_period
    from tests.factories import POLICE_FIGURES, filled_form

    submit_return(loaded, roster, filled_form(roster, "police", figures=POLICE_FIGURES), channel="cli", actor="t")
    assert loaded.execute(text("SELECT status FROM returns")).scalar() == "accepted"
    states = {s.agency: s.state for s in period_completeness(loaded, roster, get_period(loaded, "2023-H1"))}
    assert states["police"] is AgencyStanding.ACCEPTED and states["customs"] is AgencyStanding.MISSING
    assert {s.value for s in ReturnStatus} == {"accepted", "invalid", "superseded", "withdrawn"}


def test_one_agencys_row_is_the_same_row_the_whole_table_has(loaded: Session, roster: Roster) -> None:
    submit_return(loaded, roster, filled_form(roster, "police", figures=POLICE_FIGURES), channel="cli", actor="t")
    submit_return(loaded, roster, filled_form(roster, "customs"), channel="cli", actor="t")
    period = loaded.get(Period, "2023-H1")
    whole = {s.agency: s for s in period_completeness(loaded, roster, period, date(2023, 6, 19))}
    for agency in ("police", "customs", "dic"):
        assert period_completeness(loaded, roster, period, date(2023, 6, 19), agency_id=agency) == [whole[agency]]
