"""The last day before a deadline: N uploads at once to the API, or through the portal's upload page.

Run: .venv/bin/python bench/api_load.py [--uploads 100 500] [--workers 1 4]
                                        [--databases sqlite postgresql] [--rounds 3]
                                        [--channels api portal] [--mail smtp files]
Through the portal, each agency's officer is signed in beforehand (a session cookie and the
page's form token, as a browser holds them) and each upload is the upload form's POST,
answered 303 to its receipt.
For each database and worker count it starts `uvicorn --factory portal.app:create_app` on
loopback against a fresh database (roster loaded, 2023-H1 open, one credential per agency),
then, each round, sends every upload at once (distinct filled XLSX forms, one connection
each) and prints latency p50/p99/max and the answers by status. The floor is the same number
of requests at once to a page that touches no database (`/api/v1/openapi.json`), sent in the
same round: `p99 ÷ floor` says what the intake costs over the bare HTTP stack. After the
rounds the database must hold every upload answered 201, each agency's versions 1..n exactly.
Every upload is answered by a receipt mail, sent after the answer: with `--mail smtp` (the default)
to a real SMTP server on loopback (aiosmtpd, as in the tests), which must have received exactly one
mail per receipt the database says was sent, and none left unsent; with `--mail files`, no SMTP
server is configured and each mail is saved as an .eml file in the data folder.
Writes bench/results/api_load.json.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import statistics
import tempfile
import time
import uuid
from collections import Counter
from functools import cache
from pathlib import Path

import httpx
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from agencies.roster import load_roster
from schema.models import ReceiptMail, Return
from tests.factories import ready_database, sample_uploads
from tests.live_server import live_server
from tests.smtp_server import Inbox, SmtpServer

RESULTS = Path(__file__).parent / "results"
ROOT = Path(__file__).parent.parent
POSTGRES_ADMIN_URL = os.environ.get(
    "PHOIHOP_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@cache  # every setting starts from a fresh database: the same forms serve them all
def build_uploads(count: int, round_no: int) -> list[tuple[str, bytes]]:
    return sample_uploads(load_roster(), count, tag=f"{round_no}-")


def encode(base: str, request: dict) -> bytes:
    """The whole HTTP/1.1 request as bytes, encoded by httpx before the clock starts."""
    options = {k: v for k, v in request.items() if k not in ("method", "url")}
    built = httpx.Request(request["method"], base.rstrip("/") + request["url"], **options)
    body = built.read()
    head = f"{built.method} {built.url.raw_path.decode()} HTTP/1.1\r\nHost: {built.url.netloc.decode()}\r\n"
    headers = {k: v for k, v in built.headers.items() if k.lower() not in ("host", "connection")}
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "Connection: close\r\n\r\n"
    return head.encode("latin-1") + body


async def fire(base: str, requests: list[dict], timeout: float) -> list[tuple[int, float]]:
    """Send every request at once, each on its own connection, as a load generator (wrk) would:
    the requests are encoded beforehand so the client spends almost nothing while the clock runs.
    (status or 0 for a transport error, seconds) each."""
    url = httpx.URL(base)
    raw = [encode(base, r) for r in requests]

    async def one(data: bytes) -> tuple[int, float]:
        start = time.perf_counter()
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_connection(url.host, url.port)
                writer.write(data)
                await writer.drain()
                answer = await reader.read()  # Connection: close — the whole response, to EOF
                writer.close()
            return int(answer.split(b" ", 2)[1]), time.perf_counter() - start
        except (OSError, TimeoutError, IndexError, ValueError):
            return 0, time.perf_counter() - start

    return await asyncio.gather(*(one(data) for data in raw))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def check_versions(url: str) -> dict[str, object]:
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            select(Return.agency_id, func.count(), func.min(Return.version), func.max(Return.version)).group_by(
                Return.agency_id
            )
        ).all()
    engine.dispose()
    stored = sum(count for _, count, _, _ in rows)
    exact = all(low == 1 and high == count for _, count, low, high in rows)
    return {"stored": stored, "versions_exact": exact}


def mail_outcome(url: str, inbox: Inbox | None, wait: float = 120) -> dict[str, object]:
    """Where the receipt mails stand once they have had `wait` seconds to leave: by state, and (SMTP) received."""
    engine = create_engine(url)
    deadline = time.monotonic() + wait
    while True:
        with engine.connect() as connection:
            states = dict(connection.execute(select(ReceiptMail.state, func.count()).group_by(ReceiptMail.state)).all())
        unsettled = sum(n for state, n in states.items() if state in ("pending", "sending", "deferred"))
        if not unsettled or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    engine.dispose()
    received = len(inbox.messages) if inbox is not None else None
    return {"mails": states, "mails_received": received, "mails_exact": inbox is None or received == states.get("sent")}


def run_setting(
    database: str, workers: int, uploads: int, rounds: int, timeout: float, channel: str, mail: str
) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        if database == "sqlite":
            url, drop = f"sqlite:///{tmp}/phoihop.db", None
        else:
            name = f"phoihop_bench_{uuid.uuid4().hex[:10]}"
            admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
            drop = (admin, name)
        try:
            roster = load_roster()
            agencies = [agency.id for agency in roster.agencies()]
            tokens = ready_database(url, roster, agencies)
            smtp = SmtpServer((Path(tmp) / "unused.crt", Path(tmp) / "unused.key")).start() if mail == "smtp" else None
            settings = {k.removeprefix("PHOIHOP_").lower(): v for k, v in (smtp.environment() if smtp else {}).items()}
            try:
                with live_server(url, Path(tmp) / "server.log", workers=workers, **settings) as server:
                    sender = ApiSender(tokens) if channel == "api" else PortalSender(server.url, url, agencies)
                    outcome = measure(server.url, sender, url, uploads, rounds, timeout)
                    return {**outcome, **mail_outcome(url, smtp.inbox if smtp else None)}
            finally:
                if smtp is not None:
                    smtp.stop()
        finally:
            if drop:
                admin, name = drop
                with admin.connect() as connection:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()


class ApiSender:
    """Uploads as an agency's client program sends them: its bearer token, `201` for a new version."""

    created = "201"

    def __init__(self, tokens: dict[str, str]) -> None:
        self.tokens = tokens

    def request(self, agency: str, data: bytes) -> dict:
        return {
            "method": "POST",
            "url": "/api/v1/returns",
            "headers": {"Authorization": f"Bearer {self.tokens[agency]}"},
            "files": {"file": (f"{agency}.xlsx", data, XLSX)},
        }


