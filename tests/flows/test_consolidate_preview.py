"""The consolidation flow with `pdf=True`, run for real under Prefect: the PDF and the picture of page 1 beside the
draft, and a link to the PDF among the run's artifacts."""

from pathlib import Path

from sqlalchemy.orm import Session

from agencies.roster import Roster
from agencies.samples import load_samples
from phoihop.demo import submit_samples
from tests.flows.artifacts import read_artifact


def test_the_flow_previews_the_draft_when_asked(
    prefect_api: str, flow_database: str, loaded: Session, roster: Roster, office: str, tmp_path: Path
) -> None:
    from flows.consolidate import consolidate

    submit_samples(loaded, roster, load_samples(), "test")
    state = consolidate(period="2023-H1", out_dir=str(tmp_path), number=12, pdf=True, return_state=True)
    assert state.is_completed()
    draft = Path(state.result())
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == [
        "bao-cao-2023-H1-v1-trang-1.png",
        "bao-cao-2023-H1-v1.docx",
        "bao-cao-2023-H1-v1.json",
        "bao-cao-2023-H1-v1.pdf",
    ] + sorted(p.name for p in tmp_path.glob("bieu-do-2023-H1-v1-*.png")) + ["phu-luc-2023-H1-v1.xlsx"]
    artifact = read_artifact("preview-bao-cao-2023-h1-v1")
    assert draft.with_suffix(".pdf").resolve().as_uri() in artifact.data
    assert artifact.description == (
        "Bản PDF của dự thảo bao-cao-2023-H1-v1.docx (LibreOffice); ảnh trang 1: bao-cao-2023-H1-v1-trang-1.png"
    )
