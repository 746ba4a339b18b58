"""Exports for the office and the coordinators, after the 2021 Shandong notice (seed 003): the statistics table
of applicants (annex 3, 申报企业统计表) as .xlsx, and one application's package as a ZIP named "application
number + full unit name" holding the form as PDF and the attachments.

The builders take applications a selector has already scoped to the user and never widen the query. The
headings, sheet and entry names below are the wording of the official documents, which are Chinese whatever the
reader's interface language; labels that come from the models (states, kinds, categories) are rendered in the
portal's default language by the callers.
"""

import hashlib
import io
import logging
import re
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from tempfile import SpooledTemporaryFile

from django.conf import settings
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import override
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from accounts.models import District, Organisation
from awards.enums import Category
from awards.models import Edition

from . import formspec
from .enums import ApplicationState, FileKind
from .models import Application, ApplicationFile, IndividualProfile, Recommendation, UnitProfile
from .pdf import render_pdf

logger = logging.getLogger(__name__)

# --- the statistics table ------------------------------------------------------------------------------------

# Annex 3 of the notice, as far as the seed describes it: heading and column width (in characters).
STATISTICS_COLUMNS = (
    ("序号", 6),
    ("申报编号", 16),
    ("单位名称/姓名", 36),
    ("统一社会信用代码", 22),
    ("所在区县（市）", 20),
    ("所属行业", 16),
    ("类别", 8),
    ("联系人", 10),
    ("联系电话", 16),
    ("推荐意见", 40),
    ("当前状态", 18),
    ("提交时间", 18),
)
STATISTICS_SHEET = "申报统计表"
SUMMARY_SHEET = "汇总"
SUMMARY_DISTRICT_HEADING = "推荐区县（市）"
TOTAL_HEADING = "合计"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def statistics_applications(scope: QuerySet[Application], *, edition: Edition, district: District | None = None):
    """The rows of the table: the applications in `scope` (already the user's) to `edition` that were submitted
    at least once, so neither drafts nor drafts withdrawn before submission. One query plus one for opinions."""
    applications = (
        scope.filter(edition=edition, number__isnull=False)
        .exclude(state=ApplicationState.DRAFT)
        .select_related(
            "owner",
            "recommender__parent",
            "organisation__district__parent",
            "organisation__unit_profile",
            "individual__district__parent",
        )
        .prefetch_related("recommendations")
        .order_by("recommender__code", "number")
    )
    if district is not None:
        applications = applications.filter(recommender=district)
    return applications


def statistics_filename(edition: Edition, district: District | None = None) -> str:
    place = f"-{safe_name(str(district))}" if district is not None else ""
    return f"{edition.scheme.number_prefix}-{edition.year}{place}-申报统计表.xlsx"


def _opinion(application: Application) -> str:
    # Prefetched, so read in Python: filtering here would cost one query per row.
    recommendations = list(application.recommendations.all())
    if not recommendations:
        return ""
    latest = recommendations[-1]
    return f"{latest.get_decision_display()}：{latest.opinion}"


def _applicant_columns(application: Application) -> tuple[str, str, str, str, str, str]:
    """Name, credit code, district, industry, contact person and phone."""
    if application.category == Category.UNIT:
        organisation = application.organisation
        profile = getattr(organisation, "unit_profile", None)
        return (
            organisation.name,
            organisation.credit_code,
            str(organisation.district),
            profile.industry if profile else "",
            profile.contact_name if profile else "",
            profile.contact_phone if profile else "",
        )
    person = application.individual
    return (person.full_name, "", str(person.district), "", person.full_name, application.owner.phone)


def statistics_rows(applications) -> list[list]:
    rows = []
    for index, application in enumerate(applications, start=1):
        name, credit_code, district, industry, contact, phone = _applicant_columns(application)
        submitted = application.submitted_at
        rows.append(
            [
                index,
                application.number,
                name,
                credit_code,
                district,
                industry,
                application.get_category_display(),
                contact,
                phone,
                _opinion(application),
                application.get_state_display(),
                # Excel has no time zones: write the wall-clock time in Asia/Shanghai.
                timezone.localtime(submitted).replace(tzinfo=None, microsecond=0) if submitted else None,
            ]
        )
    return rows


