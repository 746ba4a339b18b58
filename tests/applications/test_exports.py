"""The exports: the statistics table of applicants (seed 003, annex 3) and the application package (seed 003:
named "application number + full unit name")."""

import hashlib
import io
import re
import subprocess
import zipfile
from datetime import UTC, date, datetime
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.template.defaultfilters import filesizeformat
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from accounts.enums import Role
from accounts.models import District
from accounts.services import coordinator_grant_district
from applications import pdf, services
from applications.enums import ApplicationState, FileKind, RecommendationDecision
from applications.exports import STATISTICS_COLUMNS
from applications.models import Application, ApplicationFile, IndividualProfile, Recommendation, UnitProfile
from awards.enums import Category, EditionStatus
from awards.models import Edition, Scheme
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

S = ApplicationState
HUANCUI, WENDENG = "371002", "371003"
SUBMITTED_AT = datetime(2026, 5, 10, 1, 30, tzinfo=UTC)  # 09:30 in Asia/Shanghai
HEADER = [
    "序号",
    "申报编号",
    "单位名称/姓名",
    "统一社会信用代码",
    "所在区县（市）",
    "所属行业",
    "类别",
    "联系人",
    "联系电话",
    "推荐意见",
    "当前状态",
    "提交时间",
]


def zh(label) -> str:
    """A model label as the exports print it: in the portal's default language."""
    with translation.override("zh-hans"):
        return str(label)


# --- scenario ------------------------------------------------------------------------------------------------


@pytest.fixture
def edition():
    scheme = Scheme.objects.get(code="weihai-mayor")
    return Edition.objects.create(
        scheme=scheme,
        rulebook=scheme.rulebooks.get(),
        year=2026,
        title="2026年度",
        status=EditionStatus.OPEN,
        application_opens=date(2026, 4, 1),
        application_closes=date(2026, 12, 31),
        recommendation_deadline=date(2026, 12, 31),
    )


def unit_application(edition, *, number, state=S.SUBMITTED, district=HUANCUI, name=None) -> Application:
    organisation = OrganisationFactory(district=District.objects.get(code=district), **({"name": name} if name else {}))
    UnitProfile.objects.create(
        organisation=organisation,
        industry="装备制造",
        founded_on=date(2008, 3, 1),
        operating_since=date(2009, 1, 1),
        contact_name="王经理",
        contact_phone="0631-5200000",
    )
    owner = UserFactory(roles=[Role.APPLICANT], organisation=organisation)
    # The state is protected: set once at creation, as a fixture may, never assigned afterwards.
    return Application.objects.create(
        edition=edition,
        category=Category.UNIT,
        owner=owner,
        organisation=organisation,
        applicant_key=f"org:{organisation.pk}",
        recommender=District.objects.get(code=district),
        number=number,
        state=state,
        submitted_at=SUBMITTED_AT if number else None,
        form_data={
            "summary": "本公司主营精密机械，员工三百人。",
            "quality_management": "全面推行卓越绩效模式。",
            "main_indicators": "近三年产品合格率 99.9%。",
        },
        profitable_years=3,
        accident_free_declared=True,
        violation_free_declared=True,
    )


def individual_application(edition, *, number, district=HUANCUI) -> Application:
    owner = UserFactory(roles=[Role.APPLICANT], phone="13906310000")
    person = IndividualProfile.objects.create(
        user=owner,
        full_name="李质量",
        employer_name="威海精工机械有限公司",
        district=District.objects.get(code=district),
        quality_work_since=date(2010, 1, 1),
    )
    return Application.objects.create(
        edition=edition,
        category=Category.INDIVIDUAL,
        owner=owner,
        individual=person,
        applicant_key=f"person:{owner.pk}",
        recommender=District.objects.get(code=district),
        number=number,
        state=S.SUBMITTED,
        submitted_at=SUBMITTED_AT,
        form_data={"summary": "从事质量工作十六年。", "contributions": "主持质量攻关项目。"},
    )


def make_coordinator(district=HUANCUI):
    coordinator = UserFactory(roles=[Role.DISTRICT_COORDINATOR])
    coordinator_grant_district(user=coordinator, district=District.objects.get(code=district))
    return coordinator


