import zipfile
from io import BytesIO
from pathlib import Path

from agencies.file_safety import inspect_file
from agencies.roster import Roster
from tests.factories import blank_form, edited

DATA = Path(__file__).parents[1] / "data" / "libreoffice"


def test_data_validations_are_not_mistaken_for_formulas(roster: Roster) -> None:
    form = blank_form(roster, "police")
    assert b"<formula1>" in zipfile.ZipFile(BytesIO(form)).read("xl/worksheets/sheet1.xml")
    assert inspect_file(form).kind == "xlsx" and not inspect_file(form).has_formulas


def test_formulas_are_noticed_whoever_wrote_them(roster: Roster) -> None:
    typed = edited(blank_form(roster, "police"), lambda b: b["Số liệu"].cell(7, 4, "=SUM(D8:D12)"))
    assert inspect_file(typed).has_formulas
    assert inspect_file((DATA / "police-2023-H1-formula.xlsx").read_bytes()).has_formulas
    assert not inspect_file((DATA / "police-2023-H1-libreoffice.xlsx").read_bytes()).has_formulas
    assert inspect_file((DATA / "police-2023-H1.ods").read_bytes()).kind == "ods"
    assert inspect_file((DATA / "police-2023-H1.xls").read_bytes()).kind == "xls"
