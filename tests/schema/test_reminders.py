"""Who gets which reminder on a day, and the log that records each step once, on SQLite and PostgreSQL."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from threading import Barrier

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from agencies.reminders import Counting, ReminderKind
from agencies.roster import Roster
from schema.database import make_session_factory
from schema.intake import submit_return
from schema.mail_delivery import Delivery, Outcome
from schema.mail_log import MailState, settle
from schema.models import Period, ReminderLog
from schema.periods import set_period_state
from schema.reminders import ReminderDecision, SkipReason, claim_step, reminders_today
from schema.withdrawal import withdraw_return
from tests.factories import POLICE_FIGURES, filled_form

OPENED = datetime(2023, 6, 1, 1, 0, tzinfo=UTC)  # 2023-H1 (deadline Sunday 18/06/2023) opened 01/06/2023


def with_heads(roster: Roster) -> Roster:
    """The roster with the police head's address: escalations copy it."""
    data = roster.model_dump(mode="json")
    for group in data["groups"]:
        for agency in group["agencies"]:
            if agency["id"] == "police":
                agency["head_emails"] = ["giamdoc@congan.hungyen.example"]
    return Roster.model_validate(data)


def cycle(loaded: Session, roster: Roster) -> Period:
    """2023-H1 opened on 01/06/2023: police sent, market surveillance refused, customs sent then withdrew."""
    period = loaded.get(Period, "2023-H1")
    period.opened_at = OPENED
    loaded.commit()
    at = datetime(2023, 6, 5, 3, tzinfo=UTC)
    for agency, figures in [
        ("police", POLICE_FIGURES),
        ("market-surveillance", {"violation_cases": -1}),
        ("customs", {"violation_cases": 2}),
    ]:
        submit_return(loaded, roster, filled_form(roster, agency, figures=figures), channel="cli", actor="t", now=at)
    withdraw_return(loaded, "customs", "2023-H1", actor="t", reason="nhầm số liệu")
    return period


def by_agency(decisions: list[ReminderDecision]) -> dict[str, ReminderDecision]:
    return {d.agency: d for d in decisions}


def test_who_gets_what_on_t_minus_one(loaded: Session, roster: Roster) -> None:
    period = cycle(loaded, roster)
    decisions = reminders_today(loaded, roster, period, date(2023, 6, 16))
    assert [d.agency for d in decisions] == [a.id for a in roster.agencies()], "roster order"
    got = by_agency(decisions)
    assert (got["police"].skip, got["police"].step) == (SkipReason.SENT, None), "sent: nothing"
    due = {d.agency for d in decisions if d.due}
    assert due == {a.id for a in roster.agencies()} - {"police"}
    customs = got["customs"]
    assert (customs.state, customs.kind, customs.step) == ("withdrawn", ReminderKind.REMINDER, "before-1")
    assert (customs.days_left, customs.counting) == (1, Counting.WORKING)
    assert customs.recipients == list(roster.require_agency("customs").emails)
    market = got["market-surveillance"]
    assert (market.state, market.kind) == ("invalid", ReminderKind.HAS_ERRORS)
    assert [(p.code, p.sheet) for p in market.errors] and all(p.message for p in market.errors)
    assert got["dic"].errors == [] and got["dic"].kind is ReminderKind.REMINDER


def test_a_logged_step_is_skipped_with_its_time(loaded: Session, roster: Roster) -> None:
    period = cycle(loaded, roster)
    first = by_agency(reminders_today(loaded, roster, period, date(2023, 6, 16)))
    assert claim_step(loaded, period.id, first["dic"], "run-1") is not None
    assert claim_step(loaded, period.id, first["dic"], "run-2") is None, "the same step twice: skipped"
    again = by_agency(reminders_today(loaded, roster, period, date(2023, 6, 16)))
    assert (again["dic"].skip, again["dic"].step) == (SkipReason.LOGGED, "before-1")
    assert again["dic"].logged_at is not None and again["dic"].logged_at.tzinfo is not None
    assert again["customs"].due, "another agency's step is its own"
    # the next working day no step falls: the logged T-1 is still the latest, the others' T-1 is caught up
    saturday = by_agency(reminders_today(loaded, roster, period, date(2023, 6, 17)))
    assert {d.skip for d in saturday.values()} == {SkipReason.SENT, SkipReason.DAY_OFF}