class PortalSender:
    """Uploads as officers send them from the upload page: signed in, the page's form token, `303` to the receipt."""

    created = "303"

    def __init__(self, base: str, url: str, agencies: list[str]) -> None:
        from schema.accounts import issue_password
        from schema.database import make_engine, make_session_factory
        from tests.portal.portal_user import PortalUser, form_token

        engine = make_engine(url)
        with make_session_factory(engine)() as session:
            passwords = {agency: issue_password(session, "bench", agency) for agency in agencies}
        engine.dispose()
        self.sessions: dict[str, tuple[str, str]] = {}
        for agency, password in passwords.items():
            user = PortalUser(base)
            assert user.sign_in(agency, password).status_code == 303, agency
            token = form_token(user.get("/agency").text)
            self.sessions[agency] = (f"phoihop_session={user.cookies['phoihop_session']}", token)
            user.close()

    def request(self, agency: str, data: bytes) -> dict:
        cookie, token = self.sessions[agency]
        return {
            "method": "POST",
            "url": "/agency/periods/2023-H1/returns",
            "headers": {"Cookie": cookie},
            "data": {"csrf": token},
            "files": {"file": (f"{agency}.xlsx", data, XLSX)},
        }


def measure(base: str, sender: ApiSender | PortalSender, url: str, uploads: int, rounds: int, timeout: float) -> dict:
    warm = build_uploads(len(sender_agencies(sender)), round_no=0)  # one upload per agency: warms every worker
    asyncio.run(fire(base, [sender.request(a, d) for a, d in warm], timeout))
    latencies, floors, answers = [], [], Counter()
    per_round = []
    for round_no in range(1, rounds + 1):
        requests = [sender.request(a, d) for a, d in build_uploads(uploads, round_no)]
        floor = asyncio.run(fire(base, [{"method": "GET", "url": "/api/v1/openapi.json"}] * uploads, timeout))
        results = asyncio.run(fire(base, requests, timeout))
        times = [t for _, t in results]
        latencies += times
        floors += [t for _, t in floor]
        answers.update(str(status) for status, _ in results)
        per_round.append({"p50": statistics.median(times), "p99": percentile(times, 99), "max": max(times)})
    created = answers.get(sender.created, 0) + len(warm)
    outcome = check_versions(url)
    return {
        "answers": dict(answers),
        "p50_s": statistics.median(latencies),
        "p99_s": percentile(latencies, 99),
        "max_s": max(latencies),
        "floor_p99_s": percentile(floors, 99),
        "p99_over_floor": percentile(latencies, 99) / percentile(floors, 99),
        "rounds": per_round,
        "p99_by_round_min_median_max": [
            min(r["p99"] for r in per_round),
            statistics.median(r["p99"] for r in per_round),
            max(r["p99"] for r in per_round),
        ],
        "all_201_stored": outcome["stored"] == created,
        **outcome,
    }


def sender_agencies(sender: ApiSender | PortalSender) -> list[str]:
    return list(sender.tokens if isinstance(sender, ApiSender) else sender.sessions)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--uploads", type=int, nargs="+", default=[100, 500])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--channels", nargs="+", default=["api", "portal"], choices=["api", "portal"])
    parser.add_argument("--mail", nargs="+", default=["smtp"], choices=["smtp", "files"])
    args = parser.parse_args()
    results = []
    header = f"{'mail':<6}{'channel':<8}{'database':<11}{'workers':>8}{'at once':>8}{'p50 s':>8}{'p99 s':>8}{'max s':>8}{'p99÷floor':>10}  answers"
    print(header)
    for mail, channel, database, workers, uploads in itertools.product(
        args.mail, args.channels, args.databases, args.workers, args.uploads
    ):
        outcome = run_setting(database, workers, uploads, args.rounds, args.timeout, channel, mail)
        results.append(
            {"mail": mail, "channel": channel, "database": database, "workers": workers, "uploads": uploads, **outcome}
        )
        print(
            f"{mail:<6}{channel:<8}{database:<11}{workers:>8}{uploads:>8}{outcome['p50_s']:>8.2f}{outcome['p99_s']:>8.2f}"
            f"{outcome['max_s']:>8.2f}{outcome['p99_over_floor']:>10.1f}  {outcome['answers']}"
            f"  stored={outcome['stored']} exact={outcome['versions_exact']}"
            f"  mails={outcome['mails']} received={outcome['mails_received']} exact={outcome['mails_exact']}",
            flush=True,
        )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "api_load.json").write_text(json.dumps({"rounds": args.rounds, "results": results}, indent=2))


if __name__ == "__main__":
    main()
