from pathlib import Path

import pytest
import yaml

from agencies.calendar import PeriodKind, parse_period
from agencies.roster import DEFAULT_ROSTER, GroupRole, Roster, RosterError, load_roster


def test_hung_yen_roster_follows_seed_004(roster: Roster) -> None:
    assert [g.title for g in roster.groups] == [
        "Sở TT&TT",
        "Công an tỉnh",
        "Sở Công Thương",
        "Cục Quản lý thị trường tỉnh",
        "Chi cục Hải quan Hưng Yên",
        "UBND các huyện, thị xã, thành phố (UBND cấp huyện)",
        "Các cơ quan báo, đài",
        "Các doanh nghiệp, đơn vị hoạt động trong lĩnh vực thông tin và truyền thông",
    ]
    assert [g.role for g in roster.groups].count(GroupRole.COORDINATOR) == 1
    assert roster.groups[-1].role is GroupRole.FIRMS
    districts = next(g for g in roster.groups if g.id == "districts")
    assert districts.rollup and len(districts.agencies) == 10
    assert "UBND huyện Văn Lâm" in [a.name for a in districts.agencies]
    firms = next(g for g in roster.groups if g.id == "firms")
    assert len(firms.agencies) == 8
    assert len(roster.agencies()) == 25
    assert roster.regulation.number == "04/2016/QĐ-UBND"
    assert roster.recipient == "UBND tỉnh Hưng Yên"
    assert all(email.endswith(".example") for a in roster.agencies() for email in a.emails)


# Every figure seed 004 reports has an indicator to carry it.
SEED_004_FIGURES = {
    "dic": [
        "inspections",
        "inspected_organisations",
        "fined_organisations",
        "fined_persons",
        "fines_total",
        "domains_revoked",
        "phishing_sites",
        "cryptomining_connections",
        "cnc_connections",
        "wannacry_connections",
        "botnet_connections",
    ],
    "police": [
        "harmful_content_cases",
        "gambling_information",
        "unlicensed_conditional_business",
        "counterfeit_brand_goods",
        "personal_data_misuse",
        "false_information",
        "sanctioned_cases",
        "fines_total",
        "accounts_removed",
        "fraud_cases",
        "fraud_damage",
        "fraud_prosecuted",
        "fraud_under_verification",
        "online_gambling_cases",
    ],
    "industry_trade": ["contraband_cases", "ecommerce_ip_cases"],
    "market": ["violation_cases"],
    "customs": ["violation_cases"],
    "district": ["violation_cases"],
    "firm": ["infrastructure_incidents"],
}


@pytest.mark.parametrize(("form_id", "codes"), SEED_004_FIGURES.items())
def test_forms_carry_every_seed_004_figure(roster: Roster, form_id: str, codes: list[str]) -> None:
    form = roster.forms[form_id]
    assert form.ref == f"{form_id}@1"
    assert [c for c in codes if form.indicator(c) is None] == []
    assert form.narrative, "every form asks for narrative"


def test_money_indicators_are_in_dong(roster: Roster) -> None:
    for form in roster.forms.values():
        for indicator in form.indicators:
            assert (indicator.kind == "money") == (indicator.unit == "đồng"), indicator.code


def test_default_deadlines_and_group_overrides(tmp_path: Path) -> None:
    data = yaml.safe_load(DEFAULT_ROSTER.read_text(encoding="utf-8"))
    data["forms"] = [str(DEFAULT_ROSTER.parent / f) for f in data["forms"]]
    data["groups"][5]["calendar"] = {"H1": {"deadline": {"day": 16}}}  # the districts' roll-up level
    path = tmp_path / "roster.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    roster = load_roster(path)
    h1 = parse_period("2023-H1")
    assert h1.deadline(roster.rule_for(PeriodKind.FIRST_HALF)).day == 18
    assert h1.deadline(roster.rule_for(PeriodKind.FIRST_HALF, "districts")).day == 16
    assert h1.deadline(roster.rule_for(PeriodKind.MONTH)).day == 18  # not listed: Decree 09


