"""Importing experts from the office's .xlsx template (issue 10, item 4): the template, reading a file, the errors
of each row, files that are not workbooks, and the preview and confirmation pages (all rows or none)."""

import io
import zipfile

import pytest
from django.conf import settings
from django.core import mail, signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from accounts.enums import AuditAction, AuditResult, Role
from accounts.models import AuditEvent, User
from reviews import expert_import, services
from reviews.expert_import import ExpertRow, WorkbookRefused, read_workbook, template_workbook, validate_rows
from reviews.models import ExpertProfile
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def office(make_user):
    return make_user(Role.OFFICE_STAFF, username="office1")


GOOD = [
    [
        "liqiang",
        "李强",
        "13800000001",
        "liqiang@example.cn",
        "高级工程师",
        "威海某集团",
        "卓越绩效、质量管理",
        "装备制造",
        10,
    ],
    ["chenjing", "陈静", "139 0000 0002", "", "教授", "山东大学", "六西格玛，统计", "化工,医药", None],
    ["zhoujun", "周军", 13700000003, "zhoujun@example.cn", "", "临沂某研究院", "", "", "25"],
]


def workbook(rows, *, from_template=True) -> bytes:
    """A filled-in template: the downloaded one with its example row replaced by `rows`."""
    if from_template:
        book = load_workbook(io.BytesIO(template_workbook()))
        sheet = book.worksheets[0]
        sheet.delete_rows(2)
    else:
        book = Workbook()
        sheet = book.active
    start = 2 if from_template else 1  # the template's rows are pre-formatted, so append() would write far below
    for number, row in enumerate(rows, start=start):
        for column, value in enumerate(row, start=1):
            sheet.cell(row=number, column=column, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(data: bytes, name="experts.xlsx"):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


# --- the template ------------------------------------------------------------------------------------------------


def test_template_has_headers_an_example_row_and_notes():
    book = load_workbook(io.BytesIO(template_workbook()))
    experts, notes = book.worksheets
    assert [cell.value for cell in experts[1]] == [
        "Username",
        "Full name",
        "Mobile phone",
        "Email",
        "Professional title",
        "Employer",
        "Fields of expertise",
        "Industries",
        "Most applications per stage",
    ]
    assert [cell.value for cell in experts[2]][:2] == ["zhangsan2026", "张三"]
    assert notes.title == "Notes"
    assert notes["A2"].value == "Username" and notes["B2"].value == "yes"


def test_template_headers_are_chinese_in_the_chinese_ui():
    with translation.override("zh-hans"):
        book = load_workbook(io.BytesIO(template_workbook()))
    headers = [cell.value for cell in book.worksheets[0][1]]
    assert headers[0] == "用户名" and headers[5] == "工作单位"


def test_template_download_page(client, office):
    client.force_login(office)
    response = client.get(reverse("reviews:expert_import_template"))
    assert response.status_code == 200
    assert response["Content-Type"] == expert_import.XLSX_CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"]
    assert load_workbook(io.BytesIO(response.content)).sheetnames == ["Experts", "Notes"]


def test_the_example_row_left_in_is_an_error():
    rows = validate_rows(read_workbook(template_workbook()), taken_usernames=set(), taken_phones=set())
    assert rows[0].errors == ["This is the template's example row; replace it with a real expert or delete it."]


# --- reading and checking ------------------------------------------------------------------------------------------


def test_a_good_file_reads_into_rows():
    rows = read_workbook(workbook(GOOD + [[None] * 9]))  # a blank row at the end is skipped
    assert [row.row for row in rows] == [2, 3, 4]
    assert rows[1].fields == ["六西格玛", "统计"] and rows[1].industries == ["化工", "医药"]
    assert rows[2].phone == "13700000003"  # a number cell, kept as digits
    validate_rows(rows, taken_usernames=set(), taken_phones=set())
    assert [row.errors for row in rows] == [[], [], []]
    assert rows[1].service_arguments() == {
        "username": "chenjing",
        "full_name": "陈静",
        "phone": "13900000002",
        "email": "",
        "title": "教授",
        "employer_name": "山东大学",
        "fields": ["六西格玛", "统计"],
        "industries": ["化工", "医药"],
        "max_load": 20,
    }


def test_each_bad_row_gets_its_errors():
    bad = [
        ["liqiang", "李强", "13800000001", "", "", "单位A", "", "", ""],  # fine
        ["", "", "13800000009", "", "", "单位B", "", "", ""],  # row 3: username and name missing
        ["LiQiang", "李四", "13800000001", "", "", "单位C", "", "", ""],  # row 4: both duplicates within the file
        ["taken", "王五", "12345", "bad@", "院士", "单位D", "", "", "0"],  # row 5: many problems
        ["ok2", "赵六", "13800000002", "", "", "", "", "", "abc"],  # row 6: employer missing, bad load
        ["ok3", "钱七", "13800000003", "", "", "单位E", "", "", "201"],  # row 7: load too high
        ["ok4", "孙八", "13800000004", "", "", "单位F", "", "", ""],  # row 8: phone of an account
    ]
    rows = validate_rows(read_workbook(workbook(bad)), taken_usernames={"taken"}, taken_phones={"13800000004"})
    errors = {row.row: row.errors for row in rows}
    assert errors[2] == []
    assert errors[3] == ["Username is missing.", "Full name is missing."]
    assert errors[4] == [
        "Username “LiQiang” is already used in row 2 of this file.",
        "Mobile number 13800000001 is already used in row 2 of this file.",
    ]
    assert errors[5] == [
        "Username “taken” is taken by an existing account.",
        "“12345” is not a mobile number of 11 digits (e.g. 13800000000).",
        "“bad@” is not an e-mail address.",
        "Unknown professional title “院士”; use one of: 正高级工程师、高级工程师、工程师、教授、副教授、研究员、"
        "副研究员、正高级经济师、高级经济师、高级会计师、高级质量师.",
        "Most applications per stage must be a whole number from 1 to 200, not “0”.",
    ]
    assert errors[6] == [
        "Employer is missing.",
        "Most applications per stage must be a whole number from 1 to 200, not “abc”.",
    ]
    assert errors[7] == ["Most applications per stage must be a whole number from 1 to 200, not “201”."]
    assert errors[8] == ["Mobile number 13800000004 belongs to an existing account."]


def _zip(members: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


NOT_WORKBOOKS = {
    "pdf": (b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "not_xlsx"),
    "renamed-text": ("姓名,手机\n张三,13800000000\n".encode(), "not_xlsx"),
    "empty": (b"", "empty"),
    "zip-not-xlsx": (_zip({"readme.txt": "hello"}), "not_xlsx"),
    "docx": (_zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>"}), "not_xlsx"),
    "broken-zip": (b"PK\x03\x04" + b"\x00" * 40, "broken"),
    "fake-xlsx-parts": (_zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "not xml"}), "broken"),
    "huge": (b"PK\x03\x04" + b"0" * (expert_import.MAX_FILE_BYTES + 1), "too_large"),
    "zip-bomb": (
        _zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "0" * (expert_import.MAX_UNPACKED_BYTES + 1)}),
        "too_large",
    ),
    "other-headers": (workbook([["a", "b"]], from_template=False), "bad_headers"),
    "only-headers": (workbook([]), "no_rows"),
}


