"""Uploads left half-done are finished at the next start, or listed; refused ones with no period are listed."""

import hashlib
import json
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from threading import Barrier

import pytest
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from agencies.errors import UserError
from agencies.roster import Roster
from schema import intake
from schema.database import make_session_factory
from schema.history import agency_history
from schema.intake import submit_return
from schema.models import Blob, PendingUpload, Period, Return
from schema.recovery import MAX_ATTEMPTS, finish_unfinished_uploads
from schema.unseen import unassigned_uploads, unfinished_reason, unfinished_uploads
from tests.factories import POLICE_FIGURES, RECEIVED, filled_form, json_return, left_by_a_killed_run


def as_json(listed: object) -> str:
    """As `status --json` and the API print it (pydantic serialises the listing's dataclass)."""
    from pydantic import TypeAdapter

    return TypeAdapter(type(listed)).dump_json(listed).decode()


def count(session: Session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_a_left_upload_is_finished_with_its_own_time_and_sender(loaded: Session, roster: Roster) -> None:
    data = filled_form(roster, "police", figures=POLICE_FIGURES)
    left_by_a_killed_run(loaded, data)
    recovery = finish_unfinished_uploads(loaded)
    assert len(recovery.finished) == 1 and recovery.failed == []
    upload, receipt = recovery.finished[0]
    assert receipt.accepted and receipt.version == 1 and upload.filename == "cong-an.xlsx"
    row = loaded.get(Return, receipt.id)
    assert (row.channel, row.actor, row.filename, row.received_at) == ("api", "api:police", "cong-an.xlsx", RECEIVED)
    assert count(loaded, PendingUpload) == 0 and unfinished_uploads(loaded) == []
    assert finish_unfinished_uploads(loaded).finished == []  # nothing twice


def test_a_young_upload_is_left_to_its_run_but_listed(loaded: Session, roster: Roster) -> None:
    data = filled_form(roster, "police", figures=POLICE_FIGURES)
    left_by_a_killed_run(loaded, data, taken_at=datetime.now(UTC) - timedelta(seconds=5))
    assert finish_unfinished_uploads(loaded).finished == []
    listed = unfinished_uploads(loaded)
    assert [(u.filename, u.agency, u.sha256, u.attempts) for u in listed] == [
        ("cong-an.xlsx", "police", hashlib.sha256(data).hexdigest(), 0)
    ]
    assert as_json(listed[0])  # plain JSON for `status --json`
    assert len(finish_unfinished_uploads(loaded, grace=timedelta(0)).finished) == 1


def test_bytes_already_accepted_are_not_counted_twice(loaded: Session, roster: Roster) -> None:
    data = filled_form(roster, "police", figures=POLICE_FIGURES)
    first = submit_return(loaded, roster, data, channel="cli", actor="test", agency_id="police")
    left_by_a_killed_run(loaded, data)  # the same file sent again, the run killed before its receipt
    (_, receipt), *_ = finish_unfinished_uploads(loaded).finished
    assert receipt.duplicate and receipt.id == first.id and receipt.version == 1
    assert count(loaded, Return) == 1 and count(loaded, PendingUpload) == 0


def test_left_uploads_of_one_agency_get_exact_versions_in_order(loaded: Session, roster: Roster) -> None:
    files = [filled_form(roster, "police", figures={**POLICE_FIGURES, "accounts_removed": n}) for n in (1, 2, 3)]
    submit_return(loaded, roster, files[0], channel="cli", actor="test", now=RECEIVED - timedelta(minutes=5))
    for minute, data in enumerate(files[1:]):
        left_by_a_killed_run(loaded, data, received_at=RECEIVED + timedelta(minutes=minute))
    finished = finish_unfinished_uploads(loaded).finished
    assert [r.version for _, r in finished] == [2, 3]
    rows = loaded.scalars(select(Return).where(Return.agency_id == "police").order_by(Return.version)).all()
    assert [(r.version, r.status) for r in rows] == [(1, "superseded"), (2, "superseded"), (3, "accepted")]


def break_the_intake(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug past the reader's guard (simulated: the duplicate check raises)."""

    def broken_check(*args, **kwargs):
        raise RuntimeError("intake crashed")

    monkeypatch.setattr(intake, "_same_as_latest", broken_check)


def test_an_upload_that_cannot_be_finished_is_tried_a_few_times_then_listed(
    loaded: Session, roster: Roster, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A bug must not stop every start, nor lose the upload; users read why in Vietnamese, the log says what.

    (A crash of the reader itself is a refusal with code `internal_error`, which finishes the upload.)
    """
    break_the_intake(monkeypatch)
    left = left_by_a_killed_run(loaded, filled_form(roster, "police", figures=POLICE_FIGURES))
    later = datetime.now(UTC)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        later += timedelta(minutes=5)
        with caplog.at_level(logging.ERROR, logger="schema.recovery"):
            recovery = finish_unfinished_uploads(loaded, now=later)
        assert [(u.attempts, u.error_code, u.error) for u in recovery.failed] == [
            (attempt, "internal_error", unfinished_reason("internal_error"))
        ]
    assert finish_unfinished_uploads(loaded, now=later + timedelta(hours=1)).failed == []  # given up on
    (listed,) = unfinished_uploads(loaded)
    assert (listed.attempts, listed.error_code) == (MAX_ATTEMPTS, "internal_error")
    assert "lỗi nội bộ" in listed.error and "RuntimeError" not in listed.error
    loaded.refresh(left)
    assert left.last_error == "internal_error"  # the code is kept; the exception is in the log only
    logged = [r for r in caplog.records if r.name == "schema.recovery"]
    assert len(logged) == MAX_ATTEMPTS and all(r.exc_info and "intake crashed" in str(r.exc_info[1]) for r in logged)
    assert count(loaded, Return) == 0 and count(loaded, Blob) == 1


def test_an_error_text_kept_by_an_earlier_version_is_shown_as_an_internal_error(
    loaded: Session, roster: Roster
) -> None:
    left = left_by_a_killed_run(loaded, filled_form(roster, "police", figures=POLICE_FIGURES))
    left.attempts, left.last_error = MAX_ATTEMPTS, "RuntimeError: intake crashed"
    loaded.commit()
    (listed,) = unfinished_uploads(loaded)
    assert (listed.error_code, listed.error) == ("internal_error", unfinished_reason("internal_error"))
    assert json.loads(as_json(listed))["error"] == unfinished_reason("internal_error")


def test_an_upload_finished_elsewhere_meanwhile_is_not_recorded_twice(
    loaded: Session, engine: Engine, roster: Roster, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run that stored the upload comes back after a recovery took it: it records nothing."""
    checked = intake.check_return

    def taken_meanwhile(*args, **kwargs):
        with make_session_factory(engine)() as other:
            other.execute(delete(PendingUpload))
            other.commit()
        return checked(*args, **kwargs)

    monkeypatch.setattr(intake, "check_return", taken_meanwhile)
    with pytest.raises(UserError) as raised:
        submit_return(loaded, roster, filled_form(roster, "police", figures=POLICE_FIGURES), channel="cli", actor="t")
    assert raised.value.code == "upload_taken_over" and raised.value.status == 409
    assert count(loaded, Return) == 0 and count(loaded, Blob) == 1


def test_two_starts_at_once_finish_each_upload_once(loaded: Session, engine: Engine, roster: Roster) -> None:
    agencies = ["police", "customs", "market-surveillance", "police", "customs"]
    for n, agency in enumerate(agencies):
        figures = POLICE_FIGURES if agency == "police" else {"violation_cases": n}
        data = filled_form(
            roster, agency, figures={**figures, "accounts_removed": n} if agency == "police" else figures
        )
        left_by_a_killed_run(loaded, data, agency_hint=agency, received_at=RECEIVED + timedelta(minutes=n))
    sessions = make_session_factory(engine)
    start = Barrier(2)

    def recover(_: int) -> int:
        start.wait()
        with sessions() as session:
            return len(finish_unfinished_uploads(session).finished)

    with ThreadPoolExecutor(max_workers=2) as pool:
        assert sum(pool.map(recover, range(2))) == len(agencies)
    loaded.expire_all()
    assert count(loaded, Return) == len(agencies) and count(loaded, PendingUpload) == 0
    for agency in set(agencies):
        versions = loaded.scalars(select(Return.version).where(Return.agency_id == agency)).all()
        assert sorted(versions) == list(range(1, agencies.count(agency) + 1))


@pytest.mark.parametrize(
    ("period", "code"),
    [(None, "json_shape"), ("2023-H9", "invalid_period")],
)
def test_a_refused_upload_with_no_readable_period_is_listed(
    loaded: Session, roster: Roster, period: str | None, code: str
) -> None:
    document = json.loads(json_return("customs", "2023-H1", "customs@1", {"violation_cases": 1}))
    if period is None:
        del document["period"]
    else:
        document["period"] = period
    receipt = submit_return(
        loaded, roster, json.dumps(document).encode(), channel="api", actor="api:customs", filename="hq.json"
    )
    assert not receipt.accepted and receipt.period is None
    h1 = loaded.get(Period, "2023-H1")
    (listed,) = unassigned_uploads(loaded, h1)
    assert (listed.return_id, listed.agency, listed.filename, listed.code) == (
        receipt.id,
        "customs",
        "hq.json",
        code,
    )
    assert listed.message and as_json(listed)
    entries = agency_history(loaded, "customs", "2023-H1")
    assert [(e.action, e.period_unknown) for e in entries if e.return_id == receipt.id] == [
        ("received", True),
        ("invalid", True),
    ]
    assert not [e for e in agency_history(loaded, "police", "2023-H1") if e.return_id == receipt.id]


def test_a_period_read_but_not_open_is_not_unassigned(loaded: Session, roster: Roster) -> None:
    data = json_return("customs", "2023-H2", "customs@1", {"violation_cases": 1})
    receipt = submit_return(loaded, roster, data, channel="api", actor="api:customs")
    assert [p.code for p in receipt.errors] == ["unknown_period"]
    assert unassigned_uploads(loaded, loaded.get(Period, "2023-H1")) == []


def test_an_upload_finished_late_never_replaces_a_newer_return_of_the_agency(loaded: Session, roster: Roster) -> None:
    """Killed mid-upload, then the agency sent a corrected file at once: the late-finished older one is kept, not current."""
    older = filled_form(roster, "police", figures=POLICE_FIGURES)
    left_by_a_killed_run(loaded, older, received_at=datetime.now(UTC) - timedelta(minutes=3))
    newer = filled_form(roster, "police", figures={**POLICE_FIGURES, "fraud_cases": 5})
    current = submit_return(loaded, roster, newer, channel="api", actor="api:police", agency_id="police")
    assert current.accepted and current.version == 1

    (finished,) = finish_unfinished_uploads(loaded).finished
    rows = loaded.scalars(select(Return).order_by(Return.received_at)).all()
    assert [(r.sha256 == finished[1].sha256, r.version, r.status) for r in rows] == [
        (True, 2, "superseded"),
        (False, 1, "accepted"),
    ]
    assert loaded.scalar(select(Return.id).where(Return.status == "accepted")) == current.id


def test_a_finished_uploads_note_id_is_never_given_to_a_later_upload(loaded: Session, roster: Roster) -> None:
    """Else a slow process deleting its own note after a recovery took it over would delete a newer upload's note."""
    first = left_by_a_killed_run(loaded, filled_form(roster, "police", figures=POLICE_FIGURES))
    first_id = first.id
    finish_unfinished_uploads(loaded)
    assert count(loaded, PendingUpload) == 0
    loaded.expunge_all()
    later = left_by_a_killed_run(loaded, json_return("customs", "2023-H1", "customs@1", {}), agency_hint="customs")
    assert later.id > first_id
