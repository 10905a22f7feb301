"""Who reports what and when: the roster a province edits as YAML, and its loader."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from difflib import get_close_matches
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from agencies.bounds import shorten
from agencies.calendar import DECREE_09_RULE, Period, PeriodKind, PeriodRule
from agencies.errors import UserError
from agencies.forms import Form
from agencies.reminders import ReminderPlan

DEFAULT_ROSTER = Path(__file__).parent / "rosters" / "hung-yen" / "roster.yaml"

_AGENCY_ID = re.compile(r"^[a-z][a-z0-9-]*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _check_agency_id(value: str) -> str:
    if not _AGENCY_ID.match(value):
        raise ValueError(f"mã đơn vị «{value}» chỉ được gồm chữ thường không dấu, chữ số và dấu gạch ngang")
    return value


def _check_email(value: str) -> str:
    if not _EMAIL.match(value):
        raise ValueError(f"địa chỉ thư «{value}» không hợp lệ")
    return value


T = TypeVar("T", bound=BaseModel)
AgencyId = Annotated[str, AfterValidator(_check_agency_id)]
Email = Annotated[str, AfterValidator(_check_email)]


class GroupRole(StrEnum):
    COORDINATOR = "coordinator"  # the DIC itself: section I.1 of the report
    COORDINATING = "coordinating"  # agencies of section I.2, one subsection per group
    FIRMS = "firms"  # enterprises: section I.3, merged


class Agency(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: AgencyId
    name: str = Field(description="full Vietnamese name")
    short_name: str | None = Field(None, description="name used in the report's text")
    emails: list[Email] = Field(min_length=1)
    head_emails: list[Email] = Field(default_factory=list, description="the agency head's addresses: escalations")
    replaces: list[AgencyId] = Field(
        default_factory=list, description="ids of agencies of earlier rosters it continues (merged into it, renamed)"
    )

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class Group(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: AgencyId
    title: str = Field(description="section title in the consolidated report")
    role: GroupRole = GroupRole.COORDINATING
    form: str = Field(description="id of the form the group's agencies fill")
    rollup: bool = Field(False, description="merge its agencies into one section, each fact attributed")
    calendar: dict[PeriodKind, PeriodRule] = Field(default_factory=dict, description="overrides per period kind")
    replaces: list[AgencyId] = Field(
        default_factory=list, description="ids of groups of earlier rosters it continues: last year's figures"
    )
    agencies: list[Agency] = Field(min_length=1)


class Regulation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    number: str
    date: date
    issuer: str
    title: str


class SigningAuthority(StrEnum):
    """How the signer signs (Decree 30/2020/NĐ-CP, art. 13): the word before the head's title."""

    ON_BEHALF = "KT."  # ký thay: a deputy signs for the head (KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC)
    FOR_BODY = "TM."  # thay mặt: the head signs for a collective body (TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH)
    BY_ORDER = "TL."  # thừa lệnh: an office head signs by the head's order (TL. GIÁM ĐỐC / CHÁNH VĂN PHÒNG)
    DELEGATED = "TUQ."  # thừa ủy quyền: signed by delegation (TUQ. GIÁM ĐỐC / TRƯỞNG PHÒNG …)
    ACTING = "Q."  # quyền: the acting head signs alone (Q. GIÁM ĐỐC)


