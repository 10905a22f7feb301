"""The words around a figure are kept with it and read back for the report, on SQLite and PostgreSQL."""

from sqlalchemy.orm import Session

from agencies.figure_words import FigureWords
from agencies.roster import Roster
from schema.intake import submit_return
from schema.snapshot import load_period_returns
from tests.factories import POLICE_FIGURES, filled_form, json_return

LONGEST_STATUS = "đang xác minh " * 35 + "x" * 10  # 500 characters: the bound of its column


def test_words_from_a_form_are_kept_to_the_column_s_bound(loaded: Session, roster: Roster) -> None:
    assert len(LONGEST_STATUS) == 500
    figures = {
        **POLICE_FIGURES,
        "fraud_cases": {
            "value": 4,
            "qualifier": "khoảng",
            "trend": "có chiều hướng gia tăng",
            "status": LONGEST_STATUS,
        },
    }
    receipt = submit_return(loaded, roster, filled_form(roster, "police", figures=figures), channel="cli", actor="t")
    assert receipt.accepted, [p.message for p in receipt.problems]
    [kept] = load_period_returns(loaded, "2023-H1").returns
    assert kept.figures["fraud_cases"].words == FigureWords("khoảng", "có chiều hướng gia tăng", LONGEST_STATUS)
    assert kept.figures["fraud_cases"].value == 4
    assert kept.figures["fraud_damage"].words == FigureWords()


def test_words_from_json_are_kept_and_a_bad_one_keeps_nothing(loaded: Session, roster: Roster) -> None:
    indicators = {**POLICE_FIGURES, "online_gambling_cases": {"value": 1, "status": "đang xác minh"}}
    good = json_return("police", "2023-H1", "police@1", indicators)
    assert submit_return(loaded, roster, good, channel="api", actor="t").accepted
    bad = json_return("police", "2023-H1", "police@1", {**indicators, "fraud_cases": {"value": 4, "qualifier": "ít"}})
    refused = submit_return(loaded, roster, bad, channel="api", actor="t")
    assert [(p.code, p.field) for p in refused.problems] == [("qualifier_unknown", "indicators.fraud_cases.qualifier")]
    [kept] = load_period_returns(loaded, "2023-H1").returns
    assert kept.version == 1 and kept.figures["online_gambling_cases"].words == FigureWords(status="đang xác minh")
