"""Fifty submissions from ten agencies at once: exactly the right versions, nothing lost, nothing locked."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from agencies.roster import Roster
from schema.database import make_session_factory
from schema.intake import submit_return
from schema.models import Blob, Return
from schema.receipts import Receipt
from tests.factories import blank_form, fill_form

AGENCIES = [
    ("customs", "violation_cases"),
    ("market-surveillance", "violation_cases"),
    ("industry-trade", "contraband_cases"),
    ("district-van-lam", "violation_cases"),
    ("district-yen-my", "violation_cases"),
    ("district-my-hao", "violation_cases"),
    ("district-an-thi", "violation_cases"),
    ("district-kim-dong", "violation_cases"),
    ("firm-vnpt", "infrastructure_incidents"),
    ("firm-viettel", "infrastructure_incidents"),
]
PER_AGENCY = 5


def test_fifty_concurrent_submissions(loaded: Session, engine: Engine, roster: Roster) -> None:
    files = []
    for agency, code in AGENCIES:
        form = blank_form(roster, agency)
        extra = {"ecommerce_ip_cases": 0} if agency == "industry-trade" else {}
        files += [(agency, fill_form(form, figures={code: n, **extra})) for n in range(PER_AGENCY)]
    assert len(files) == 50
    sessions = make_session_factory(engine)
    start = Barrier(10)

    def send(item: tuple[str, bytes]) -> Receipt:
        agency, data = item
        with sessions() as session:
            return submit_return(session, roster, data, channel="api", actor=f"api:{agency}", agency_id=agency)

    def worker(batch: list[tuple[str, bytes]]) -> list[Receipt]:
        start.wait()
        return [send(item) for item in batch]

    # ten threads, each sending five files of five different agencies, interleaved
    batches = [files[i::10] for i in range(10)]
    with ThreadPoolExecutor(max_workers=10) as pool:
        receipts = [r for batch in pool.map(worker, batches) for r in batch]

    assert len(receipts) == 50 and all(r.accepted and not r.duplicate for r in receipts)
    loaded.expire_all()
    assert loaded.scalar(select(func.count()).select_from(Return)) == 50
    assert loaded.scalar(select(func.count()).select_from(Blob)) == 50
    for agency, _ in AGENCIES:
        rows = loaded.scalars(select(Return).where(Return.agency_id == agency)).all()
        assert sorted(r.version for r in rows) == list(range(1, PER_AGENCY + 1)), agency
        assert [r.status for r in rows].count("accepted") == 1, agency
        latest = max(rows, key=lambda r: r.version)
        assert latest.status == "accepted", agency


def test_the_same_file_sent_ten_times_at_once_is_one_version(loaded: Session, engine: Engine, roster: Roster) -> None:
    data = fill_form(blank_form(roster, "customs"), figures={"violation_cases": 1})
    sessions = make_session_factory(engine)
    start = Barrier(10)

    def send(_: int) -> Receipt:
        start.wait()
        with sessions() as session:
            return submit_return(session, roster, data, channel="api", actor="api:customs", agency_id="customs")

    with ThreadPoolExecutor(max_workers=10) as pool:
        receipts = list(pool.map(send, range(10)))
    assert {r.id for r in receipts} == {receipts[0].id}
    assert sum(not r.duplicate for r in receipts) == 1
    loaded.expire_all()
    assert loaded.scalar(select(func.count()).select_from(Return)) == 1
    assert loaded.scalar(select(func.count()).select_from(Blob)) == 1
