import hashlib
import io
import logging
import os
import zipfile

import pytest
from django.core.files.base import File
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.utils import translation
from PIL import Image
from pypdf import PdfWriter

from applications.uploads import (
    ALLOWED_KINDS,
    MAX_NAME_LENGTH,
    CheckedUpload,
    UploadRejected,
    check_upload,
    sanitise_name,
)

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
CONTENT_TYPES_XML = '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def make_pdf(*, password: str | None = None, owner_password: str | None = None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if password is not None:
        writer.encrypt(user_password=password, owner_password=owner_password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def make_zip(members: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def make_docx(**extra: bytes | str) -> bytes:
    return make_zip({"[Content_Types].xml": CONTENT_TYPES_XML, "word/document.xml": "<w:document/>", **extra})


def make_xlsx() -> bytes:
    return make_zip({"[Content_Types].xml": CONTENT_TYPES_XML, "xl/workbook.xml": "<workbook/>"})


def make_pptx() -> bytes:
    return make_zip({"[Content_Types].xml": CONTENT_TYPES_XML, "ppt/presentation.xml": "<p:presentation/>"})


def make_image(image_format: str, *, size: tuple[int, int] = (8, 8), noise: bool = False) -> bytes:
    if noise:
        image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        image = Image.new("RGB", size, (200, 30, 30))
    buffer = io.BytesIO()
    image.save(buffer, format=image_format)
    return buffer.getvalue()


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def rejection(uploaded, **limits) -> UploadRejected:
    with pytest.raises(UploadRejected) as caught:
        check_upload(uploaded, **limits)
    return caught.value


@pytest.mark.parametrize(
    ("name", "build", "kind", "content_type", "expected_name"),
    [
        ("自评报告.pdf", make_pdf, "pdf", "application/pdf", "自评报告.pdf"),
        ("report.docx", make_docx, "docx", DOCX_TYPE, "report.docx"),
        ("budget.xlsx", make_xlsx, "xlsx", XLSX_TYPE, "budget.xlsx"),
        ("slides.pptx", make_pptx, "pptx", PPTX_TYPE, "slides.pptx"),
        ("old.doc", lambda: OLE2_MAGIC + bytes(504), "doc", "application/msword", "old.doc"),
        ("old.xls", lambda: OLE2_MAGIC + bytes(504), "xls", "application/vnd.ms-excel", "old.xls"),
        ("old.ppt", lambda: OLE2_MAGIC + bytes(504), "ppt", "application/vnd.ms-powerpoint", "old.ppt"),
        ("photo.jpg", lambda: make_image("JPEG"), "jpeg", "image/jpeg", "photo.jpg"),
        ("photo.jpeg", lambda: make_image("JPEG"), "jpeg", "image/jpeg", "photo.jpeg"),
        ("certificate.png", lambda: make_image("PNG"), "png", "image/png", "certificate.png"),
    ],
)
def test_check_upload_allowed_kind_described(name, build, kind, content_type, expected_name):
    data = build()
    uploaded = upload(name, data)

    checked = check_upload(uploaded)

    assert checked == CheckedUpload(
        name=expected_name,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content_type=content_type,
        kind=kind,
    )
    assert uploaded.tell() == 0
    assert uploaded.read() == data


def test_allowed_kinds_cover_every_detected_kind():
    assert sorted(ALLOWED_KINDS) == ["doc", "docx", "jpeg", "pdf", "png", "ppt", "pptx", "xls", "xlsx"]


@pytest.mark.parametrize(
    ("name", "build", "expected_name"),
    [
        ("report.PDF", make_pdf, "report.pdf"),
        # An allowed type under another allowed type's extension is accepted and renamed to what it is.
        ("report.docx", make_pdf, "report.pdf"),
        ("table.pdf", make_xlsx, "table.xlsx"),
        ("photo.JPG", lambda: make_image("JPEG"), "photo.jpg"),
        ("photo.jpg", lambda: make_image("PNG"), "photo.png"),
        ("scan.png", lambda: make_image("JPEG"), "scan.jpg"),
        # An extension that is not an allowed type stays part of the name.
        ("scan.v2", make_pdf, "scan.v2.pdf"),
        ("no extension", make_pdf, "no extension.pdf"),
    ],
)
def test_check_upload_name_extension_follows_content(name, build, expected_name):
    assert check_upload(upload(name, build())).name == expected_name


def test_check_upload_disk_file_hashed_across_chunks():
    data = make_image("PNG", size=(300, 300), noise=True)
    assert len(data) > 2 * 64 * 1024  # more than one default chunk
    uploaded = TemporaryUploadedFile("noise.png", "image/png", len(data), None)
    uploaded.write(data)
    uploaded.seek(0)

    try:
        checked = check_upload(uploaded)
        assert (checked.size, checked.sha256, checked.kind) == (len(data), hashlib.sha256(data).hexdigest(), "png")
        assert uploaded.tell() == 0
    finally:
        uploaded.close()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(100)),
        ("report.docx", b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"),
        ("run.pdf", b"#!/bin/sh\nrm -rf /\n"),
        ("notes.pdf", "自评报告正文".encode()),
        ("archive.docx", b"Rar!\x1a\x07\x00" + bytes(50)),
    ],
)
def test_check_upload_type_not_allowed_refused(name, data):
    with translation.override("en"):
        error = rejection(upload(name, data))

    assert error.code == "type_not_allowed"
    with translation.override("en"):
        assert str(error.message) == (
            f"“{name}” is not a type of file the portal accepts, whatever its name says. Please upload PDF, Word, "
            "Excel, PowerPoint, JPEG or PNG files."
        )