@pytest.mark.parametrize("kind", sorted(NOT_WORKBOOKS))
def test_a_file_that_is_not_the_template_is_refused(kind):
    data, code = NOT_WORKBOOKS[kind]
    with pytest.raises(WorkbookRefused) as refused:
        read_workbook(data)
    assert refused.value.code == code
    assert refused.value.messages[0]


def test_too_many_rows_are_refused(monkeypatch):
    monkeypatch.setattr(expert_import, "MAX_ROWS", 2)
    with pytest.raises(WorkbookRefused) as refused:
        read_workbook(workbook(GOOD))
    assert refused.value.code == "too_many_rows"


def test_service_imports_all_rows_with_role_and_audit(office):
    rows = read_workbook(workbook(GOOD))
    start = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    created = services.expert_import(rows=rows, by=office, file_name="experts.xlsx")
    assert [expert.full_name for expert in created] == ["李强", "陈静", "周军"]
    assert all(expert.user.has_role(Role.EXPERT) for expert in created)
    assert all(not expert.user.has_usable_password() for expert in created)
    assert ExpertProfile.objects.get(full_name="周军").max_load == 25
    trail = list(AuditEvent.objects.filter(pk__gt=start).order_by("pk").values_list("action", "object_type", "detail"))
    assert len(trail) == 7
    assert trail[-1] == (AuditAction.CREATE, "", "expert import experts.xlsx: 3 experts")
    assert [row[1] for row in trail[:-1]] == ["accounts.User", "reviews.ExpertProfile"] * 3


def test_service_imports_nothing_when_one_row_is_bad(office):
    rows = read_workbook(
        workbook(GOOD + [["", "", "", "", "", "", "", "", ""], ["x1", "", "", "", "", "", "", "", ""]])
    )
    with pytest.raises(services.ImportRefused) as refused:
        services.expert_import(rows=rows, by=office)
    assert [row.row for row in refused.value.rows if row.errors] == [6]  # the blank row 5 is skipped
    assert not ExpertProfile.objects.exists()
    assert not User.objects.filter(username__in=["liqiang", "chenjing", "zhoujun", "x1"]).exists()


def test_service_import_refused_to_non_office(make_user):
    auditor = make_user(Role.AUDITOR, username="aud")
    with pytest.raises(services.PermissionDenied):
        services.expert_import(rows=read_workbook(workbook(GOOD)), by=auditor)
    assert AuditEvent.objects.filter(result=AuditResult.REFUSED, actor=auditor).count() == 1
    assert not ExpertProfile.objects.exists()


# --- the pages ---------------------------------------------------------------------------------------------------