def summary_table(applications) -> tuple[list[str], list[list]]:
    """Counts per recommending district (rows) and state (columns, in lifecycle order), with totals."""
    counts = Counter((application.recommender, application.state) for application in applications)
    states = [state for state in ApplicationState if any(s == state for _d, s in counts)]
    districts = sorted({district for district, _s in counts}, key=lambda d: d.code)
    header = [SUMMARY_DISTRICT_HEADING, *(str(state.label) for state in states), TOTAL_HEADING]
    rows = []
    for district in districts:
        cells = [counts[(district, state)] for state in states]
        rows.append([str(district), *cells, sum(cells)])
    totals = [sum(counts[(district, state)] for district in districts) for state in states]
    rows.append([TOTAL_HEADING, *totals, sum(totals)])
    return header, rows


def _write_sheet(sheet, header: list[str], rows: list[list], widths: list[int]) -> None:
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            # openpyxl stores a string starting with "=" as a formula; a unit named "=HYPERLINK(…)" must stay text.
            if cell.data_type == "f":
                cell.data_type = "s"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def build_statistics_xlsx(*, edition: Edition, applications) -> bytes:
    """The workbook: the table of applicants, then the summary sheet. `applications` from
    statistics_applications(); the caller chooses the language of the state and category labels."""
    applications = list(applications)
    workbook = Workbook()
    table = workbook.active
    table.title = STATISTICS_SHEET
    _write_sheet(
        table,
        [heading for heading, _w in STATISTICS_COLUMNS],
        statistics_rows(applications),
        [width for _h, width in STATISTICS_COLUMNS],
    )
    for (cell,) in table.iter_rows(min_row=2, min_col=len(STATISTICS_COLUMNS), max_col=len(STATISTICS_COLUMNS)):
        cell.number_format = "yyyy-mm-dd hh:mm"
    for row in table.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    header, rows = summary_table(applications)
    summary = workbook.create_sheet(SUMMARY_SHEET)
    _write_sheet(summary, header, rows, [24, *([14] * (len(header) - 1))])
    for cell in summary[summary.max_row]:
        cell.font = Font(bold=True)
    workbook.properties.title = f"{edition.scheme.name} {edition.title} 申报统计表"
    workbook.properties.creator = edition.scheme.organiser
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- the application package ---------------------------------------------------------------------------------

FORM_TEMPLATE = "exports/application_form.html"
ATTACHMENTS_FOLDER = "附件"
MANIFEST_NAME = "清单.txt"
# Packages up to this size are built in memory; larger ones spill to a temporary file.
SPOOL_IN_MEMORY_BYTES = 8 * 1024 * 1024
_COPY_CHUNK = 1024 * 1024

# Characters Windows, macOS or an unzip tool would refuse or read as a path.
_UNSAFE_IN_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


class PackageUnavailable(Exception):
    """The package cannot be built; the message says why, for the person who asked."""


def safe_name(name: str) -> str:
    """`name` usable as one file-name component on any system: no separators, no control characters."""
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf"))
    name = _UNSAFE_IN_NAME.sub("_", name).strip(" .")
    return name or "_"


def package_number(application: Application) -> str:
    """The 申报编号 of the package name (Shandong notice 二（四）): the number the national online system gave,
    as the applicant entered it; the portal's own number until then."""
    return application.external_number or application.number or ""


def package_stem(application: Application) -> str:
    """The package name: "申报编号 + full unit name" (seed 003 二（四）); the person's name for an individual."""
    return safe_name(f"{package_number(application)}{application.applicant_name}")


def package_filename(application: Application) -> str:
    return f"{package_stem(application)}.zip"


def form_filename(application: Application) -> str:
    return f"{package_stem(application)}-申报表.pdf"


def max_package_bytes() -> int:
    # An applicant's current files are capped at UPLOAD_MAX_APPLICATION_BYTES; the same again leaves room for
    # the coordinators' letters and the form, and still stops a package no one could download.
    return 2 * settings.UPLOAD_MAX_APPLICATION_BYTES


def current_files(application: Application) -> list[ApplicationFile]:
    # Read from the prefetched files (selectors.application_for) where there are any.
    return [file for file in application.files.all() if file.superseded_at is None]


def _in_kind_order(files: list[ApplicationFile]) -> list[ApplicationFile]:
    order = list(FileKind.values)
    return sorted(files, key=lambda f: (order.index(f.kind) if f.kind in order else len(order), f.uploaded_at, f.pk))