def recommend(application, *, by, opinion="同意推荐。") -> Recommendation:
    return Recommendation.objects.create(
        application=application,
        district=application.recommender,
        decision=RecommendationDecision.RECOMMEND,
        opinion=opinion,
        signed_by=by,
    )


def attach(application, kind, name, data: bytes, *, superseded=False) -> ApplicationFile:
    file = ApplicationFile(
        application=application,
        kind=kind,
        name=name,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content_type="application/pdf",
        uploaded_by=application.owner,
        superseded_at=timezone.now() if superseded else None,
    )
    file.file.save(name, ContentFile(data), save=False)
    file.save()
    return file


def fake_pdf(text: str) -> bytes:
    return f"%PDF-1.4\n% {text}\n%%EOF\n".encode()


@pytest.fixture
def office():
    return UserFactory(roles=[Role.OFFICE_STAFF], is_staff=True)


@pytest.fixture
def coordinator():
    return make_coordinator(HUANCUI)


@pytest.fixture
def scenario(edition, coordinator):
    """Huancui: one recommended unit, one individual, one withdrawn after submission, one draft, one draft withdrawn
    before submission. Wendeng: one submitted unit."""
    recommended = unit_application(edition, number="WH-2026-0001", state=S.RECOMMENDED, name="威海精工机械有限公司")
    recommend(recommended, by=coordinator)
    wendeng = unit_application(edition, number="WH-2026-0002", district=WENDENG, name="文登海洋食品有限公司")
    person = individual_application(edition, number="WH-2026-0003")
    withdrawn = unit_application(edition, number="WH-2026-0004", state=S.WITHDRAWN)
    draft = unit_application(edition, number=None, state=S.DRAFT)
    withdrawn_draft = unit_application(edition, number=None, state=S.WITHDRAWN)
    return {
        "recommended": recommended,
        "wendeng": wendeng,
        "person": person,
        "withdrawn": withdrawn,
        "draft": draft,
        "withdrawn_draft": withdrawn_draft,
    }


