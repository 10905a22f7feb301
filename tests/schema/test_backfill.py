"""Back-filling through the one intake: a return received outside the system keeps its real receipt time, is marked,
audited, mails nobody, and a run killed half-way is finished as the same back-filled return."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agencies.errors import UserError
from agencies.roster import Roster
from agencies.states import ReceivedVia
from schema.backfill import Backfill
from schema.intake import submit_return
from schema.models import AuditEntry, PendingUpload, ReceiptMail, Return
from schema.recovery import finish_unfinished_uploads
from tests.factories import POLICE_FIGURES, RECEIVED, filled_form, left_by_a_killed_run


def count(session: Session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_a_back_filled_duplicate_mails_nobody_either(loaded: Session, roster: Roster) -> None:
    data = filled_form(roster, "police", figures=POLICE_FIGURES)
    paper = Backfill(ReceivedVia.PAPER, RECEIVED)
    first = submit_return(loaded, roster, data, channel="cli", actor="cli:sở", agency_id="police", backfill=paper)
    again = submit_return(loaded, roster, data, channel="cli", actor="cli:sở", agency_id="police", backfill=paper)
    assert first.received_via == ReceivedVia.PAPER and first.entered_by == "cli:sở" and first.entered_at is not None
    assert again.duplicate and again.id == first.id
    assert count(loaded, ReceiptMail) == 0


def test_an_upload_through_the_system_is_not_marked_and_is_answered_by_mail(loaded: Session, roster: Roster) -> None:
    data = filled_form(roster, "police", figures=POLICE_FIGURES)
    receipt = submit_return(loaded, roster, data, channel="api", actor="api:police", agency_id="police")
    assert (receipt.received_via, receipt.entered_at, receipt.entered_by) == (None, None, None)
    assert count(loaded, ReceiptMail) == 1
    assert (
        count(loaded, AuditEntry)
        and not loaded.scalars(select(AuditEntry).where(AuditEntry.action == "backfilled")).all()
    )


def test_a_receipt_time_a_minute_ahead_is_refused_and_nothing_kept(loaded: Session, roster: Roster) -> None:
    data = filled_form(roster, "police", figures=POLICE_FIGURES)
    ahead = Backfill(ReceivedVia.EMAIL, datetime.now(UTC) + timedelta(minutes=1), field="Thời điểm nhận")
    with pytest.raises(UserError) as refused:
        submit_return(
            loaded, roster, data, channel="portal", actor="portal:coordinator", agency_id="police", backfill=ahead
        )
    assert refused.value.code == "received_at_in_future" and refused.value.field == "received_at"
    assert count(loaded, Return) == 0 and count(loaded, PendingUpload) == 0


def test_a_killed_back_fill_is_finished_as_the_same_back_filled_return(loaded: Session, roster: Roster) -> None:
    data = filled_form(roster, "police", figures=POLICE_FIGURES)
    left_by_a_killed_run(loaded, data, channel="cli", actor="cli:sở", received_via="email")
    ((upload, receipt),) = finish_unfinished_uploads(loaded).finished
    row = loaded.get(Return, receipt.id)
    assert (row.received_via, row.received_at, row.actor) == ("email", RECEIVED, "cli:sở")
    assert receipt.accepted and count(loaded, ReceiptMail) == 0
    audit = loaded.scalars(select(AuditEntry).where(AuditEntry.action == "backfilled")).one()
    assert audit.detail["via"] == "email" and audit.detail["received_at"] == RECEIVED.isoformat()
