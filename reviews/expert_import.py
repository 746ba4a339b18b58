"""The expert pool's vocabulary and its .xlsx import: the template the office downloads, and the reading and
checking of a filled-in file.

Pure: nothing here writes. ``read_workbook`` turns an upload into rows or refuses the file as a whole;
``validate_rows`` checks every row against the others and against what the database already holds (passed in
as sets, so a test needs no database), giving each row its errors. ``reviews.services.expert_import`` calls both
again on confirmation and imports all rows or none.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# --- vocabulary ---------------------------------------------------------------------------------------------

# Professional titles (职称) offered as choices. The value is what is stored (ExpertProfile.title is text, and
# the pages show it as stored); the label is the same title in the reader's language. "Other" lets the office
# type a title this list does not have.
PROFESSIONAL_TITLES = (
    ("正高级工程师", gettext_lazy("Professor-level senior engineer")),
    ("高级工程师", gettext_lazy("Senior engineer")),
    ("工程师", gettext_lazy("Engineer")),
    ("教授", gettext_lazy("Professor")),
    ("副教授", gettext_lazy("Associate professor")),
    ("研究员", gettext_lazy("Research fellow")),
    ("副研究员", gettext_lazy("Associate research fellow")),
    ("正高级经济师", gettext_lazy("Professor-level senior economist")),
    ("高级经济师", gettext_lazy("Senior economist")),
    ("高级会计师", gettext_lazy("Senior accountant")),
    ("高级质量师", gettext_lazy("Senior quality professional")),
)
TITLE_VALUES = frozenset(value for value, _label in PROFESSIONAL_TITLES)
TITLE_OTHER = "other"

MAX_TAGS = 20
MAX_TAG_LENGTH = 40
# What separates the values of a tag field: the Chinese enumeration comma, full- and half-width commas and
# semicolons, and line breaks. Spaces do not: a field of expertise may be several words.
_TAG_SEPARATORS = re.compile(r"[、,，;；\n\r]+")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def split_tags(text: str | None) -> list[str]:
    """ "卓越绩效、质量管理, 六西格玛" -> ["卓越绩效", "质量管理", "六西格玛"]: trimmed, width-normalised, each
    once, in the order given."""
    seen: dict[str, None] = {}
    for part in _TAG_SEPARATORS.split(unicodedata.normalize("NFKC", text or "")):
        value = " ".join(part.split())
        if value:
            seen.setdefault(value, None)
    return list(seen)


def tags_problem(values: list[str]) -> str:
    """Why these tags cannot be kept, or ""."""
    if len(values) > MAX_TAGS:
        return _("At most %(count)d values, please.") % {"count": MAX_TAGS}
    for value in values:
        if len(value) > MAX_TAG_LENGTH:
            return _("“%(value)s” is longer than %(count)d characters.") % {"value": value, "count": MAX_TAG_LENGTH}
    return ""


def normalise_mobile(text: str | None) -> str:
    """A mainland mobile number as 11 digits ("+86 138-0000-0000" -> "13800000000"), or "" when it is not one."""
    digits = re.sub(r"[\s\-()（）]", "", unicodedata.normalize("NFKC", str(text or "")))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits if _MOBILE.match(digits) else ""


def title_value(text: str) -> str | None:
    """The stored title for what a person typed (the stored value or its label in the current language), or
    None when it is not in the list."""
    text = " ".join(unicodedata.normalize("NFKC", text or "").split())
    for value, label in PROFESSIONAL_TITLES:
        if text in (value, str(label)):
            return value
    return None


# --- the workbook -------------------------------------------------------------------------------------------

# The columns of the template, in order: (key, Chinese header through gettext, required).
COLUMNS = (
    ("username", gettext_lazy("Username"), True),
    ("full_name", gettext_lazy("Full name"), True),
    ("phone", gettext_lazy("Mobile phone"), True),
    ("email", gettext_lazy("Email"), False),
    ("title", gettext_lazy("Professional title"), False),
    ("employer_name", gettext_lazy("Employer"), True),
    ("fields", gettext_lazy("Fields of expertise"), False),
    ("industries", gettext_lazy("Industries"), False),
    ("max_load", gettext_lazy("Most applications per stage"), False),
)
DEFAULT_MAX_LOAD = 20
MAX_LOAD_RANGE = (1, 200)

MAX_FILE_BYTES = 2 * 1024 * 1024
# A filled-in template of a few hundred experts unpacks to well under this; a zip bomb does not.
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_ROWS = 1000
# The first data row of the sheet (row 1 holds the headers); rows are reported by their number in Excel.
FIRST_ROW = 2

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXAMPLE_ROW = (
    "zhangsan2026",
    "张三",
    "13800000000",
    "zhangsan@example.cn",
    "高级工程师",
    "山东某大学质量学院",
    "卓越绩效、质量管理",
    "装备制造、化工",
    20,
)


class WorkbookRefused(ValidationError):
    """The upload is not a workbook the portal can read; nothing of it is kept."""


@dataclass
class ExpertRow:
    """One row of the file as read (text as typed, trimmed) and, once validated, its errors."""

    row: int
    username: str = ""
    full_name: str = ""
    phone: str = ""
    email: str = ""
    title: str = ""
    employer_name: str = ""
    fields: list[str] = field(default_factory=list)
    industries: list[str] = field(default_factory=list)
    max_load: str = ""
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ExpertRow:
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        return cls(**known)

    def service_arguments(self) -> dict:
        """The row as ``reviews.services.expert_create`` takes it (call only on a row without errors)."""
        return {
            "username": self.username,
            "full_name": self.full_name,
            "phone": normalise_mobile(self.phone),
            "email": self.email,
            "title": title_value(self.title) or self.title,
            "employer_name": self.employer_name,
            "fields": list(self.fields),
            "industries": list(self.industries),
            "max_load": int(self.max_load) if self.max_load else DEFAULT_MAX_LOAD,
        }


def template_workbook() -> bytes:
    """The template the office fills in: the headers in the current language, one example row (to be replaced),
    and a sheet of notes on every column."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = _("Experts")
    sheet.append([str(header) for _key, header, _required in COLUMNS])
    sheet.append(list(EXAMPLE_ROW))
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in sheet[2]:
        cell.font = Font(italic=True, color="808080")
    widths = (16, 10, 15, 24, 14, 28, 24, 20, 12)
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    # Phone numbers as text, so Excel keeps them as typed.
    for row in range(FIRST_ROW, FIRST_ROW + MAX_ROWS):
        sheet.cell(row=row, column=3).number_format = "@"
    titles = DataValidation(
        type="list", formula1='"' + ",".join(value for value, _label in PROFESSIONAL_TITLES) + '"', allow_blank=True
    )
    sheet.add_data_validation(titles)
    titles.add(f"E{FIRST_ROW}:E{FIRST_ROW + MAX_ROWS}")

    notes = book.create_sheet(_("Notes"))
    notes.append([_("Column"), _("Required"), _("What to write")])
    for cell in notes[1]:
        cell.font = bold
    explanations = {
        "username": _("The login name of the expert's new account: letters, digits and @ . + - _ only; unique."),
        "full_name": _("The expert's name as it appears on the review documents."),
        "phone": _("A mainland mobile number of 11 digits; no two accounts share one."),
        "email": _("Optional. The link to set a password is sent here."),
        "title": _(
            "Optional. One of the titles of the list (the cell offers them); an expert with another title is added "
            "with the portal's form instead."
        ),
        "employer_name": _("The full name of the unit the expert works for (工作单位); used to find conflicts."),
        "fields": _("Separate several values with 、 or a comma, e.g. 卓越绩效、质量管理."),
        "industries": _("Separate several values with 、 or a comma, e.g. 装备制造、化工."),
        "max_load": _("Empty means %(default)d; a whole number from %(low)d to %(high)d.")
        % {"default": DEFAULT_MAX_LOAD, "low": MAX_LOAD_RANGE[0], "high": MAX_LOAD_RANGE[1]},
    }
    for key, header, required in COLUMNS:
        notes.append([str(header), _("yes") if required else _("no"), explanations[key]])
    notes.append([])
    notes.append(
        [
            _(
                "Row 2 is an example: replace it or delete it. The portal shows every problem of every row before "
                "anything is imported, and imports nothing while one row has a problem."
            )
        ]
    )
    notes.append([_("Titles of the list"), "、".join(value for value, _label in PROFESSIONAL_TITLES)])
    notes.column_dimensions["A"].width = 22
    notes.column_dimensions["B"].width = 10
    notes.column_dimensions["C"].width = 90
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _refused(message: str, code: str) -> WorkbookRefused:
    return WorkbookRefused(message, code=code)