def test_check_upload_empty_file_refused():
    error = rejection(upload("empty.pdf", b""))

    assert error.code == "empty"


def test_check_upload_file_over_max_bytes_refused():
    error = rejection(upload("big.pdf", make_pdf() + bytes(1000)), max_bytes=1000)

    assert error.code == "too_large"


def test_check_upload_file_at_max_bytes_accepted():
    data = make_pdf()

    assert check_upload(upload("exact.pdf", data), max_bytes=len(data)).size == len(data)


def test_check_upload_too_large_uses_setting_and_shows_megabytes(settings):
    settings.UPLOAD_MAX_FILE_BYTES = 1024 * 1024
    with translation.override("en"):
        error = rejection(upload("scan.pdf", b"%PDF-" + bytes(1024 * 1024 + 1024 * 400)))

        assert error.code == "too_large"
        assert error.message == (
            "The file “scan.pdf” is 1.4 MB; a file may be at most 1 MB. Please make it smaller (for example by "
            "scanning at a lower resolution) or split it."
        )


def test_check_upload_over_application_total_refused():
    data = make_pdf()

    error = rejection(upload("one-more.pdf", data), used_bytes=10_000, max_total_bytes=10_000 + len(data) - 1)

    assert error.code == "application_too_large"


def test_check_upload_filling_application_total_exactly_accepted():
    data = make_pdf()

    checked = check_upload(upload("last.pdf", data), used_bytes=10_000, max_total_bytes=10_000 + len(data))

    assert checked.kind == "pdf"


def test_check_upload_application_total_uses_setting(settings):
    settings.UPLOAD_MAX_APPLICATION_BYTES = 5 * 1024 * 1024
    with translation.override("en"):
        error = rejection(upload("last.pdf", make_pdf()), used_bytes=5 * 1024 * 1024)

        assert error.code == "application_too_large"
        assert error.message == (
            "Adding “last.pdf” (0.1 MB) would bring this application's files to 5.1 MB; together they may take at "
            "most 5 MB. Please remove or shrink other files first."
        )


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd.pdf",
        "/etc/passwd.pdf",
        "a\\b.pdf",
        "..\\..\\boot.ini.pdf",
        "C:report.pdf",
        "..",
        "~/report.pdf",
        "~$自评报告.docx",
        "x\x00.pdf",
        "tab\there.pdf",
        "line\nbreak.pdf",
        "\u202efdp.exe",  # shows as "exe.pdf" right to left
        "",
        " . ",
    ],
)
def test_check_upload_bad_name_refused(name):
    # django.core.files.base.File keeps the name as given; an UploadedFile would already have cut it to the basename.
    error = rejection(File(io.BytesIO(make_pdf()), name=name))

    assert error.code == "bad_name"


def test_check_upload_path_name_already_cut_by_django():
    # Django's UploadedFile keeps only the basename, so a path never reaches check_upload from a request.
    assert check_upload(upload("../../etc/passwd.pdf", make_pdf())).name == "passwd.pdf"


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("x\x00.pdf", "x\ufffd.pdf"),
        ("a\\b.pdf", "a\\b.pdf"),
        ("~$report.docx", "~$report.docx"),
        ("../../etc/passwd.pdf", "../../etc/passwd.pdf"),
    ],
)
def test_check_upload_bad_name_message_names_file(name, shown):
    with translation.override("en"):
        error = rejection(File(io.BytesIO(make_pdf()), name=name))

        assert f"“{shown}”" in error.message


def test_check_upload_user_password_pdf_refused():
    error = rejection(upload("secret.pdf", make_pdf(password="pw")))

    assert error.code == "pdf_encrypted"


def test_check_upload_owner_password_pdf_refused():
    # Opens without a password, but restrictions still stop later processing; the applicant is asked to re-save.
    error = rejection(upload("restricted.pdf", make_pdf(password="", owner_password="owner")))

    assert error.code == "pdf_encrypted"


@pytest.mark.parametrize(
    "data",
    [make_pdf()[:40], b"%PDF-1.7\n" + bytes(200), b"%PDF-"],
    ids=["truncated", "garbage", "header-only"],
)
def test_check_upload_broken_pdf_refused(data):
    error = rejection(upload("broken.pdf", data))

    assert error.code == "pdf_broken"


