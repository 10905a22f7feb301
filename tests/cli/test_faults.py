"""Faults of the world around the CLI: one Vietnamese line, an exit code, the traceback in the log only."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from schema.database import make_engine, make_session_factory
from schema.models import Blob, Return
from tests.cli.command import log_named_in, one_line, phoihop
from tests.factories import POLICE_FIGURES, fill_form
from tests.small_disk import fill
from tests.small_disk import small_disk as mounted_small_disk

EXIT_USER_ERROR = 1
EXIT_SERVICE_FAULT = 3
UNREACHABLE_POSTGRES = "postgresql+psycopg://postgres:secret@127.0.0.1:1/phoihop"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "var"


@pytest.fixture
def any_file(tmp_path: Path) -> Path:
    path = tmp_path / "bao-cao.json"
    path.write_text('{"agency": "police"}', encoding="utf-8")
    return path


def database_down(kind: str, tmp_path: Path) -> tuple[str, str]:
    """A database URL that cannot be opened, and the words the line must say."""
    if kind == "postgresql":
        return UNREACHABLE_POSTGRES, "Không kết nối được cơ sở dữ liệu (postgresql+psycopg://postgres:***@127.0.0.1:1"
    folder = tmp_path / "phoihop.db"  # a folder where the database file should be
    folder.mkdir()
    return f"sqlite:///{folder}", "Không mở được tệp cơ sở dữ liệu"


@pytest.mark.parametrize("kind", ["postgresql", "sqlite"])
@pytest.mark.parametrize("command", [["init"], ["status", "2023-H1"], ["submit", "FILE"], ["history", "x", "2023-H1"]])
def test_a_database_that_cannot_be_opened_is_one_line(
    kind: str, command: list[str], data_dir: Path, any_file: Path, tmp_path: Path
) -> None:
    url, words = database_down(kind, tmp_path)
    args = [str(any_file) if a == "FILE" else a for a in command]
    result = phoihop(data_dir, "--db", url, *args)
    assert result.returncode == EXIT_SERVICE_FAULT
    line = one_line(result)
    assert words in line and "rồi thử lại" in line and "secret" not in line
    log = log_named_in(line)
    assert log == data_dir / "logs" / "phoihop.log"
    details = log.read_text(encoding="utf-8")
    assert "Traceback" in details and "OperationalError" in details


def test_the_database_setting_down_too(data_dir: Path) -> None:
    result = phoihop(data_dir, "status", "2023-H1", PHOIHOP_DATABASE_URL=UNREACHABLE_POSTGRES)
    assert result.returncode == EXIT_SERVICE_FAULT
    assert "Không kết nối được cơ sở dữ liệu" in one_line(result)


def test_a_data_folder_through_a_file_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    result = phoihop(blocker / "sub", "init", TMPDIR=str(tmp_path))
    assert result.returncode == EXIT_SERVICE_FAULT
    line = one_line(result)
    assert f"Không dùng được thư mục dữ liệu «{blocker / 'sub'}»" in line
    assert "một phần của đường dẫn là tệp" in line and "PHOIHOP_DATA_DIR" in line
    log = log_named_in(line)  # the data folder cannot hold it: the temp folder does
    assert log.parent == tmp_path and "Traceback" in log.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"PHOIHOP_DATABASE_URL": "mysql+nodriver://x/y"}, "URL cơ sở dữ liệu «mysql+nodriver://…» không hợp lệ"),
        ({"PHOIHOP_DB_POOL_SIZE": "many"}, "Thiết lập PHOIHOP_DB_POOL_SIZE không hợp lệ"),
    ],
)
def test_a_wrong_setting_is_one_line(data_dir: Path, env: dict[str, str], words: str) -> None:
    result = phoihop(data_dir, "status", "2023-H1", **env)
    assert result.returncode == EXIT_USER_ERROR and words in one_line(result)


@pytest.fixture
def opened(data_dir: Path, tmp_path: Path) -> str:
    """An embedded database with the roster loaded and 2023-H1 open."""
    url = f"sqlite:///{tmp_path / 'phoihop.db'}"
    assert phoihop(data_dir, "--db", url, "init").returncode == 0
    assert phoihop(data_dir, "--db", url, "period", "open", "2023-H1").returncode == 0
    return url


def test_forms_into_a_folder_that_cannot_be_made_is_one_line(opened: str, data_dir: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = phoihop(data_dir, "--db", opened, "forms", "2023-H1", "--out", str(blocker / "forms"))
    assert result.returncode == EXIT_USER_ERROR
    assert f"Không ghi được vào thư mục «{blocker / 'forms'}»" in one_line(result)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real file system of 3 MB (tmpfs) that the test fills up."""
    with mounted_small_disk(tmp_path / "disk", megabytes=3) as disk:
        yield disk