def test_a_deferred_step_is_due_again_and_claimed_once(loaded: Session, roster: Roster) -> None:
    """A passing fault leaves the step deferred: the next run takes it back (once); refused or sent, never."""
    period = cycle(loaded, roster)
    first = by_agency(reminders_today(loaded, roster, period, date(2023, 6, 16)))
    outcomes = {"dic": Outcome.DEFERRED, "customs": Outcome.REFUSED, "market-surveillance": Outcome.SENT}
    for agency, outcome in outcomes.items():
        row_id = claim_step(loaded, period.id, first[agency], "run-1")
        assert row_id is not None
        settle(loaded, ReminderLog, row_id, "run-1", Delivery(outcome, "<m@x>", first[agency].recipients))
    again = by_agency(reminders_today(loaded, roster, period, date(2023, 6, 16)))
    assert (again["dic"].due, again["dic"].attempts, again["dic"].logged_state) == (True, 1, MailState.DEFERRED)
    assert (again["customs"].skip, again["customs"].logged_state) == (SkipReason.LOGGED, MailState.REFUSED)
    assert (again["market-surveillance"].skip, again["market-surveillance"].logged_state) == (
        SkipReason.LOGGED,
        MailState.SENT,
    )
    assert claim_step(loaded, period.id, again["dic"], "run-2") is not None
    assert claim_step(loaded, period.id, again["dic"], "run-3") is None, "taken back by one run only"
    assert claim_step(loaded, period.id, first["customs"], "run-2") is None, "refused for good: not retried"
    loaded.expire_all()
    row = loaded.scalars(select(ReminderLog).where(ReminderLog.agency_id == "dic")).one()
    assert (row.state, row.attempts, row.claim) == (MailState.SENDING, 2, "run-2")


def test_escalation_goes_to_the_head_and_the_coordinator(loaded: Session, roster: Roster) -> None:
    period = cycle(loaded, roster)
    # police withdraws: it is chased again; 23/06/2023 is 5 working days late
    withdraw_return(loaded, "police", "2023-H1", actor="t")
    got = by_agency(reminders_today(loaded, with_heads(roster), period, date(2023, 6, 23)))
    police = got["police"]
    assert (police.step, police.kind, police.days_left) == ("escalation", ReminderKind.ESCALATION, -5)
    assert police.recipients == [
        *roster.require_agency("police").emails,
        "giamdoc@congan.hungyen.example",
        *roster.require_agency("dic").emails,
    ]
    assert got["dic"].recipients == list(roster.require_agency("dic").emails), "the coordinator once"
    assert got["market-surveillance"].kind is ReminderKind.ESCALATION and got["market-surveillance"].errors
    between = by_agency(reminders_today(loaded, roster, period, date(2023, 6, 20)))
    assert {d.skip for d in between.values()} == {SkipReason.NO_STEP}, "late, but no step due on 20/06"


def test_a_closed_period_chases_nobody(loaded: Session, roster: Roster) -> None:
    period = cycle(loaded, roster)
    set_period_state(loaded, "2023-H1", "closed", actor="t", reason="đã tổng hợp")
    decisions = reminders_today(loaded, roster, period, date(2023, 6, 16))
    assert {d.skip for d in decisions} == {SkipReason.PERIOD_CLOSED}


def test_two_runs_at_once_record_a_step_once(loaded: Session, engine: Engine, roster: Roster) -> None:
    period = cycle(loaded, roster)
    decisions = [d for d in reminders_today(loaded, roster, period, date(2023, 6, 16)) if d.due]
    sessions = make_session_factory(engine)
    start = Barrier(2)

    def run(_: int) -> list[bool]:
        start.wait()
        with sessions() as session:
            return [claim_step(session, "2023-H1", d, f"run-{_}") is not None for d in decisions]

    with ThreadPoolExecutor(max_workers=2) as pool:
        first, second = pool.map(run, range(2))
    assert all(a != b for a, b in zip(first, second, strict=True)), "each step claimed by exactly one run"
    loaded.expire_all()
    assert loaded.scalar(select(func.count()).select_from(ReminderLog)) == len(decisions)
    again = reminders_today(loaded, roster, period, date(2023, 6, 16))
    assert not any(d.due for d in again)


def test_each_group_is_counted_from_its_own_deadline(loaded: Session, roster: Roster) -> None:
    """A roll-up level with an earlier deadline (the districts by Monday 12/06/2023) is a step ahead."""
    period = cycle(loaded, roster)
    period.group_deadlines = {"districts": "2023-06-12"}
    loaded.commit()
    got = by_agency(reminders_today(loaded, roster, period, date(2023, 6, 12)))
    districts = [a.id for a in next(g for g in roster.groups if g.id == "districts").agencies]
    assert {(got[a].step, got[a].days_left, got[a].deadline) for a in districts} == {("deadline", 0, date(2023, 6, 12))}
    assert (got["dic"].step, got["dic"].days_left) == ("before-7", 5), "the others: 18/06 is still a week off"
