"""The documentation keeps up with the code: every roster and form key is explained."""

from pathlib import Path

import pytest
from pydantic import BaseModel

from agencies.calendar import DayOfMonth, PeriodRule
from agencies.forms import Form, Indicator, IndicatorGroup, NarrativeSection
from agencies.reminders import ReminderPlan
from agencies.roster import Agency, Coordinator, Group, Regulation, ReportWords, Roster

DOCS = Path(__file__).parents[1] / "docs"


@pytest.mark.parametrize(
    "model",
    [
        Roster,
        Group,
        Agency,
        Coordinator,
        Regulation,
        ReportWords,
        PeriodRule,
        DayOfMonth,
        ReminderPlan,
        Form,
        IndicatorGroup,
        Indicator,
        NarrativeSection,
    ],
)
def test_every_roster_and_form_key_is_documented(model: type[BaseModel]) -> None:
    text = (DOCS / "roster.md").read_text(encoding="utf-8")
    missing = [key for key in model.model_fields if f"`{key}`" not in text and f"{key}:" not in text]
    assert missing == []


def test_every_error_code_is_explained_to_officers() -> None:
    from agencies.problems import MESSAGES

    text = (DOCS / "returns.md").read_text(encoding="utf-8")
    assert [code for code in MESSAGES if f"`{code}`" not in text] == []


def test_every_setting_is_documented_for_the_administrator() -> None:
    from schema.settings import Settings

    text = (DOCS / "operations.md").read_text(encoding="utf-8")
    assert [name for name in Settings.model_fields if f"`PHOIHOP_{name.upper()}`" not in text] == []