def test_a_full_disk_is_one_line_and_loses_nothing(small_disk: Path, data_dir: Path, tmp_path: Path) -> None:
    """A real full disk (tmpfs) under the SQLite database; the log lives elsewhere.

    PostgreSQL's disk is the server's: its "could not extend file" errors map to the same line
    (`schema.faults`), but no test here can fill that disk.
    """
    url = f"sqlite:///{small_disk / 'phoihop.db'}"
    assert phoihop(data_dir, "--db", url, "init").returncode == 0
    assert phoihop(data_dir, "--db", url, "period", "open", "2023-H1").returncode == 0
    forms = tmp_path / "forms"
    assert phoihop(data_dir, "--db", url, "forms", "2023-H1", "--out", str(forms)).returncode == 0
    police = tmp_path / "cong-an.xlsx"
    police.write_bytes(fill_form((forms / "2023-H1_police.xlsx").read_bytes(), figures=POLICE_FIGURES))
    assert phoihop(data_dir, "--db", url, "submit", str(police)).returncode == 0
    customs = []
    for n in range(8):
        path = tmp_path / f"hai-quan-{n}.xlsx"
        path.write_bytes(fill_form((forms / "2023-H1_customs.xlsx").read_bytes(), figures={"violation_cases": n}))
        customs.append(str(path))

    filler = fill(small_disk)
    result = phoihop(data_dir, "--db", url, "submit", *customs)
    assert result.returncode == EXIT_SERVICE_FAULT
    line = one_line(result)
    assert "Ổ đĩa đã đầy" in line and "không bị mất" in line
    assert "Traceback" in log_named_in(line).read_text(encoding="utf-8")

    filler.unlink()
    after = phoihop(data_dir, "--db", url, "status", "2023-H1", "--json", PHOIHOP_UNFINISHED_GRACE_SECONDS="0")
    assert after.returncode == 0, after.stderr
    document = json.loads(after.stdout)
    states = {a["agency"]: a for a in document["agencies"]}
    assert (states["police"]["state"], states["police"]["version"]) == ("accepted", 1)
    assert document["unfinished"] == []  # whatever was kept before the disk filled was finished now
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            blobs = set(session.scalars(select(Blob.sha256)))
            returns = session.scalars(select(Return)).all()
    finally:
        engine.dispose()
    assert blobs == {r.sha256 for r in returns} and len(returns) == len(blobs)
    customs_versions = sorted(r.version for r in returns if r.agency_id == "customs")
    assert customs_versions == list(range(1, len(customs_versions) + 1))


def test_forms_onto_a_full_disk_is_one_line(opened: str, small_disk: Path, data_dir: Path) -> None:
    out = small_disk / "forms"
    out.mkdir()
    fill(small_disk)
    written = phoihop(data_dir, "--db", opened, "forms", "2023-H1", "--out", str(out))
    assert written.returncode == EXIT_SERVICE_FAULT
    assert f"Ổ đĩa đã đầy, không ghi được dữ liệu ({out})" in one_line(written)
    assert list(out.iterdir()) == []  # no truncated workbook left behind


def test_a_database_behind_the_code_asks_for_init(data_dir: Path, tmp_path: Path) -> None:
    from alembic import command

    from schema.migrate import alembic_config

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    try:
        command.upgrade(alembic_config(engine), "0002")
    finally:
        engine.dispose()
    result = phoihop(data_dir, "--db", url, "status", "2023-H1")
    assert result.returncode == EXIT_USER_ERROR
    assert "hãy chạy «phoihop init» để nâng cấp" in one_line(result)
    assert phoihop(data_dir, "--db", url, "init").returncode == 0