def test_check_upload_repairable_pdf_accepted_quietly(caplog):
    # Shifting every object breaks the cross-reference table; pypdf repairs it and would log and warn about it.
    data = make_pdf()
    shifted = data[:9] + b"%padding\n" * 5 + data[9:]
    caplog.set_level(logging.DEBUG)

    assert check_upload(upload("repaired.pdf", shifted)).kind == "pdf"
    assert [record for record in caplog.records if record.name.startswith("pypdf")] == []
    assert logging.getLogger("pypdf").level == logging.NOTSET


def test_check_upload_ole2_with_other_extension_refused():
    error = rejection(upload("protected.docx", OLE2_MAGIC + bytes(504)))

    assert error.code == "office_type_unknown"


def test_check_upload_zip_not_ooxml_refused():
    error = rejection(upload("evidence.docx", make_zip({"readme.txt": "hello", "photos/a.jpg": b"x"})))

    assert error.code == "type_not_allowed"


def test_check_upload_zip_without_content_types_refused():
    error = rejection(upload("evidence.docx", make_zip({"word/document.xml": "<w:document/>"})))

    assert error.code == "type_not_allowed"


def test_check_upload_zip_with_two_office_folders_refused():
    data = make_zip({"[Content_Types].xml": CONTENT_TYPES_XML, "word/document.xml": "<a/>", "xl/workbook.xml": "<b/>"})

    assert rejection(upload("mixed.docx", data)).code == "type_not_allowed"


@pytest.mark.parametrize("member", ["../evil.sh", "word/../../evil.sh", "/etc/cron.d/evil", "..\\evil.bat"])
def test_check_upload_zip_with_unsafe_member_refused(member):
    error = rejection(upload("report.docx", make_docx(**{member: "echo pwned"})))

    assert error.code == "archive_unsafe"


def test_check_upload_zip_bomb_refused():
    data = make_docx(**{"word/media/padding.bin": bytes(200_000)})
    assert len(data) < 2_000

    error = rejection(upload("report.docx", data), max_bytes=2_000)

    assert error.code == "archive_too_large"


def test_check_upload_broken_zip_refused():
    error = rejection(upload("report.docx", make_docx()[:60]))

    assert error.code == "office_broken"


@pytest.mark.parametrize(
    ("name", "data", "limits"),
    [
        ("empty.pdf", b"", {}),
        ("big.pdf", b"%PDF-" + bytes(2000), {"max_bytes": 1000}),
        ("last.pdf", make_pdf(), {"used_bytes": 100, "max_total_bytes": 100}),
        ("setup.pdf", b"MZ" + bytes(100), {}),
        ("secret.pdf", make_pdf(password="pw"), {}),
        ("broken.pdf", make_pdf()[:40], {}),
        ("protected.docx", OLE2_MAGIC + bytes(504), {}),
        ("evil.docx", make_docx(**{"../evil.sh": "x"}), {}),
        ("bomb.docx", make_docx(**{"word/padding.bin": bytes(200_000)}), {"max_bytes": 2_000}),
        ("cut.docx", make_docx()[:60], {}),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_check_upload_refusal_message_names_file(name, data, limits):
    with translation.override("en"):
        error = rejection(upload(name, data), **limits)

        assert f"“{name}”" in error.message


def test_sanitise_name_long_name_shortened_keeping_extension():
    name = "质量奖自评报告" * 30 + ".docx"

    sanitised = sanitise_name(name, extension=".pdf")

    assert len(sanitised) == MAX_NAME_LENGTH
    assert sanitised == "质量奖自评报告" * 16 + "质量奖自" + ".pdf"


def test_check_upload_long_name_shortened_keeping_extension():
    checked = check_upload(upload("a" * 200 + ".pdf", make_pdf()))

    assert checked.name == "a" * (MAX_NAME_LENGTH - 4) + ".pdf"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2024年度质量奖自评报告（定稿）.pdf", "2024年度质量奖自评报告（定稿）.pdf"),
        ("CON.pdf", "CON.pdf"),
        ("  report.pdf  ", "report.pdf"),
        ("..report.pdf..", "report.pdf"),
        ("report .PDF", "report.pdf"),
        ("report..pdf", "report.pdf"),
        ("a..b.pdf", "a..b.pdf"),
        (".hidden", "hidden.pdf"),
        ("e\u0301cole.pdf", "\u00e9cole.pdf"),  # decomposed accents from macOS become one character
    ],
)
def test_sanitise_name_plain_name_kept_or_trimmed(name, expected):
    assert sanitise_name(name, extension=".pdf") == expected


def test_sanitise_name_accepts_extension_without_dot():
    assert sanitise_name("报告.docx", extension="PDF") == "报告.pdf"


def test_sanitise_name_path_refused():
    with pytest.raises(UploadRejected) as caught:
        sanitise_name("../../etc/passwd.pdf", extension=".pdf")

    assert caught.value.code == "bad_name"


def test_upload_rejected_is_validation_error():
    error = UploadRejected("message", code="empty")

    assert (error.code, error.messages) == ("empty", ["message"])