def file_too_large() -> WorkbookRefused:
    """The refusal of a file over MAX_FILE_BYTES (also raised by the page before it reads the upload)."""
    return _refused(
        _(
            "The file is larger than %(size)d MB; a list of experts is much smaller. Please upload the filled-in "
            "template."
        )
        % {"size": MAX_FILE_BYTES // (1024 * 1024)},
        "too_large",
    )


def _check_container(data: bytes) -> None:
    """Refuse what is not an .xlsx before openpyxl reads it: an empty file, another type, a damaged or
    oversized zip, a zip that holds no workbook."""
    if not data:
        raise _refused(_("The file is empty. Please fill in the template and upload it."), "empty")
    if len(data) > MAX_FILE_BYTES:
        raise file_too_large()
    if not data.startswith(b"PK\x03\x04"):
        raise _refused(
            _(
                "This file is not an Excel workbook (.xlsx), whatever its name says. Please download the template, "
                "fill it in and upload it; an old .xls or a CSV must first be saved as .xlsx."
            ),
            "not_xlsx",
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise _refused(
            _("The workbook cannot be opened; it may be damaged. Please save it again in Excel and upload it."),
            "broken",
        ) from None
    names = {member.filename for member in members}
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise _refused(
            _("This file is a zip archive but not an Excel workbook (.xlsx). Please upload the filled-in template."),
            "not_xlsx",
        )
    if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
        raise _refused(
            _(
                "The workbook unpacks to more than %(size)d MB, which no list of experts does. Please save the "
                "template again and upload it."
            )
            % {"size": MAX_UNPACKED_BYTES // (1024 * 1024)},
            "too_large",
        )


def _headers(language: str | None) -> list[str]:
    with translation.override(language):
        return [str(title) for _key, title, _required in COLUMNS]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number typed in a cell that Excel kept as a number: 13800000000.0
    return " ".join(unicodedata.normalize("NFKC", str(value)).split())


def read_workbook(data: bytes) -> list[ExpertRow]:
    """The rows of the first sheet of an uploaded template, blank rows skipped, or WorkbookRefused for a file
    that is not a readable .xlsx, has not the template's headers, holds no row or too many."""
    _check_container(data)
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        # Whatever a damaged or hostile file makes openpyxl raise, the answer to the office is the same.
        raise _refused(
            _("The workbook cannot be opened; it may be damaged. Please save it again in Excel and upload it."),
            "broken",
        ) from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise _refused(_("The workbook has no sheet."), "no_sheet")
        values = sheet.iter_rows(values_only=True)
        header = [_text(cell) for cell in next(values, ())][: len(COLUMNS)]
        expected = _headers(settings.LANGUAGE_CODE)
        if header not in (expected, _headers("en"), _headers(translation.get_language())):
            raise _refused(
                _(
                    "The first row does not hold the template's headers (%(headers)s). Please download the template "
                    "and copy the experts into it."
                )
                % {"headers": "、".join(expected)},
                "bad_headers",
            )
        rows: list[ExpertRow] = []
        for number, cells in enumerate(values, start=FIRST_ROW):
            texts = [_text(cell) for cell in list(cells)[: len(COLUMNS)]]
            texts += [""] * (len(COLUMNS) - len(texts))
            if not any(texts):
                continue
            if len(rows) >= MAX_ROWS:
                raise _refused(
                    _("The file holds more than %(count)d experts; please split it into several files.")
                    % {"count": MAX_ROWS},
                    "too_many_rows",
                )
            item = dict(zip((key for key, _title, _required in COLUMNS), texts, strict=True))
            rows.append(
                ExpertRow(
                    row=number,
                    username=item["username"],
                    full_name=item["full_name"],
                    phone=item["phone"],
                    email=item["email"],
                    title=item["title"],
                    employer_name=item["employer_name"],
                    fields=split_tags(item["fields"]),
                    industries=split_tags(item["industries"]),
                    max_load=item["max_load"],
                )
            )
    finally:
        book.close()
    if not rows:
        raise _refused(_("The file holds no expert: fill in one row per expert below the headers."), "no_rows")
    return rows


def _example(row: ExpertRow) -> bool:
    return row.username == EXAMPLE_ROW[0] and row.full_name == EXAMPLE_ROW[1]


def validate_rows(rows: list[ExpertRow], *, taken_usernames: set[str], taken_phones: set[str]) -> list[ExpertRow]:
    """Give each row its errors (replacing any it had): required cells, a username valid and unique (in the file
    and among the accounts), a mobile number unique the same way, an e-mail address, a known title, tags and a
    load limit the pool accepts. ``taken_usernames`` are case-folded. Returns the same rows."""
    username_validator = UnicodeUsernameValidator()
    usernames: dict[str, int] = {}
    phones: dict[str, int] = {}
    for row in rows:
        errors = []
        if _example(row):
            errors.append(_("This is the template's example row; replace it with a real expert or delete it."))
        for key, title, required in COLUMNS:
            if required and not getattr(row, key):
                errors.append(_("%(column)s is missing.") % {"column": title})
        if row.username:
            try:
                username_validator(row.username)
            except ValidationError:
                errors.append(
                    _("Username “%(value)s” may hold only letters, digits and @ . + - _.") % {"value": row.username}
                )
            if len(row.username) > 150:
                errors.append(_("The username is longer than 150 characters."))
            folded = row.username.casefold()
            if folded in usernames:
                errors.append(
                    _("Username “%(value)s” is already used in row %(row)d of this file.")
                    % {"value": row.username, "row": usernames[folded]}
                )
            elif folded in taken_usernames:
                errors.append(_("Username “%(value)s” is taken by an existing account.") % {"value": row.username})
            usernames.setdefault(folded, row.row)
        if len(row.full_name) > 60:
            errors.append(_("The name is longer than 60 characters."))
        if row.phone:
            phone = normalise_mobile(row.phone)
            if not phone:
                errors.append(
                    _("“%(value)s” is not a mobile number of 11 digits (e.g. 13800000000).") % {"value": row.phone}
                )
            elif phone in phones:
                errors.append(
                    _("Mobile number %(value)s is already used in row %(row)d of this file.")
                    % {"value": phone, "row": phones[phone]}
                )
            elif phone in taken_phones:
                errors.append(_("Mobile number %(value)s belongs to an existing account.") % {"value": phone})
            if phone:
                phones.setdefault(phone, row.row)
        if row.email:
            try:
                validate_email(row.email)
            except ValidationError:
                errors.append(_("“%(value)s” is not an e-mail address.") % {"value": row.email})
        if row.title and title_value(row.title) is None:
            errors.append(
                _("Unknown professional title “%(value)s”; use one of: %(titles)s.")
                % {"value": row.title, "titles": "、".join(value for value, _label in PROFESSIONAL_TITLES)}
            )
        if len(row.employer_name) > 200:
            errors.append(_("The employer's name is longer than 200 characters."))
        for key in ("fields", "industries"):
            problem = tags_problem(getattr(row, key))
            if problem:
                errors.append(f"{dict((k, t) for k, t, _r in COLUMNS)[key]}: {problem}")
        if row.max_load:
            low, high = MAX_LOAD_RANGE
            if not (row.max_load.isdigit() and low <= int(row.max_load) <= high):
                errors.append(
                    _("Most applications per stage must be a whole number from %(low)d to %(high)d, not “%(value)s”.")
                    % {"low": low, "high": high, "value": row.max_load}
                )
        row.errors = errors
    return rows