def _attachment_entries(files: list[ApplicationFile]) -> list[tuple[str, ApplicationFile]]:
    """Entry names "附件/<kind>/<name>", made unique: two evidence files may carry the same name."""
    kind_labels = dict(FileKind.choices)
    taken: set[str] = set()
    entries = []
    for file in _in_kind_order(files):
        folder = f"{ATTACHMENTS_FOLDER}/{safe_name(str(kind_labels.get(file.kind, file.kind)))}"
        stem, dot, extension = safe_name(file.name).rpartition(".")
        if not dot:
            stem, extension = extension, ""
        entry, copy = f"{folder}/{safe_name(file.name)}", 1
        while entry.casefold() in taken:
            copy += 1
            entry = f"{folder}/{stem}（{copy}）{dot}{extension}"
        taken.add(entry.casefold())
        entries.append((entry, file))
    return entries


def _label(model, field: str) -> str:
    # The models' own verbose names, so the form speaks the catalogue's words for each field.
    return capfirst(str(model._meta.get_field(field).verbose_name))


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _rows(model, pairs) -> list[tuple[str, str]]:
    return [(_label(model, field), _shown(value)) for field, value in pairs]


def _applicant_rows(application: Application) -> list[tuple[str, str]]:
    if application.category != Category.UNIT:
        person = application.individual
        return _rows(
            IndividualProfile,
            [
                ("full_name", person.full_name),
                ("employer_name", person.employer_name),
                ("position", person.position),
                ("district", person.district),
                ("quality_work_since", person.quality_work_since),
                ("id_number_masked", person.id_number_masked),
            ],
        )
    organisation = application.organisation
    rows = _rows(
        Organisation,
        [("name", organisation.name), ("credit_code", organisation.credit_code), ("district", organisation.district)],
    )
    profile = getattr(organisation, "unit_profile", None)
    if profile is not None:
        rows += _rows(
            UnitProfile,
            [
                ("industry", profile.industry),
                ("founded_on", profile.founded_on),
                ("operating_since", profile.operating_since),
                ("four_new_field", profile.four_new_field),
                ("independent_legal_person", profile.independent_legal_person),
                ("encouraged_tags", "、".join(profile.encouraged_labels)),
                ("contact_name", profile.contact_name),
                ("contact_phone", profile.contact_phone),
            ],
        )
    return rows


def form_context(application: Application, *, files: list[ApplicationFile], generated_at: datetime) -> dict:
    """What the form template shows, as (label, text) rows. Call under the language of the printed form."""
    edition = application.edition
    facts = _rows(Edition, [("scheme", edition.scheme.name)]) + _rows(
        Application,
        [
            ("edition", edition.title),
            ("number", application.number),
            ("category", application.get_category_display()),
            ("recommender", application.recommender),
            ("submitted_at", application.submitted_at),
            ("state", application.get_state_display()),
            ("current_stage", application.current_stage and application.current_stage.get_kind_display()),
        ],
    )
    declarations = [
        ("profitable_years", application.profitable_years),
        ("accident_free_declared", application.accident_free_declared),
        ("violation_free_declared", application.violation_free_declared),
    ]
    if application.category != Category.UNIT:
        declarations = declarations[1:]
    return {
        "application": application,
        "scheme": edition.scheme,
        "edition": edition,
        "applicant_name": application.applicant_name,
        "facts": [(label, text) for label, text in facts if text],
        "applicant": [(label, text) for label, text in _applicant_rows(application) if text],
        "form": [
            (str(label), application.form_data.get(name, ""))
            for name, label, _req, _max in formspec.fields_for(application.category)
        ],
        "declarations": _rows(Application, declarations),
        "file_headings": [_label(ApplicationFile, f) for f in ("kind", "name", "size", "sha256")],
        "files": [
            (file.get_kind_display(), file.name, filesizeformat(file.size), file.sha256)
            for file in _in_kind_order(files)
        ],
        "recommendation_headings": [
            _label(Recommendation, f) for f in ("district", "decision", "opinion", "signed_by", "signed_at")
        ],
        "recommendations": [
            (r.district, r.get_decision_display(), r.opinion, r.signed_by, _shown(r.signed_at))
            for r in application.recommendations.all()
        ],
        "generated_at": f"{generated_at:%Y-%m-%d %H:%M}",
    }


