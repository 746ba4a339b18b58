"""Checks on an uploaded evidence file before anything is stored: name, size, and type judged by content.

Pure functions: nothing here touches the database or the storage. A view or service calls `check_upload` and
keeps the `CheckedUpload` it returns (display name, size, hash, detected type) next to the stored file.
"""

import hashlib
import logging
import math
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import MappingProxyType

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pypdf import PdfReader

# Detected kind -> MIME type stored with the file.
ALLOWED_KINDS = MappingProxyType(
    {
        "pdf": "application/pdf",
        "doc": "application/msword",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls": "application/vnd.ms-excel",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt": "application/vnd.ms-powerpoint",
        "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "jpeg": "image/jpeg",
        "png": "image/png",
    }
)

# The extensions a kind may carry; the first is the one given to a file that arrives under any other name.
_EXTENSIONS = {kind: (f".{kind}",) for kind in ALLOWED_KINDS} | {"jpeg": (".jpg", ".jpeg")}
_KNOWN_EXTENSIONS = frozenset(ext for exts in _EXTENSIONS.values() for ext in exts)

MAX_NAME_LENGTH = 120
# An OOXML file is a zip; what it unpacks to may be this many times the per-file limit and no more.
ZIP_EXPANSION_FACTOR = 10

_PDF_MAGIC = b"%PDF-"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_JPEG_MAGIC = b"\xff\xd8\xff"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# Old binary Office files share one container format; only the name tells Word, Excel and PowerPoint apart.
_OLE2_KINDS = {".doc": "doc", ".xls": "xls", ".ppt": "ppt"}
_OOXML_FOLDERS = {"word/": "docx", "xl/": "xlsx", "ppt/": "pptx"}

# Right-to-left and isolate overrides let "gpj.exe" display as "exe.jpg"; they have no place in a file name.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")