class Coordinator(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    agency: AgencyId = Field(description="the roster agency that consolidates")
    superior_body: str = Field(description="the superior body, upper case; a line break where a long name breaks")
    issuing_body: str = Field(description="the issuing body, upper case; a line break where a long name breaks")
    full_name: str | None = Field(None, description="the department's name in the report's text; default: its agency's")
    short_name: str
    document_code: str = Field(description="type and body code after the number: BC-STTTT")
    place: str = Field(description="place in the date line")
    signer_title: str = Field("GIÁM ĐỐC", description="the head's title (or the body's name, with TM.)")
    signing_authority: SigningAuthority | None = Field(
        None, description="KT. / TM. / TL. / TUQ. / Q. before `signer_title`; none: the head signs"
    )
    signer_position: str | None = Field(
        None, description="the signer's own title, the line under the authority's (KT., TM., TL., TUQ.)"
    )
    signer_name: str = Field("", description="the signer's name under the signature; empty: left for the clerk")
    recipients: list[str] = Field(default_factory=list, description="the 'Nơi nhận' list before «Lưu: VT»")

    @model_validator(mode="after")
    def _signing(self) -> Coordinator:
        authority = self.signing_authority
        if authority in {None, SigningAuthority.ACTING} and self.signer_position:
            raise ValueError(
                f"signer_position chỉ ghi khi ký {', '.join(a.value for a in _TWO_LINE_AUTHORITIES)} "
                f"(người ký không phải người đứng đầu); "
                f"{'ký Q. (quyền)' if authority else 'người đứng đầu ký'} thì bỏ khóa này"
            )
        if authority in _TWO_LINE_AUTHORITIES and not self.signer_position:
            raise ValueError(
                f"ký {authority.value} thì phải ghi signer_position: chức vụ của người ký, ví dụ «PHÓ GIÁM ĐỐC»"
            )
        return self

    def signature_lines(self) -> list[str]:
        """The lines above the signature: `KT. GIÁM ĐỐC`, `PHÓ GIÁM ĐỐC`; or the head's title alone."""
        first = f"{self.signing_authority.value} {self.signer_title}" if self.signing_authority else self.signer_title
        return [first, self.signer_position] if self.signer_position else [first]


_TWO_LINE_AUTHORITIES = (
    SigningAuthority.ON_BEHALF,
    SigningAuthority.FOR_BODY,
    SigningAuthority.BY_ORDER,
    SigningAuthority.DELEGATED,
)


class ReportWords(BaseModel):
    """The report's own sentences, each with a default written in templates/report/ when left out."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    topic: str = Field(
        "công tác phối hợp phòng, chống tội phạm trong lĩnh vực thông tin và truyền thông",
        description="what the report is about, as its sentences name it",
    )
    sector: str = Field("lĩnh vực thông tin và truyền thông", description="where the reporting firms work")
    subject: str | None = Field(None, description="the line under BÁO CÁO; default: the topic and the period")
    legal_basis: str | None = Field(None, description="the first sentence; default: from `regulation`, if any")
    opening: str | None = Field(None, description="the sentence before part I; default: who consolidated what")
    recipient_in_text: str | None = Field(None, description="the recipient as the sentences name it")


class Roster(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: AgencyId
    province: str
    valid_from: date | None = Field(None, description="first day the roster is in force; none: since always")
    valid_until: date | None = Field(None, description="last day the roster is in force; none: until replaced")
    recipient: str = Field(description="'Kính gửi' of the consolidated report")
    regulation: Regulation | None = Field(None, description="the act that sets the reporting, if the report cites one")
    coordinator: Coordinator
    report: ReportWords = Field(default_factory=ReportWords)
    wording: dict[str, str] = Field(
        default_factory=dict,
        description="the roster's own templates by name (read from its `templates` folder): each overrides the "
        "built-in one of that name; `groups/<group id>.txt.j2` writes that group's section",
    )
    calendar: dict[PeriodKind, PeriodRule] = Field(default_factory=dict)
    reminders: ReminderPlan = Field(default_factory=ReminderPlan, description="when agencies are reminded")
    groups: list[Group] = Field(min_length=1)
    forms: dict[str, Form]

    @model_validator(mode="after")
    def _consistent(self) -> Roster:
        seen: set[str] = set()
        for group in self.groups:
            if group.form not in self.forms:
                raise ValueError(
                    f"nhóm «{group.id}» dùng biểu mẫu «{group.form}» nhưng không có biểu mẫu nào mang mã này"
                )
            for agency in group.agencies:
                if agency.id in seen:
                    raise ValueError(f"mã đơn vị «{agency.id}» xuất hiện hai lần")
                seen.add(agency.id)
        for form_id, form in self.forms.items():
            if form.id != form_id:
                raise ValueError(f"biểu mẫu «{form_id}» khai mã «{form.id}»")
        _check_replaces("nhóm", {g.id for g in self.groups}, [(g.id, g.replaces) for g in self.groups])
        _check_replaces("đơn vị", seen, [(a.id, a.replaces) for a in self.agencies()])
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValueError(
                f"ngày hết hiệu lực {self.valid_until:%d/%m/%Y} phải từ ngày bắt đầu hiệu lực "
                f"{self.valid_from:%d/%m/%Y} trở đi"
            )
        if self.coordinator.agency not in seen:
            raise ValueError(f"đơn vị chủ trì «{self.coordinator.agency}» không có trong danh sách đơn vị")
        if any(PeriodKind.CUSTOM in calendar for calendar in [self.calendar, *(g.calendar for g in self.groups)]):
            raise ValueError("kỳ chuyên đề (CD) không có lịch chung: ngày lấy số liệu và hạn gửi ghi khi mở từng kỳ")
        for kind in PeriodKind:
            if kind is PeriodKind.CUSTOM:
                continue
            for group in self.groups:
                sample = Period(kind, 2024, 1)
                rule = self.rule_for(kind, group.id)
                if sample.deadline(rule) <= sample.window(rule)[1]:
                    raise ValueError(f"hạn gửi kỳ {kind.value} của nhóm «{group.id}» phải sau ngày chốt số liệu")
        return self

    def in_force_on(self, day: date) -> bool:
        """Whether `day` falls within the roster's validity (a bound left out is open)."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )

    def agencies(self) -> list[Agency]:
        return [agency for group in self.groups for agency in group.agencies]

    @property
    def department(self) -> str:
        """The coordinating department's full name, as the report's sentences write it."""
        return self.coordinator.full_name or self.require_agency(self.coordinator.agency).name

    def agency(self, agency_id: str) -> Agency | None:
        return next((a for a in self.agencies() if a.id == agency_id), None)

    def nearest_agency_ids(self, text: str, limit: int = 3) -> list[str]:
        """The agency ids most like `text`, by id or by name, diacritics aside (`cong an` → `police`)."""
        wanted = _folded(text)
        keys: dict[str, str] = {}
        for agency in self.agencies():
            keys.setdefault(_folded(agency.id), agency.id)
            keys.setdefault(_folded(agency.name), agency.id)
        found = [keys[k] for k in keys if wanted and wanted in k]
        found += [keys[k] for k in get_close_matches(wanted, list(keys), n=limit * 2, cutoff=0.5)]
        return list(dict.fromkeys(found))[:limit]

    def require_agency(self, agency_id: str, hint: str = "") -> Agency:
        """The agency of `agency_id`, or a 404 that names the nearest ids (and then `hint`, what to do)."""
        agency = self.agency(agency_id)
        if agency is not None:
            return agency
        nearest = self.nearest_agency_ids(agency_id)
        guess = f" Có phải: {', '.join(nearest)}?" if nearest else ""
        message = f"Mã đơn vị «{shorten(agency_id)}» không có trong danh sách đơn vị báo cáo.{guess}"
        raise UserError("unknown_agency", f"{message} {hint}".rstrip(), status=404, field="agency")

    def group_of(self, agency_id: str) -> Group:
        return next(g for g in self.groups if any(a.id == agency_id for a in g.agencies))

    def form_for(self, agency_id: str) -> Form:
        return self.forms[self.group_of(agency_id).form]

    def rule_for(self, kind: PeriodKind, group_id: str | None = None) -> PeriodRule:
        """The group's override, else the roster's, else Decree 09."""
        group = next((g for g in self.groups if g.id == group_id), None)
        if group and kind in group.calendar:
            return group.calendar[kind]
        return self.calendar.get(kind, DECREE_09_RULE)


def _check_replaces(what: str, own: set[str], entries: list[tuple[str, list[str]]]) -> None:
    """`replaces` names ids of earlier rosters: never an id of this roster, never twice."""
    for entry_id, replaced in entries:
        for old_id in replaced:
            if old_id in own:
                raise ValueError(
                    f"{what} «{entry_id}» thay thế «{old_id}», nhưng «{old_id}» là mã của chính danh sách này: "
                    "khóa replaces chỉ ghi mã của danh sách trước"
                )
        if len(set(replaced)) != len(replaced):
            raise ValueError(f"{what} «{entry_id}»: khóa replaces ghi một mã hai lần")


def _folded(text: str) -> str:
    """Lower case, no diacritics, `đ` as `d`, spaces and dashes alike: for matching what a user typed."""
    plain = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return " ".join("".join(c for c in plain if not unicodedata.combining(c)).replace("-", " ").split())


class RosterError(UserError):
    """A roster that cannot be used; the message names the file, the key and the problem."""

    def __init__(self, message: str) -> None:
        super().__init__("roster_invalid", message, status=422)


_PYDANTIC_MESSAGES = {
    "missing": "thiếu khóa bắt buộc",
    "extra_forbidden": "khóa không được phép (viết sai tên?)",
    "too_short": "danh sách không được để trống",
}


def _describe(error: dict[str, Any]) -> str:
    if error["type"] == "enum":  # pydantic's `expected` is already `'KT.', 'TM.' or 'Q.'`
        expected = error["ctx"]["expected"].replace(" or ", " hoặc ")
        return f"giá trị «{shorten(str(error['input']))}» không hợp lệ: chỉ nhận {expected}"
    message = _PYDANTIC_MESSAGES.get(error["type"], error["msg"])
    return message.removeprefix("Value error, ")


def read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RosterError(f"Không tìm thấy tệp {path}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", dòng {mark.line + 1}, cột {mark.column + 1}" if mark else ""
        raise RosterError(f"Tệp {path}{where}: lỗi cú pháp YAML ({getattr(exc, 'problem', exc)})") from None


def validate_document(model: type[T], data: Any, path: Path) -> T:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            key = ".".join(str(part) for part in error["loc"]) or "(gốc)"
            lines.append(f"Tệp {path}, khóa {key}: {_describe(error)}")
        raise RosterError("\n".join(lines)) from None


def load_form(path: Path) -> Form:
    return validate_document(Form, read_yaml(path), path)


def load_roster(path: Path = DEFAULT_ROSTER) -> Roster:
    """Read a roster YAML and the form files it lists (paths relative to it)."""
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise RosterError(f"Tệp {path}: nội dung phải là một bảng khóa–giá trị")
    form_files = data.get("forms", [])
    if not isinstance(form_files, list):
        raise RosterError(f"Tệp {path}, khóa forms: phải là danh sách đường dẫn tới các tệp biểu mẫu")
    forms = [load_form(path.parent / name) for name in form_files]
    data = {**data, "forms": {form.id: form for form in forms}}
    if "templates" in data:
        data["wording"] = read_wording(path, data.pop("templates"))
    return validate_document(Roster, data, path)


WORDING_SUFFIX = ".j2"


def read_wording(path: Path, folder: Any) -> dict[str, str]:
    """The `templates` folder of the roster at `path`: every `*.j2` file under it, by its name inside it."""
    if not isinstance(folder, str) or not folder.strip():
        raise RosterError(f"Tệp {path}, khóa templates: phải là đường dẫn tới thư mục mẫu lời văn")
    root = path.parent / folder
    if not root.is_dir():
        raise RosterError(f"Tệp {path}, khóa templates: không có thư mục {root}")
    found = {}
    for file in sorted(root.rglob(f"*{WORDING_SUFFIX}")):
        name = file.relative_to(root).as_posix()
        try:
            found[name] = file.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise RosterError(f"Tệp mẫu lời văn {file}: phải được lưu bằng mã UTF-8") from None
    if not found:
        raise RosterError(f"Tệp {path}, khóa templates: thư mục {root} không có tệp mẫu nào (*{WORDING_SUFFIX})")
    return found