def test_good_file_preview_then_confirm_imports_every_row(client, office, django_capture_on_commit_callbacks):
    client.force_login(office)
    preview = client.post(reverse("reviews:expert_import"), {"file": upload(workbook(GOOD))})
    page = preview.content.decode()
    assert preview.status_code == 200
    assert 'data-rows="3" data-bad="0"' in page
    assert all(f'data-row="{number}" data-ok="true"' in page for number in (2, 3, 4))
    assert not ExpertProfile.objects.exists()  # nothing before the confirmation
    token = preview.context["token"]
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(reverse("reviews:expert_import"), {"token": token})
    assert done.status_code == 302 and done["Location"] == reverse("reviews:expert_import")
    assert sorted(ExpertProfile.objects.values_list("user__username", flat=True)) == ["chenjing", "liqiang", "zhoujun"]
    result = client.get(reverse("reviews:expert_import")).content.decode()
    assert 'id="import-done" data-imported="3"' in result
    assert result.count("/reviews/experts/welcome/") == 3
    assert "3 experts were imported." in result
    assert sorted(message.to[0] for message in mail.outbox) == [
        "liqiang@example.cn",
        "zhoujun@example.cn",
    ]
    # The same confirmation again imports nothing more: the usernames are taken now.
    again = client.post(reverse("reviews:expert_import"), {"token": token})
    assert again.status_code == 409
    assert ExpertProfile.objects.count() == 3


def test_bad_rows_are_shown_with_their_row_numbers_and_nothing_is_imported(client, office):
    UserFactory(username="chenjing")
    client.force_login(office)
    rows = GOOD + [["wu", "吴九", "1380000", "", "讲师", "单位", "", "", "300"]]
    preview = client.post(reverse("reviews:expert_import"), {"file": upload(workbook(rows))})
    page = preview.content.decode()
    assert 'data-rows="4" data-bad="2"' in page
    assert 'data-row="2" data-ok="true"' in page and 'data-row="4" data-ok="true"' in page
    assert 'data-row="3" data-ok="false"' in page and 'data-row="5" data-ok="false"' in page
    assert "Username “chenjing” is taken by an existing account." in page
    assert "“1380000” is not a mobile number of 11 digits" in page
    assert "Unknown professional title “讲师”" in page
    assert "not “300”" in page
    assert 'id="import-confirm"' not in page and preview.context["token"] == ""
    assert not ExpertProfile.objects.exists()


@pytest.mark.parametrize("kind", ["pdf", "renamed-text", "empty", "zip-not-xlsx", "huge"])
def test_page_refuses_a_file_that_is_not_a_workbook(client, office, kind):
    client.force_login(office)
    data = NOT_WORKBOOKS[kind][0]
    response = client.post(reverse("reviews:expert_import"), {"file": upload(data, name="experts.xlsx")})
    assert response.status_code == 400
    errors = response.context["form"].errors["file"]
    assert len(errors) == 1 and errors[0]
    assert not ExpertProfile.objects.exists()


def test_page_refuses_a_file_in_chinese(client, office):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    client.force_login(office)
    with translation.override("zh-hans"):
        response = client.post(reverse("reviews:expert_import"), {"file": upload(NOT_WORKBOOKS["pdf"][0], "a.pdf")})
    assert response.status_code == 400
    assert "xlsx" in response.context["form"].errors["file"][0]


def test_a_forged_or_foreign_token_imports_nothing(client, office, make_user):
    client.force_login(office)
    rows = [ExpertRow(row=2, username="evil", full_name="恶意", phone="13800000000", employer_name="某单位")]
    forged = signing.dumps({"by": office.pk, "rows": [row.as_dict() for row in rows]}, salt="other", compress=True)
    response = client.post(reverse("reviews:expert_import"), {"token": forged}, follow=True)
    assert "The preview has expired or was not yours" in response.content.decode()
    colleague = make_user(Role.OFFICE_STAFF)
    theirs = signing.dumps(
        {"by": colleague.pk, "rows": [row.as_dict() for row in rows]}, salt="reviews.expert_import", compress=True
    )
    client.post(reverse("reviews:expert_import"), {"token": theirs})
    tampered = theirs[:-3] + "abc"
    client.post(reverse("reviews:expert_import"), {"token": tampered})
    assert not ExpertProfile.objects.exists()


def test_confirm_revalidates_a_username_taken_since_the_preview(client, office):
    client.force_login(office)
    preview = client.post(reverse("reviews:expert_import"), {"file": upload(workbook(GOOD))})
    UserFactory(username="zhoujun")  # someone else took it meanwhile
    response = client.post(reverse("reviews:expert_import"), {"token": preview.context["token"]})
    assert response.status_code == 409
    assert 'data-row="4" data-ok="false"' in response.content.decode()
    assert not ExpertProfile.objects.exists()
    assert not User.objects.filter(username__in=["liqiang", "chenjing"]).exists()


def test_import_pages_refuse_outsiders(client, make_user):
    assert client.get(reverse("reviews:expert_import")).status_code == 302
    for role in (Role.AUDITOR, Role.EXPERT, Role.APPLICANT, Role.SYSADMIN):
        client.force_login(make_user(role))
        assert client.get(reverse("reviews:expert_import")).status_code == 403
        assert client.get(reverse("reviews:expert_import_template")).status_code == 403
        assert client.post(reverse("reviews:expert_import"), {"file": upload(workbook(GOOD))}).status_code == 403
    assert not ExpertProfile.objects.exists()