class UploadRejected(ValidationError):
    """An upload the portal will not keep; `code` says why, the message tells the applicant what to do."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message, code=code)


@dataclass(frozen=True)
class CheckedUpload:
    """What is kept about an accepted upload: display name (extension of the detected type), size in bytes,
    SHA-256 in hex, detected MIME type, and kind (a key of ALLOWED_KINDS)."""

    name: str
    size: int
    sha256: str
    content_type: str
    kind: str


def check_upload(
    uploaded,
    *,
    max_bytes: int | None = None,
    used_bytes: int = 0,
    max_total_bytes: int | None = None,
) -> CheckedUpload:
    """Checks an uploaded file and describes it, or raises UploadRejected.

    `used_bytes` is what the application's other files already take. The file is read in chunks and left at
    position 0. The type comes from the content; the name only picks between the old Word, Excel and PowerPoint
    formats, which share one container. A file of an allowed type under another allowed type's extension (a PDF
    named "report.docx") is accepted and renamed to the extension of what it really is.
    """
    if max_bytes is None:
        max_bytes = settings.UPLOAD_MAX_FILE_BYTES
    if max_total_bytes is None:
        max_total_bytes = settings.UPLOAD_MAX_APPLICATION_BYTES

    shown = _checked_name(uploaded.name)
    # The declared size refuses an oversize file before it is read; the counted size is the one kept.
    _check_size(shown, uploaded.size, max_bytes=max_bytes, used_bytes=used_bytes, max_total_bytes=max_total_bytes)
    size, sha256 = _hash(uploaded)
    if size != uploaded.size:
        _check_size(shown, size, max_bytes=max_bytes, used_bytes=used_bytes, max_total_bytes=max_total_bytes)

    try:
        kind = _detect_kind(uploaded, shown, max_unpacked_bytes=ZIP_EXPANSION_FACTOR * max_bytes)
    finally:
        uploaded.seek(0)

    current_extension = _extension(shown)
    extensions = _EXTENSIONS[kind]
    extension = current_extension if current_extension in extensions else extensions[0]
    return CheckedUpload(
        name=sanitise_name(shown, extension=extension),
        size=size,
        sha256=sha256,
        content_type=ALLOWED_KINDS[kind],
        kind=kind,
    )


def sanitise_name(name: str, *, extension: str) -> str:
    """The display name to keep for an upload: `name` with its extension replaced by `extension` (".pdf").

    A name that is a path or holds control characters is refused (UploadRejected, code "bad_name"), not repaired:
    it was not typed by a person. Spaces and dots at either end are trimmed, and a name longer than
    MAX_NAME_LENGTH characters is shortened, keeping the extension. Only an extension of an allowed type is
    replaced; any other stays part of the name ("scan.v2" becomes "scan.v2.pdf").
    """
    extension = "." + extension.lstrip(".").lower()
    name = _checked_name(name)
    stem = name[: -len(_extension(name))] if _extension(name) in _KNOWN_EXTENSIONS else name
    stem = stem[: MAX_NAME_LENGTH - len(extension)].rstrip(" .")
    if not stem:
        raise UploadRejected(_("The file has no name. Please rename it and upload it again."), code="bad_name")
    return stem + extension


def _checked_name(name: str | None) -> str:
    """The name, NFC-normalised and trimmed, or UploadRejected if it cannot be a plain file name."""
    name = unicodedata.normalize("NFC", name or "")
    if any(unicodedata.category(char) in ("Cc", "Cs") or char in _BIDI_CONTROLS for char in name):
        raise UploadRejected(
            _(
                "The file name “%(name)s” contains invisible control characters. Please rename the file and upload "
                "it again."
            )
            % {"name": _printable(name)},
            code="bad_name",
        )
    trimmed = name.strip(" .")
    if "/" in name or "\\" in name or _WINDOWS_DRIVE.match(name) or name.strip() in (".", ".."):
        raise UploadRejected(
            _("The file name “%(name)s” is a folder path. Please upload the file itself, under a plain name.")
            % {"name": name},
            code="bad_name",
        )
    if trimmed.startswith("~"):
        # "~$report.docx" is the lock file Office leaves next to an open document, not the document.
        raise UploadRejected(
            _(
                "The file name “%(name)s” starts with “~”, which marks a temporary file or a home folder. Please "
                "upload the document itself."
            )
            % {"name": trimmed},
            code="bad_name",
        )
    if not trimmed:
        raise UploadRejected(_("The file has no name. Please rename it and upload it again."), code="bad_name")
    return trimmed


def _printable(name: str) -> str:
    return "".join("\ufffd" if not char.isprintable() else char for char in name)


def _extension(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    return f".{extension.lower()}" if dot and stem else ""


def _megabytes(size: int, *, round_up: bool = False) -> str:
    tenths = size * 10 / (1024 * 1024)
    tenths = math.ceil(tenths) if round_up else math.floor(tenths)
    return f"{tenths / 10:.1f}".removesuffix(".0")


def _check_size(name: str, size: int, *, max_bytes: int, used_bytes: int, max_total_bytes: int) -> None:
    if size == 0:
        raise UploadRejected(
            _("The file “%(name)s” is empty. Please check that you chose the right file.") % {"name": name},
            code="empty",
        )
    if size > max_bytes:
        raise UploadRejected(
            _(
                "The file “%(name)s” is %(size)s MB; a file may be at most %(limit)s MB. Please make it smaller "
                "(for example by scanning at a lower resolution) or split it."
            )
            % {"name": name, "size": _megabytes(size, round_up=True), "limit": _megabytes(max_bytes)},
            code="too_large",
        )
    if used_bytes + size > max_total_bytes:
        raise UploadRejected(
            _(
                "Adding “%(name)s” (%(size)s MB) would bring this application's files to %(total)s MB; together "
                "they may take at most %(limit)s MB. Please remove or shrink other files first."
            )
            % {
                "name": name,
                "size": _megabytes(size, round_up=True),
                "total": _megabytes(used_bytes + size, round_up=True),
                "limit": _megabytes(max_total_bytes),
            },
            code="application_too_large",
        )


def _hash(uploaded) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        digest.update(chunk)
        size += len(chunk)
    uploaded.seek(0)
    return size, digest.hexdigest()


def _detect_kind(uploaded, name: str, *, max_unpacked_bytes: int) -> str:
    uploaded.seek(0)
    head = uploaded.read(len(_OLE2_MAGIC))
    uploaded.seek(0)
    if head.startswith(_PDF_MAGIC):
        _check_pdf(uploaded, name)
        return "pdf"
    if head.startswith(_OLE2_MAGIC):
        kind = _OLE2_KINDS.get(_extension(name))
        if kind is None:
            # Besides unusual names, this is how a password-protected .docx/.xlsx/.pptx arrives: Office wraps the
            # encrypted package in the old container.
            raise UploadRejected(
                _(
                    "“%(name)s” is a Microsoft Office file, but it is either protected by a password or saved in a "
                    "format the portal cannot tell apart. Please remove any password and save it as .docx, .xlsx "
                    "or .pptx (or as .doc, .xls or .ppt)."
                )
                % {"name": name},
                code="office_type_unknown",
            )
        return kind
    if head.startswith(_ZIP_MAGIC):
        return _check_ooxml(uploaded, name, max_unpacked_bytes=max_unpacked_bytes)
    if head.startswith(_JPEG_MAGIC):
        return "jpeg"
    if head.startswith(_PNG_MAGIC):
        return "png"
    raise _type_not_allowed(name)


def _type_not_allowed(name: str) -> UploadRejected:
    return UploadRejected(
        _(
            "“%(name)s” is not a type of file the portal accepts, whatever its name says. Please upload PDF, Word, "
            "Excel, PowerPoint, JPEG or PNG files."
        )
        % {"name": name},
        code="type_not_allowed",
    )


@contextmanager
def _quiet_pypdf() -> Iterator[None]:
    """pypdf warns and logs about every flaw it repairs in a damaged file; for an upload those are noise, and
    whether the file opens at all is what decides. Both switches are process-wide while this block runs."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def _check_pdf(uploaded, name: str) -> None:
    try:
        with _quiet_pypdf():
            reader = PdfReader(uploaded, strict=False)
            encrypted = reader.is_encrypted
            opens = encrypted or len(reader.pages) > 0
    except Exception:
        # Whatever a damaged or hostile file makes pypdf raise, the applicant's answer is the same: save it again.
        encrypted, opens = False, False
    if encrypted:
        raise UploadRejected(
            _(
                "“%(name)s” is protected by a password or by restrictions on printing or copying. Please save it "
                "again without a password or restrictions and upload that copy."
            )
            % {"name": name},
            code="pdf_encrypted",
        )
    if not opens:
        raise UploadRejected(
            _(
                "“%(name)s” cannot be opened as a PDF; it may be damaged or only partly uploaded. Please open it "
                "on your computer, save it again and upload it once more."
            )
            % {"name": name},
            code="pdf_broken",
        )