def statistics_url(edition, **query) -> str:
    url = reverse("application_exports:statistics_xlsx", args=[edition.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def package_url(application) -> str:
    return reverse("application_exports:application_package", args=[application.pk])


def workbook_of(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def values(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


# --- the statistics table ------------------------------------------------------------------------------------


def test_statistics_xlsx_office_gets_every_submitted_application(client, office, edition, scenario):
    client.force_login(office)
    response = client.get(statistics_url(edition))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''" + quote("WH-2026-申报统计表.xlsx")
    assert response["Cache-Control"] == "private, no-store"
    workbook = workbook_of(response)
    assert workbook.sheetnames == ["申报统计表", "汇总"]
    rows = values(workbook["申报统计表"])
    assert rows[0] == HEADER
    assert [row[1] for row in rows[1:]] == ["WH-2026-0001", "WH-2026-0003", "WH-2026-0004", "WH-2026-0002"]
    recommended = scenario["recommended"]
    assert rows[1] == [
        1,
        "WH-2026-0001",
        "威海精工机械有限公司",
        recommended.organisation.credit_code,
        "威海市环翠区",
        "装备制造",
        zh(Category.UNIT.label),
        "王经理",
        "0631-5200000",
        zh(RecommendationDecision.RECOMMEND.label) + "：同意推荐。",
        zh(S.RECOMMENDED.label),
        datetime(2026, 5, 10, 9, 30),
    ]
    assert rows[2] == [
        2,
        "WH-2026-0003",
        "李质量",
        None,
        "威海市环翠区",
        None,
        zh(Category.INDIVIDUAL.label),
        "李质量",
        "13906310000",
        None,
        zh(S.SUBMITTED.label),
        datetime(2026, 5, 10, 9, 30),
    ]


def test_statistics_xlsx_header_is_bold_frozen_and_sized(client, office, edition, scenario):
    client.force_login(office)
    sheet = workbook_of(client.get(statistics_url(edition)))["申报统计表"]

    assert [cell.font.bold for cell in sheet[1]] == [True] * len(HEADER)
    assert sheet.freeze_panes == "A2"
    assert [sheet.column_dimensions[chr(ord("A") + i)].width for i in range(len(HEADER))] == [
        width for _heading, width in STATISTICS_COLUMNS
    ]
    assert sheet["L2"].number_format == "yyyy-mm-dd hh:mm"


def test_statistics_xlsx_summary_counts_per_district_and_state(client, office, edition, scenario):
    client.force_login(office)
    summary = workbook_of(client.get(statistics_url(edition)))["汇总"]

    assert values(summary) == [
        ["推荐区县（市）", zh(S.SUBMITTED.label), zh(S.RECOMMENDED.label), zh(S.WITHDRAWN.label), "合计"],
        ["威海市环翠区", 1, 1, 1, 3],
        ["威海市文登区", 1, 0, 0, 1],
        ["合计", 2, 1, 1, 4],
    ]
    assert summary.freeze_panes == "A2"
    assert summary["A1"].font.bold


def test_statistics_xlsx_coordinator_sees_only_their_districts(client, coordinator, edition, scenario):
    client.force_login(coordinator)
    workbook = workbook_of(client.get(statistics_url(edition)))

    assert [row[1] for row in values(workbook["申报统计表"])[1:]] == ["WH-2026-0001", "WH-2026-0003", "WH-2026-0004"]
    assert values(workbook["汇总"])[1:] == [["威海市环翠区", 1, 1, 1, 3], ["合计", 1, 1, 1, 3]]


def test_statistics_xlsx_coordinator_who_also_applies_tabulates_only_their_districts(client, edition, scenario):
    coordinator = make_coordinator(WENDENG)
    coordinator.groups.add(*scenario["recommended"].owner.groups.all())
    coordinator.organisation = scenario["recommended"].organisation
    coordinator.save(update_fields=["organisation"])
    client.force_login(coordinator)

    rows = values(workbook_of(client.get(statistics_url(edition)))["申报统计表"])

    assert [row[1] for row in rows[1:]] == ["WH-2026-0002"]


def test_statistics_xlsx_filtered_to_one_district(client, office, edition, scenario):
    client.force_login(office)
    wendeng = District.objects.get(code=WENDENG)
    response = client.get(statistics_url(edition, district=wendeng.pk))

    assert response["Content-Disposition"] == "attachment; filename*=utf-8''" + quote(
        "WH-2026-威海市文登区-申报统计表.xlsx"
    )
    assert [row[1] for row in values(workbook_of(response)["申报统计表"])[1:]] == ["WH-2026-0002"]


def test_statistics_xlsx_coordinator_asking_for_another_district_is_404(client, coordinator, edition, scenario):
    client.force_login(coordinator)
    wendeng = District.objects.get(code=WENDENG)

    assert client.get(statistics_url(edition, district=wendeng.pk)).status_code == 404
    assert client.get(statistics_url(edition, district="x")).status_code == 404


def test_statistics_xlsx_keeps_text_that_looks_like_a_formula_as_text(client, office, edition):
    unit_application(edition, number="WH-2026-0001", name='=HYPERLINK("http://example.com","点击")')
    client.force_login(office)

    sheet = workbook_of(client.get(statistics_url(edition)))["申报统计表"]

    assert (sheet["C2"].value, sheet["C2"].data_type) == ('=HYPERLINK("http://example.com","点击")', "s")


def test_statistics_xlsx_empty_edition_has_header_and_zero_totals(client, office, edition):
    client.force_login(office)
    workbook = workbook_of(client.get(statistics_url(edition)))

    assert values(workbook["申报统计表"]) == [HEADER]
    assert values(workbook["汇总"]) == [["推荐区县（市）", "合计"], ["合计", 0]]


def test_statistics_xlsx_queries_do_not_grow_with_rows(client, office, coordinator, edition):
    def queries_for(count: int) -> int:
        for _ in range(count):
            application = unit_application(edition, number=f"WH-2026-{Application.objects.count() + 1:04d}")
            recommend(application, by=coordinator)
        client.force_login(office)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(statistics_url(edition))
            rows = values(workbook_of(response)["申报统计表"])
        assert len(rows) == Application.objects.count() + 1
        return len(captured)

    one = queries_for(1)
    thirty_one = queries_for(30)

    assert one == thirty_one


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.EXPERT, Role.AUDITOR, Role.SUPERVISOR, Role.SYSADMIN])
def test_statistics_xlsx_wrong_role_is_403(client, edition, scenario, role):
    client.force_login(UserFactory(roles=[role]))
    response = client.get(statistics_url(edition))

    assert response.status_code == 403
    assert b"PK" not in response.content[:2]


def test_statistics_xlsx_anonymous_goes_to_login(client, edition):
    url = statistics_url(edition)
    response = client.get(url)

    assert (response.status_code, response["Location"]) == (302, f"{reverse('accounts:login')}?next={quote(url)}")


def test_statistics_xlsx_unknown_edition_is_404(client, office):
    client.force_login(office)

    assert client.get(reverse("application_exports:statistics_xlsx", args=[999999])).status_code == 404


def test_statistics_xlsx_post_is_refused(client, office, edition):
    client.force_login(office)

    assert client.post(statistics_url(edition)).status_code == 405


# --- the application package ---------------------------------------------------------------------------------


@pytest.fixture
def packaged(scenario, coordinator):
    """The recommended Huancui unit with a self-evaluation report replaced once, two evidence files of the same
    name, and the coordinator's letter."""
    application = scenario["recommended"]
    attach(application, FileKind.SELF_EVALUATION, "自评报告.pdf", fake_pdf("old"), superseded=True)
    attach(application, FileKind.SELF_EVALUATION, "自评报告.pdf", fake_pdf("自评报告"))
    attach(application, FileKind.EVIDENCE, "证明材料.pdf", fake_pdf("证明一"))
    attach(application, FileKind.EVIDENCE, "证明材料.pdf", fake_pdf("证明二"))
    attach(application, FileKind.RECOMMENDATION_LETTER, "推荐函.pdf", fake_pdf("推荐函"))
    return application


def archive_of(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_package_zip_is_named_by_number_and_full_unit_name(client, office, packaged):
    client.force_login(office)
    response = client.get(package_url(packaged))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''" + quote(
        "WH-2026-0001威海精工机械有限公司.zip"
    )
    assert response["Cache-Control"] == "private, no-store"
    kind = {k: zh(k.label) for k in FileKind}
    assert archive_of(response).namelist() == [
        "WH-2026-0001威海精工机械有限公司-申报表.pdf",
        f"附件/{kind[FileKind.SELF_EVALUATION]}/自评报告.pdf",
        f"附件/{kind[FileKind.EVIDENCE]}/证明材料.pdf",
        f"附件/{kind[FileKind.EVIDENCE]}/证明材料（2）.pdf",
        f"附件/{kind[FileKind.RECOMMENDATION_LETTER]}/推荐函.pdf",
        "清单.txt",
    ]


def test_package_zip_holds_current_files_unchanged(client, office, packaged):
    client.force_login(office)
    archive = archive_of(client.get(package_url(packaged)))

    kind = {k: zh(k.label) for k in FileKind}
    assert archive.read(f"附件/{kind[FileKind.SELF_EVALUATION]}/自评报告.pdf") == fake_pdf("自评报告")
    assert archive.read(f"附件/{kind[FileKind.EVIDENCE]}/证明材料（2）.pdf") == fake_pdf("证明二")


def test_package_zip_form_pdf_shows_chinese_in_an_embedded_cjk_font(client, office, packaged):
    client.force_login(office)
    archive = archive_of(client.get(package_url(packaged)))

    text, fonts = pdf.pdf_text_and_fonts(archive.read("WH-2026-0001威海精工机械有限公司-申报表.pdf"))

    assert "威海精工机械有限公司" in text
    assert "WH-2026-0001" in text
    assert "全面推行卓越绩效模式。" in text
    assert "同意推荐。" in text
    assert hashlib.sha256(fake_pdf("证明二")).hexdigest() in text.replace("\n", "")
    assert fonts and all("CJK" in font for font in fonts), fonts
    assert any(font.startswith("Noto-Sans-CJK-SC") for font in fonts), fonts


def test_package_zip_manifest_hashes_match_the_entries(client, office, packaged):
    client.force_login(office)
    archive = archive_of(client.get(package_url(packaged)))

    manifest = archive.read("清单.txt").decode("utf-8-sig")
    listed = {
        name: (int(size), digest)
        for digest, size, name in re.findall(r"^([0-9a-f]{64})\s+(\d+)\s+(.+?)\r?$", manifest, flags=re.M)
    }
    entries = [name for name in archive.namelist() if name != "清单.txt"]
    assert listed == {
        name: (len(archive.read(name)), hashlib.sha256(archive.read(name)).hexdigest()) for name in entries
    }
    assert "申报编号：WH-2026-0001" in manifest
    assert "不一致" not in manifest


def test_package_zip_manifest_flags_a_file_changed_since_upload(client, office, packaged):
    evidence = packaged.files.filter(kind=FileKind.EVIDENCE).first()
    with evidence.file.open("wb") as stored:
        stored.write(b"tampered")
    client.force_login(office)

    manifest = archive_of(client.get(package_url(packaged))).read("清单.txt").decode("utf-8-sig")

    assert f"（与上传时记录的 SHA-256 {evidence.sha256} 不一致）" in manifest


def test_package_zip_with_a_file_missing_from_storage_is_refused_with_a_reason(client, office, packaged):
    evidence = packaged.files.filter(kind=FileKind.EVIDENCE).first()
    evidence.file.storage.delete(evidence.file.name)
    client.force_login(office)

    response = client.get(package_url(packaged))

    assert response.status_code == 409
    with translation.override("zh-hans"):
        assert response.context["reason"] == translation.gettext(
            "The file %(name)s is missing from storage; please tell the award office."
        ) % {"name": "证明材料.pdf"}


def test_package_zip_individual_is_named_by_the_person(client, office, scenario):
    client.force_login(office)
    response = client.get(package_url(scenario["person"]))

    assert response["Content-Disposition"] == "attachment; filename*=utf-8''" + quote("WH-2026-0003李质量.zip")
    archive = archive_of(response)
    assert archive.namelist() == ["WH-2026-0003李质量-申报表.pdf", "清单.txt"]
    text, _fonts = pdf.pdf_text_and_fonts(archive.read("WH-2026-0003李质量-申报表.pdf"))
    assert "李质量" in text
    assert "主持质量攻关项目。" in text


@pytest.mark.parametrize("who", ["office", "coordinator", "applicant"])
def test_package_zip_is_given_to_those_who_may_see_it(client, office, coordinator, packaged, who):
    client.force_login({"office": office, "coordinator": coordinator, "applicant": packaged.owner}[who])
    response = client.get(package_url(packaged))

    assert response.status_code == 200
    assert "WH-2026-0001威海精工机械有限公司-申报表.pdf" in archive_of(response).namelist()


def test_package_zip_anonymous_goes_to_login(client, packaged):
    url = package_url(packaged)
    response = client.get(url)

    assert (response.status_code, response["Location"]) == (302, f"{reverse('accounts:login')}?next={quote(url)}")


@pytest.mark.parametrize("role", [Role.EXPERT, Role.AUDITOR, Role.SUPERVISOR, Role.SYSADMIN, Role.AGENCY_STAFF])
def test_package_zip_wrong_role_is_403(client, packaged, role):
    client.force_login(UserFactory(roles=[role]))

    assert client.get(package_url(packaged)).status_code == 403


def test_package_zip_applicant_of_another_unit_is_404(client, scenario, packaged):
    client.force_login(scenario["wendeng"].owner)

    assert client.get(package_url(packaged)).status_code == 404


def test_package_zip_coordinator_of_another_district_is_404(client, packaged):
    client.force_login(make_coordinator(WENDENG))

    assert client.get(package_url(packaged)).status_code == 404


def test_package_zip_unknown_application_is_404(client, office):
    client.force_login(office)

    assert client.get(reverse("application_exports:application_package", args=[999999])).status_code == 404


def test_package_zip_draft_is_404_with_a_reason(client, scenario):
    draft = scenario["draft"]
    client.force_login(draft.owner)
    response = client.get(package_url(draft))

    assert response.status_code == 404
    assert response.templates[0].name == "exports/package_unavailable.html"
    with translation.override("zh-hans"):
        assert response.context["reason"] == translation.gettext(
            "This application has not been submitted yet, so it has no number and no package to download."
        )


def test_package_zip_draft_is_invisible_to_the_office_coordinator_too(client, coordinator, scenario):
    client.force_login(coordinator)

    assert client.get(package_url(scenario["draft"])).status_code == 404


@override_settings(UPLOAD_MAX_APPLICATION_BYTES=40)
def test_package_zip_too_large_is_refused_with_a_reason(client, office, packaged):
    client.force_login(office)
    response = client.get(package_url(packaged))

    assert response.status_code == 409
    assert response.templates[0].name == "exports/package_unavailable.html"
    with translation.override("zh-hans"):
        assert response.context["reason"] == translation.gettext(
            "The package would be larger than %(size)s; download the files one by one instead."
        ) % {"size": filesizeformat(80)}


def test_package_zip_post_is_refused(client, office, packaged):
    client.force_login(office)

    assert client.post(package_url(packaged)).status_code == 405


# --- rendering ---------------------------------------------------------------------------------------------


def test_render_pdf_without_cjk_font_names_the_debian_package(monkeypatch):
    def no_fonts(*args, **kwargs):
        return subprocess.CompletedProcess(args, 0, stdout="", stderr="")

    pdf.cjk_font_families.cache_clear()
    monkeypatch.setattr(pdf.subprocess, "run", no_fonts)
    try:
        with pytest.raises(RuntimeError, match="fonts-noto-cjk"):
            pdf.render_pdf("exports/application_form.html", {})
    finally:
        pdf.cjk_font_families.cache_clear()


def test_render_pdf_without_fontconfig_names_the_debian_package(monkeypatch):
    def missing(*args, **kwargs):
        raise FileNotFoundError("fc-list")

    pdf.cjk_font_families.cache_clear()
    monkeypatch.setattr(pdf.subprocess, "run", missing)
    try:
        with pytest.raises(RuntimeError, match="fonts-noto-cjk"):
            pdf.render_pdf("exports/application_form.html", {})
    finally:
        pdf.cjk_font_families.cache_clear()


def test_cjk_font_families_finds_noto_on_this_machine():
    pdf.cjk_font_families.cache_clear()

    assert "Noto Sans CJK SC" in pdf.cjk_font_families()


def test_render_pdf_loads_only_static_files_and_inline_data(settings):
    static = settings.BASE_DIR / "static" / "css" / "portal.css"

    assert pdf.may_fetch(static.as_uri())
    assert pdf.may_fetch("data:image/png;base64,iVBORw0KGgo=")
    assert not pdf.may_fetch("https://example.com/x.png")
    assert not pdf.may_fetch("file:///etc/passwd")
    assert not pdf.may_fetch((settings.BASE_DIR / "static" / ".." / "config" / "settings" / "base.py").as_uri())


@pytest.mark.parametrize("row", [pytest.param("S4c", id="S4c-shandong-2-4-package-named-by-national-number")])
def test_package_is_named_by_the_national_number_once_entered(client, office, packaged, row):
    """S4c (Shandong notice 二（四）): "申报编号+申报单位全称", the 申报编号 being the national online system's; until
    the applicant enters it the portal's number stands in, and the manifest says so."""
    client.force_login(office)
    manifest = archive_of(client.get(package_url(packaged))).read("清单.txt").decode("utf-8-sig")
    assert "（申报单位尚未填写全国网上申报系统的申报编号，包名使用本门户编号）" in manifest
    services.application_set_route(
        application=packaged, by=packaged.owner, province_owned=False, external_number="QGBG-2021-0123"
    )
    response = client.get(package_url(packaged))
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''" + quote(
        "QGBG-2021-0123威海精工机械有限公司.zip"
    )
    manifest = archive_of(response).read("清单.txt").decode("utf-8-sig")
    assert "申报编号：QGBG-2021-0123" in manifest and "本门户编号：WH-2026-0001" in manifest