def _broken(tmp_path: Path, change) -> Path:
    data = yaml.safe_load(DEFAULT_ROSTER.read_text(encoding="utf-8"))
    data["forms"] = [str(DEFAULT_ROSTER.parent / f) for f in data["forms"]]
    change(data)
    path = tmp_path / "roster.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.pop("recipient"), "khóa recipient: thiếu khóa bắt buộc"),
        (lambda d: d["groups"][1].update(fom="police"), "khóa groups.1.fom: khóa không được phép"),
        (lambda d: d["groups"][1].update(form="nope"), "biểu mẫu «nope»"),
        (lambda d: d["groups"][2]["agencies"].append(d["groups"][1]["agencies"][0]), "«police» xuất hiện hai lần"),
        (lambda d: d["groups"][1]["agencies"][0].update(emails=["not-an-address"]), "groups.1.agencies.0.emails.0"),
        (lambda d: d["groups"][1]["agencies"][0].update(id="Công An"), "mã đơn vị «Công An»"),
        (lambda d: d["coordinator"].update(agency="ghost"), "đơn vị chủ trì «ghost»"),
        (
            lambda d: d["coordinator"].update(signing_authority="KT"),
            "khóa coordinator.signing_authority: giá trị «KT» không hợp lệ: chỉ nhận 'KT.', 'TM.', 'TL.', 'TUQ.' hoặc 'Q.'",
        ),
        (lambda d: d["coordinator"].update(signing_authority="KT."), "ký KT. thì phải ghi signer_position"),
        (lambda d: d["coordinator"].update(signer_position="PHÓ GIÁM ĐỐC"), "signer_position chỉ ghi khi ký KT., TM."),
        (
            lambda d: d["coordinator"].update(signing_authority="Q.", signer_position="PHÓ GIÁM ĐỐC"),
            "ký Q. (quyền) thì bỏ khóa này",
        ),
        (lambda d: d["calendar"].update(H1={"deadline": {"day": 10}}), "hạn gửi kỳ H1"),
        (lambda d: d["calendar"].update(CD={"deadline": {"day": 10}}), "kỳ chuyên đề (CD) không có lịch chung"),
        (lambda d: d["groups"][5].update(calendar={"CD": {}}), "kỳ chuyên đề (CD) không có lịch chung"),
    ],
)
def test_a_broken_roster_names_file_key_and_problem(tmp_path: Path, change, expected: str) -> None:
    path = _broken(tmp_path, change)
    with pytest.raises(RosterError) as caught:
        load_roster(path)
    assert str(path) in str(caught.value)
    assert expected in str(caught.value)


def test_a_broken_form_names_its_own_file(tmp_path: Path) -> None:
    form = tmp_path / "police.yaml"
    text = (DEFAULT_ROSTER.parent / "forms" / "police.yaml").read_text(encoding="utf-8")
    form.write_text(text.replace("kind: money", "kind: currency", 1), encoding="utf-8")
    path = _broken(tmp_path, lambda d: d["forms"].__setitem__(1, str(form)))
    with pytest.raises(RosterError, match=r"police\.yaml, khóa indicator_groups\.0\.indicators\.7\.kind"):
        load_roster(path)


def test_yaml_syntax_errors_give_the_line(tmp_path: Path) -> None:
    path = tmp_path / "roster.yaml"
    path.write_text("id: x\ngroups: [\n  - oops: {\n", encoding="utf-8")
    with pytest.raises(RosterError, match=r"roster\.yaml, dòng \d+"):
        load_roster(path)


def test_the_reports_sentences_signer_and_recipients_have_defaults(tmp_path) -> None:
    """A roster that says nothing of them: the department's name is its agency's, the signer a Director whose name
    the clerk writes, no recipients but the archive, no regulation cited, the default topic."""
    import shutil

    source = Path(__file__).parents[1] / "data" / "son-nguyen"
    shutil.copytree(source, tmp_path / "r")
    path = tmp_path / "r" / "roster.yaml"
    text = path.read_text(encoding="utf-8")
    for key in ("  full_name:", "  signer_title:", "  signer_name:", "  legal_basis:", "  topic:"):
        text = "\n".join(line for line in text.splitlines() if not line.startswith(key)) + "\n"
    text = text.replace("  recipients:\n    - UBND tỉnh (để báo cáo)\n    - Công an tỉnh\n    - Lãnh đạo Sở\n", "")
    path.write_text(text, encoding="utf-8")
    roster = load_roster(path)
    assert roster.department == "Sở Khoa học và Công nghệ tỉnh Sơn Nguyên"
    assert (roster.coordinator.signer_title, roster.coordinator.signer_name) == ("GIÁM ĐỐC", "")
    assert roster.coordinator.recipients == [] and roster.regulation is None and roster.report.legal_basis is None
    assert roster.report.topic.startswith("công tác phối hợp phòng, chống tội phạm")
    from report.trial import check_wording

    check_wording(roster)  # and a draft can be written with them
