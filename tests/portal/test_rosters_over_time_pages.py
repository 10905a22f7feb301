"""An officer's pages with two rosters side by side: a district (2023 roster) and a commune (2026 roster) each see
the periods of their own roster and get that period's form; the other roster's period is not theirs."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session

from agencies.roster import DEFAULT_ROSTER, Roster, load_roster
from schema.accounts import issue_password
from schema.periods import open_period
from schema.roster_store import save_roster
from tests.portal.portal_user import PortalUser

ROSTER_2026 = DEFAULT_ROSTER.parents[1] / "hung-yen-2026" / "roster.yaml"


@pytest.fixture
def both(session: Session, roster: Roster) -> Session:
    save_roster(session, roster, "2023", "test")
    open_period(session, "2024-H2", "test")
    save_roster(session, load_roster(ROSTER_2026), "2026", "test")
    open_period(session, "2025-H2", "test")
    return session


def signed_in(people: Callable[[], PortalUser], session: Session, agency: str) -> PortalUser:
    user = people()
    assert user.sign_in(agency, issue_password(session, "test", agency)).status_code == 303
    return user


def test_each_officer_sees_the_periods_of_its_own_roster(people: Callable[[], PortalUser], both: Session) -> None:
    district = signed_in(people, both, "district-van-lam")
    home = district.get("/agency")
    assert home.status_code == 200 and 'data-period="2024-H2"' in home.text and "UBND huyện Văn Lâm" in home.text
    assert 'data-period="2025-H2"' not in home.text
    form = district.get("/agency/periods/2024-H2/form")
    assert form.status_code == 200 and "2024-H2_district-van-lam.xlsx" in form.headers["content-disposition"]
    assert district.get("/agency/periods/2025-H2/form").status_code == 404
    commune = signed_in(people, both, "commune-nhu-quynh")
    home = commune.get("/agency")
    assert 'data-period="2025-H2"' in home.text and 'data-period="2024-H2"' not in home.text
    assert "UBND xã Như Quỳnh" in home.text
    online = commune.get("/agency/periods/2025-H2/online")
    assert online.status_code == 200 and "UBND cấp xã" in online.text
