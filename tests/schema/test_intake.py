"""Keeping returns, on SQLite and PostgreSQL: raw bytes first, versions, duplicates, audit."""

import hashlib

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agencies.roster import Roster
from schema.intake import submit_return
from schema.models import AuditEntry, Blob, Period, Return, ReturnValue
from schema.withdrawal import WithdrawError, withdraw_return
from tests.factories import POLICE_FIGURES, filled_form, json_return


def submit(session: Session, roster: Roster, data: bytes, **kwargs):
    return submit_return(session, roster, data, channel="cli", actor="test", filename="r.xlsx", **kwargs)


def test_an_accepted_return_is_version_1_with_values_and_cells(loaded: Session, roster: Roster) -> None:
    data = filled_form(
        roster, "police", figures=POLICE_FIGURES, narrative={"activities": ["Đã phát hiện 22 trường hợp."]}
    )
    receipt = submit(loaded, roster, data, agency_id="police")
    assert receipt.accepted and receipt.version == 1 and not receipt.duplicate
    assert receipt.sha256 == hashlib.sha256(data).hexdigest()
    row = loaded.get(Return, receipt.id)
    assert (row.agency_id, row.period_id, row.form_ref, row.status) == ("police", "2023-H1", "police@1", "accepted")
    assert row.narrative == {"activities": ["Đã phát hiện 22 trường hợp."]}
    values = {v.code: (v.value, v.sheet, v.cell) for v in row.values}
    assert values["fraud_damage"][0] == 1_526_950_000
    assert values["fraud_damage"][1] == "Số liệu" and values["fraud_damage"][2].startswith("D")
    assert loaded.get(Blob, receipt.sha256).content == data


def test_a_resubmission_is_version_2_and_version_1_is_kept(loaded: Session, roster: Roster) -> None:
    first = submit(loaded, roster, filled_form(roster, "police", figures=POLICE_FIGURES))
    second = submit(loaded, roster, filled_form(roster, "police", figures={**POLICE_FIGURES, "fraud_cases": 5}))
    assert (first.version, second.version) == (1, 2)
    old, new = loaded.get(Return, first.id), loaded.get(Return, second.id)
    loaded.refresh(old)
    assert (old.status, new.status) == ("superseded", "accepted")
    assert {v.code: v.value for v in old.values}["fraud_cases"] == 4
    assert {v.code: v.value for v in new.values}["fraud_cases"] == 5
    actions = loaded.scalars(select(AuditEntry.action).where(AuditEntry.agency_id == "police").order_by(AuditEntry.id))
    assert list(actions) == ["received", "accepted", "received", "superseded", "accepted"]


def test_an_identical_reupload_creates_no_version(loaded: Session, roster: Roster) -> None:
    data = filled_form(roster, "police", figures=POLICE_FIGURES)
    first = submit(loaded, roster, data)
    again = submit(loaded, roster, data)
    assert again.duplicate and again.id == first.id and again.version == 1
    assert loaded.scalar(select(func.count()).select_from(Return)) == 1
    assert loaded.scalar(select(func.count()).select_from(Blob)) == 1
    assert loaded.scalar(select(func.count()).where(AuditEntry.action == "duplicate")) == 1


def test_resending_an_older_version_after_a_newer_one_is_a_correction(loaded: Session, roster: Roster) -> None:
    v1 = filled_form(roster, "police", figures=POLICE_FIGURES)
    submit(loaded, roster, v1)
    submit(loaded, roster, filled_form(roster, "police", figures={**POLICE_FIGURES, "fraud_cases": 9}))
    assert submit(loaded, roster, v1).version == 3


def test_versions_are_counted_per_agency(loaded: Session, roster: Roster) -> None:
    submit(loaded, roster, filled_form(roster, "police", figures=POLICE_FIGURES))
    customs = submit(loaded, roster, filled_form(roster, "customs", figures={"violation_cases": 0}))
    assert customs.version == 1


