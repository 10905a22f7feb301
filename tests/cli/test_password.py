"""`phoihop password`, run as installed: a portal password shown once, kept hashed, the previous one void."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from agencies.errors import UserError
from agencies.roster import load_roster
from schema.accounts import PASSWORD_ALPHABET, issue_password, sign_in
from schema.database import make_engine, make_session_factory
from schema.migrate import upgrade_to_head
from schema.models import Account
from schema.roster_store import save_roster
from tests.cli.command import one_line, phoihop


def test_a_password_signs_in_until_the_next_one_is_issued(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    assert phoihop(data_dir, "init").returncode == 0
    first = phoihop(data_dir, "password", "police")
    assert first.returncode == 0, first.stderr
    assert "Tên đăng nhập của đơn vị police: police" in first.stdout
    old = first.stdout.strip().splitlines()[-1]
    new = phoihop(data_dir, "password", "police").stdout.strip().splitlines()[-1]
    coordinator = phoihop(data_dir, "password", "--coordinator")
    assert "Tên đăng nhập của cơ quan tổng hợp: coordinator" in coordinator.stdout

    engine = make_engine(f"sqlite:///{data_dir / 'phoihop.db'}")
    try:
        with make_session_factory(engine)() as session:
            stored = session.scalars(select(Account).where(Account.login == "police")).one()
            assert stored.password_hash.startswith("$argon2id$") and new not in stored.password_hash
            with pytest.raises(UserError) as refused:
                sign_in(session, "police", old, "127.0.0.1")
            assert refused.value.code == "sign_in_failed"
            assert sign_in(session, "police", new, "127.0.0.1")[1].agency_id == "police"
            password = coordinator.stdout.strip().splitlines()[-1]
            assert sign_in(session, "coordinator", password, None)[1].is_coordinator
    finally:
        engine.dispose()

    assert one_line(phoihop(data_dir, "password")).startswith("Lỗi: Hãy ghi mã đơn vị")
    assert "poli" in one_line(phoihop(data_dir, "password", "polise"))  # the nearest ids are suggested


def test_an_issued_password_reads_out_unambiguously(tmp_path: Path) -> None:
    """Read over the phone or copied by hand: no sign, no 0/O or 1/l/I to mistake, long enough."""
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    upgrade_to_head(engine)
    with make_session_factory(engine)() as session:
        save_roster(session, load_roster(), "test", "test")
        passwords = [issue_password(session, "test", "police") for _ in range(20)]
    engine.dispose()
    assert all(len(p) == 16 and set(p) <= set(PASSWORD_ALPHABET) for p in passwords)
    assert not set("0O1lI-_") & set(PASSWORD_ALPHABET) and len(set(passwords)) == 20
