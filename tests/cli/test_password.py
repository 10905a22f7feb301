"""`phoihop password`, run as installed: a portal password shown once, kept hashed, the previous one void."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from agencies.errors import UserError
from schema.accounts import sign_in
from schema.database import make_engine, make_session_factory
from schema.models import Account
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