def test_bad_input_is_refused_but_its_bytes_are_kept(loaded: Session, roster: Roster) -> None:
    cases = {
        "text in a count cell": (
            filled_form(roster, "police", figures={**POLICE_FIGURES, "fraud_cases": "bốn"}),
            None,
            "not_a_number",
        ),
        "negative count": (
            filled_form(roster, "police", figures={**POLICE_FIGURES, "accounts_removed": -1}),
            None,
            "negative",
        ),
        "another agency's form": (filled_form(roster, "police", figures=POLICE_FIGURES), "customs", "agency_mismatch"),
        "not an XLSX": ("Kính gửi Sở, đơn vị xin gửi báo cáo.".encode(), "police", "not_a_spreadsheet"),
        "wrong period": (filled_form(roster, "police", "2022-H2", figures=POLICE_FIGURES), None, "unknown_period"),
    }
    for name, (data, sender, code) in cases.items():
        receipt = submit(loaded, roster, data, agency_id=sender)
        assert not receipt.accepted, name
        assert code in [p.code for p in receipt.problems], name
        assert receipt.version is None, name
        assert loaded.get(Blob, hashlib.sha256(data).hexdigest()).content == data, name
        row = loaded.get(Return, receipt.id)
        assert row.status == "invalid" and row.problems, name
    assert loaded.scalar(select(func.count()).select_from(ReturnValue)) == 0
    wrong_period = loaded.scalars(select(Return).where(Return.claimed_period == "2022-H2")).one()
    assert wrong_period.period_id is None and wrong_period.agency_id == "police"
    unreadable = loaded.scalars(select(Return).where(Return.format == "unknown")).one()
    assert unreadable.agency_id == "police", "filed under its sender"


def test_a_refused_upload_does_not_disturb_the_accepted_version(loaded: Session, roster: Roster) -> None:
    good = submit(loaded, roster, filled_form(roster, "police", figures=POLICE_FIGURES))
    submit(loaded, roster, filled_form(roster, "police", figures={**POLICE_FIGURES, "fraud_cases": -4}))
    assert loaded.get(Return, good.id).status == "accepted"


def test_a_closed_period_takes_no_returns(loaded: Session, roster: Roster) -> None:
    loaded.get(Period, "2023-H1").state = "locked"
    loaded.commit()
    receipt = submit(loaded, roster, filled_form(roster, "police", figures=POLICE_FIGURES))
    assert [p.code for p in receipt.problems] == ["period_closed"]
    assert "Thông tin" in receipt.problems[0].message


def test_json_returns_share_the_intake(loaded: Session, roster: Roster) -> None:
    receipt = submit(loaded, roster, json_return("customs", "2023-H1", "customs@1", {"violation_cases": 0}))
    assert receipt.accepted and receipt.version == 1
    row = loaded.get(Return, receipt.id)
    assert row.format == "json" and [(v.code, v.field) for v in row.values] == [
        ("violation_cases", "indicators.violation_cases")
    ]


def test_withdrawal_keeps_the_return_and_a_resend_is_a_new_version(loaded: Session, roster: Roster) -> None:
    data = filled_form(roster, "police", figures=POLICE_FIGURES)
    first = submit(loaded, roster, data)
    row = withdraw_return(loaded, "police", "2023-H1", "api:police", "gửi nhầm")
    assert row.id == first.id and row.status == "withdrawn"
    assert loaded.get(Blob, first.sha256).content == data, "withdrawn, not deleted"
    with pytest.raises(WithdrawError, match="không có báo cáo hợp lệ"):
        withdraw_return(loaded, "police", "2023-H1", "api:police")
    again = submit(loaded, roster, data)
    assert not again.duplicate and again.accepted and again.version == 2
    actions = loaded.scalars(select(AuditEntry.action).where(AuditEntry.agency_id == "police").order_by(AuditEntry.id))
    assert list(actions) == ["received", "accepted", "withdrawn", "received", "accepted"]
    assert loaded.scalars(select(AuditEntry.actor).where(AuditEntry.action == "withdrawn")).one() == "api:police"