def _check_ooxml(uploaded, name: str, *, max_unpacked_bytes: int) -> str:
    try:
        with zipfile.ZipFile(uploaded) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise UploadRejected(
            _(
                "“%(name)s” cannot be opened; it may be damaged or only partly uploaded. Please open it on your "
                "computer, save it again and upload it once more."
            )
            % {"name": name},
            code="office_broken",
        ) from None

    for member in members:
        parts = re.split(r"[/\\]", member.filename)
        if member.filename.startswith(("/", "\\")) or _WINDOWS_DRIVE.match(member.filename) or ".." in parts:
            raise UploadRejected(
                _("“%(name)s” holds files with unsafe paths and cannot be accepted.") % {"name": name},
                code="archive_unsafe",
            )
    # Declared sizes are what an unpacking program will trust, so they are what is limited.
    if sum(member.file_size for member in members) > max_unpacked_bytes:
        raise UploadRejected(
            _(
                "“%(name)s” unpacks to more than %(limit)s MB, which no ordinary document does. Please save it "
                "again and upload that copy."
            )
            % {"name": name, "limit": _megabytes(max_unpacked_bytes)},
            code="archive_too_large",
        )

    names = {member.filename for member in members}
    kinds = {kind for folder, kind in _OOXML_FOLDERS.items() if any(n.startswith(folder) for n in names)}
    if "[Content_Types].xml" not in names or len(kinds) != 1:
        raise _type_not_allowed(name)
    return kinds.pop()