@dataclass(frozen=True)
class ManifestLine:
    name: str
    size: int
    sha256: str
    recorded_sha256: str = ""

    def render(self) -> str:
        line = f"{self.sha256}  {self.size:>12}  {self.name}"
        if self.recorded_sha256 and self.recorded_sha256 != self.sha256:
            line += f"  （与上传时记录的 SHA-256 {self.recorded_sha256} 不一致）"
        return line


def _manifest(application: Application, lines: list[ManifestLine], generated_at: datetime) -> bytes:
    header = [
        f"申报编号：{package_number(application)}",
        *(
            [f"本门户编号：{application.number}"]
            if application.external_number
            else ["（申报单位尚未填写全国网上申报系统的申报编号，包名使用本门户编号）"]
        ),
        f"申报单位/申报人：{application.applicant_name}",
        f"奖项：{application.edition.scheme.name} {application.edition.title}",
        f"生成时间：{generated_at:%Y-%m-%d %H:%M:%S}（北京时间）",
        "",
        "SHA-256  字节数  文件",
    ]
    # Most readers open this in Windows Notepad: CRLF, and a BOM so that older versions detect UTF-8.
    return "\r\n".join([*header, *(line.render() for line in lines), ""]).encode("utf-8-sig")


def _zip_info(name: str, generated_at: datetime) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=generated_at.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def write_package(
    *, application: Application, files: list[ApplicationFile], form_pdf: bytes, generated_at: datetime, limit: int
) -> SpooledTemporaryFile:
    """Write the ZIP to a spooled temporary file positioned at its start; the caller closes it. Raises
    PackageUnavailable when the files on disk turn out larger than `limit`."""
    lines = []
    spool = SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY_BYTES)
    try:
        with zipfile.ZipFile(spool, "w", allowZip64=True) as archive:
            form_name = form_filename(application)
            archive.writestr(_zip_info(form_name, generated_at), form_pdf)
            lines.append(ManifestLine(form_name, len(form_pdf), hashlib.sha256(form_pdf).hexdigest()))
            written = len(form_pdf)
            for entry, file in _attachment_entries(files):
                digest, size = hashlib.sha256(), 0
                try:
                    source = file.file.open("rb")
                except FileNotFoundError:
                    logger.error("file %s of application %s is missing from storage", file.pk, application.pk)
                    raise PackageUnavailable(
                        _("The file %(name)s is missing from storage; please tell the award office.")
                        % {"name": file.name}
                    ) from None
                with source, archive.open(_zip_info(entry, generated_at), "w") as target:
                    while chunk := source.read(_COPY_CHUNK):
                        size += len(chunk)
                        written += len(chunk)
                        if written > limit:
                            raise PackageUnavailable(_too_large_message(limit))
                        digest.update(chunk)
                        target.write(chunk)
                line = ManifestLine(entry, size, digest.hexdigest(), file.sha256)
                if line.sha256 != file.sha256:
                    logger.error("file %s of application %s no longer matches its SHA-256", file.pk, application.pk)
                lines.append(line)
            archive.writestr(_zip_info(MANIFEST_NAME, generated_at), _manifest(application, lines, generated_at))
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool


def _too_large_message(limit: int) -> str:
    return _("The package would be larger than %(size)s; download the files one by one instead.") % {
        "size": filesizeformat(limit)
    }


def build_package(application: Application) -> SpooledTemporaryFile:
    """The ZIP of one application the caller may see (from selectors.application_for): the form as PDF in the
    portal's default language, every current attachment and the manifest. Raises PackageUnavailable for an
    application never submitted (it has no number to name the package by) or one too large to package."""
    if not application.number:
        raise PackageUnavailable(
            _("This application has not been submitted yet, so it has no number and no package to download.")
        )
    files = current_files(application)
    limit = max_package_bytes()
    if sum(file.size for file in files) > limit:
        raise PackageUnavailable(_too_large_message(limit))
    generated_at = timezone.localtime().replace(microsecond=0)
    with override(settings.LANGUAGE_CODE):
        form_pdf = render_pdf(FORM_TEMPLATE, form_context(application, files=files, generated_at=generated_at))
    return write_package(
        application=application, files=files, form_pdf=form_pdf, generated_at=generated_at, limit=limit
    )
