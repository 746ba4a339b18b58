"""Certificates: issuing (numbers, tokens, idempotency, permissions), the PDF read back, batches and downloads."""

import hashlib
import io
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse
from pypdf import PdfReader

from accounts.enums import AuditAction, AuditResult, Role
from accounts.models import AuditEvent
from applications.enums import ApplicationState
from applications.pdf import pdf_text_and_fonts
from decisions import certificates
from decisions.certificates import (
    certificate_batch_run,
    certificate_batch_start,
    certificate_context,
    certificate_issue,
    certificate_render,
)
from decisions.enums import BatchState
from decisions.models import Certificate, CertificateBatch
from tests.decisions import AWARDED_ON, individual_winner, make_edition, unit_winner

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(make_user):
    return make_user(Role.OFFICE_STAFF)


@pytest.fixture
def edition(db):
    return make_edition()


@pytest.fixture
def fake_pdf(monkeypatch):
    """Stand in for WeasyPrint where a test is about bookkeeping, not about the document."""
    calls = []

    def render(context):
        calls.append(context["certificate"].number)
        return f"%PDF-1.7 fake {context['certificate'].token}".encode()

    monkeypatch.setattr(certificates, "certificate_pdf", render)
    return calls


# --- issuing -------------------------------------------------------------------------------------------------


def test_certificate_issue_unit_fields(edition, office):
    application = unit_winner(edition, name="威海精工机械有限公司")

    certificate = certificate_issue(application=application, by=office)

    assert certificate.number == "WH-2026-U-001"
    assert certificate.title == "威海市市长质量奖"
    assert certificate.issuing_body == "威海市质量强市及品牌战略推进工作领导小组"
    assert certificate.winner_name == "威海精工机械有限公司"
    assert certificate.unit_name == ""
    assert certificate.edition_title == "2026年度"
    assert certificate.issued_on == AWARDED_ON
    assert certificate.rendered_at is None
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.CREATE, object_type="decisions.Certificate", object_id=str(certificate.pk)
        ).count()
        == 1
    )


def test_certificate_issue_individual_names_person_and_unit(edition, office):
    unit_winner(edition)
    person = individual_winner(edition, name="李质量", employer="威海港务集团有限公司")
    certificate_issue(application=unit_winner(edition, name="荣成海洋食品有限公司"), by=office)

    certificate = certificate_issue(application=person, by=office)

    assert certificate.number == "WH-2026-P-002"
    assert (certificate.winner_name, certificate.unit_name) == ("李质量", "威海港务集团有限公司")


def test_certificate_issue_second_call_returns_existing(edition, office):
    application = unit_winner(edition)
    first = certificate_issue(application=application, by=office)

    second = certificate_issue(application=application, by=office)

    assert second.pk == first.pk
    assert (second.number, second.token) == (first.number, first.token)
    assert Certificate.objects.count() == 1


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.DISTRICT_COORDINATOR, Role.EXPERT, Role.AUDITOR])
def test_certificate_issue_refused_outside_office(edition, make_user, role):
    user = make_user(role)
    application = unit_winner(edition)

    with pytest.raises(PermissionDenied):
        certificate_issue(application=application, by=user)

    assert not Certificate.objects.exists()
    assert (
        AuditEvent.objects.filter(action=AuditAction.PERMISSION_REFUSED, result=AuditResult.REFUSED, actor=user).count()
        == 1
    )


@pytest.mark.parametrize("state", [ApplicationState.CANDIDATE, ApplicationState.IN_NOTICE, ApplicationState.REVOKED])
def test_certificate_issue_refused_when_not_approved_or_awarded(edition, office, state):
    application = unit_winner(edition, state=state)

    with pytest.raises(ValidationError):
        certificate_issue(application=application, by=office)

    assert not Certificate.objects.exists()


def test_certificate_numbers_gapless_and_unique_per_edition(edition, office):
    other = make_edition("linyi-mayor")
    winners = [unit_winner(edition, name=f"威海单位{i}") for i in range(4)] + [individual_winner(edition)]

    numbers = [certificate_issue(application=a, by=office).number for a in winners]
    linyi = certificate_issue(application=unit_winner(other, name="临沂单位"), by=office)

    assert numbers == ["WH-2026-U-001", "WH-2026-U-002", "WH-2026-U-003", "WH-2026-U-004", "WH-2026-P-005"]
    assert linyi.number == "LY-2026-U-001"
    assert Certificate.objects.values("number").distinct().count() == 6


@pytest.mark.parametrize("row", ["L27-linyi-art27-token-cannot-be-forged-from-the-number"])
def test_certificate_token_random_not_derived_from_number(row, edition, office):
    issued = [certificate_issue(application=unit_winner(edition, name=f"单位{i}"), by=office) for i in range(5)]
    tokens = [c.token for c in issued]

    assert len(set(tokens)) == 5
    for certificate in issued:
        assert re.fullmatch(r"[A-Za-z0-9_-]{22}", certificate.token)  # 16 random bytes, URL-safe
        assert certificate.number not in certificate.token
        assert certificate.number.rsplit("-", 1)[-1] not in certificate.token
        assert hashlib.sha256(certificate.number.encode()).hexdigest()[:22] != certificate.token


# --- the document --------------------------------------------------------------------------------------------


@override_settings(PORTAL_BASE_URL="https://award.example.cn")
def test_certificate_context_qr_targets_public_verification_url(edition, office):
    certificate = certificate_issue(application=unit_winner(edition), by=office)

    context = certificate_context(certificate)

    assert context["verify_url"] == f"https://award.example.cn/verify/{certificate.token}/"
    assert certificate.number not in context["verify_url"]
    assert context["qr_data_uri"].startswith("data:image/png;base64,")


def test_certificate_render_pdf_has_chinese_text_and_embedded_cjk_font(edition, office):
    certificate = certificate_issue(application=individual_winner(edition, name="李质量"), by=office)

    certificate_render(certificate=certificate)

    certificate.refresh_from_db()
    with certificate.pdf.open("rb") as stored:
        data = stored.read()
    text, fonts = pdf_text_and_fonts(data)
    compact = re.sub(r"\s+", "", text)
    assert "李质量" in compact
    assert "威海港务集团有限公司" in compact
    assert "威海市市长质量奖" in compact
    assert certificate.number in compact
    assert any("CJK" in name for name in fonts), fonts
    assert certificate.sha256 == hashlib.sha256(data).hexdigest()
    assert certificate.rendered_at is not None
    reader = PdfReader(io.BytesIO(data))
    page = reader.pages[0]
    assert page.mediabox.width > page.mediabox.height  # A4 landscape
    xobjects = page["/Resources"]["/XObject"].get_object()
    assert any(xobject.get_object()["/Subtype"] == "/Image" for xobject in xobjects.values())  # the QR code


# --- batches -------------------------------------------------------------------------------------------------


def test_certificate_batch_start_issues_and_renders_awarded_only(
    edition, office, fake_pdf, django_capture_on_commit_callbacks
):
    winners = [unit_winner(edition, name=f"单位{i}") for i in range(3)]
    unit_winner(edition, name="候选单位", state=ApplicationState.APPROVED)

    with django_capture_on_commit_callbacks(execute=True):
        batch = certificate_batch_start(edition=edition, by=office)

    batch.refresh_from_db()
    assert (batch.state, batch.total, batch.done, batch.failed, batch.percent) == (BatchState.FINISHED, 3, 3, 0, 100)
    assert batch.finished_at is not None
    assert sorted(fake_pdf) == ["WH-2026-U-001", "WH-2026-U-002", "WH-2026-U-003"]
    assert set(Certificate.objects.values_list("application_id", flat=True)) == {w.pk for w in winners}
    assert not Certificate.objects.filter(rendered_at__isnull=True).exists()


def test_certificate_batch_run_is_idempotent(edition, office, fake_pdf, django_capture_on_commit_callbacks):
    for i in range(3):
        unit_winner(edition, name=f"单位{i}")
    with django_capture_on_commit_callbacks(execute=True):
        batch = certificate_batch_start(edition=edition, by=office)
    first = dict(Certificate.objects.values_list("number", "rendered_at"))
    fake_pdf.clear()

    again = certificate_batch_run(batch_id=batch.pk)

    assert fake_pdf == []
    assert (again.state, again.done, again.failed) == (BatchState.FINISHED, 3, 0)
    assert dict(Certificate.objects.values_list("number", "rendered_at")) == first

    Certificate.objects.filter(number="WH-2026-U-002").update(rendered_at=None)
    rerun = certificate_batch_run(batch_id=batch.pk)

    assert fake_pdf == ["WH-2026-U-002"]
    assert (rerun.done, rerun.total) == (3, 3)
    rendered = dict(Certificate.objects.values_list("number", "rendered_at"))
    assert rendered["WH-2026-U-001"] == first["WH-2026-U-001"]
    assert rendered["WH-2026-U-002"] != first["WH-2026-U-002"]


def test_certificate_batch_run_counts_failures_and_goes_on(edition, office, monkeypatch, caplog):
    for i in range(3):
        unit_winner(edition, name=f"单位{i}")
    batch = CertificateBatch.objects.create(edition=edition, total=3, requested_by=office)
    for application in edition.applications.all():
        certificate_issue(application=application, by=office)

    def render(context):
        if context["certificate"].number.endswith("-002"):
            raise RuntimeError("no font")
        return b"%PDF-1.7 fake"

    monkeypatch.setattr(certificates, "certificate_pdf", render)

    finished = certificate_batch_run(batch_id=batch.pk)

    assert (finished.state, finished.done, finished.failed, finished.percent) == (BatchState.FINISHED, 2, 1, 100)
    assert Certificate.objects.get(number="WH-2026-U-002").rendered_at is None
    assert "failed to render" in caplog.text


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.DISTRICT_COORDINATOR, Role.AGENCY_STAFF])
def test_certificate_batch_start_refused_outside_office(edition, make_user, role):
    unit_winner(edition)

    with pytest.raises(PermissionDenied):
        certificate_batch_start(edition=edition, by=make_user(role))

    assert not Certificate.objects.exists()
    assert not CertificateBatch.objects.exists()


# --- the office's batch page ---------------------------------------------------------------------------------


def test_batch_page_office_starts_batch_and_sees_progress(
    edition, office, login, fake_pdf, django_capture_on_commit_callbacks
):
    unit_winner(edition)
    client = login(office)
    url = reverse("decisions:batch", kwargs={"edition_id": edition.pk})

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)

    assert response.status_code == 302
    assert response["Location"] == url
    batch = CertificateBatch.objects.get()
    page = client.get(url)
    assert page.status_code == 200
    assert reverse("decisions:batch_progress", kwargs={"pk": batch.pk}) in page.content.decode()
    assert 'class="progress' in page.content.decode()
    progress = client.get(reverse("decisions:batch_progress", kwargs={"pk": batch.pk}))
    assert progress.json() == {
        "state": "finished",
        "state_label": str(BatchState.FINISHED.label),
        "total": 1,
        "done": 1,
        "failed": 0,
        "percent": 100,
        "finished": True,
    }


def test_batch_pages_outsiders(edition, office, client, login, make_user):
    batch = CertificateBatch.objects.create(edition=edition, total=2, done=1, requested_by=office)
    page = reverse("decisions:batch", kwargs={"edition_id": edition.pk})
    progress = reverse("decisions:batch_progress", kwargs={"pk": batch.pk})

    for url in (page, progress):
        assert client.get(url).status_code == 302
        assert client.get(url)["Location"].startswith(reverse("accounts:login"))
    assert client.post(page).status_code == 302
    login(make_user(Role.APPLICANT))
    assert client.get(page).status_code == 403
    assert client.post(page).status_code == 403
    assert client.get(progress).status_code == 403
    assert CertificateBatch.objects.count() == 1


# --- downloads -----------------------------------------------------------------------------------------------


@pytest.fixture
def rendered(edition, office, fake_pdf):
    certificate = certificate_issue(application=unit_winner(edition), by=office)
    return certificate_render(certificate=certificate)


def test_download_winner_gets_attachment_and_audit(rendered, login):
    owner = rendered.application.owner
    client = login(owner)

    response = client.get(reverse("decisions:certificate_download", kwargs={"pk": rendered.pk}))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{rendered.number}.pdf"'
    # Read through the client's wrapper; a bare close() would end the test's database connection on PostgreSQL.
    assert b"".join(response.streaming_content) == f"%PDF-1.7 fake {rendered.token}".encode()
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.EXPORT, actor=owner, object_type="decisions.Certificate", object_id=str(rendered.pk)
        ).count()
        == 1
    )


def test_download_colleague_of_winning_unit_allowed(rendered, login, make_user):
    colleague = make_user(Role.APPLICANT, organisation=rendered.application.organisation)

    response = login(colleague).get(reverse("decisions:certificate_download", kwargs={"pk": rendered.pk}))

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_download_outsiders(rendered, client, login, make_user, office):
    url = reverse("decisions:certificate_download", kwargs={"pk": rendered.pk})

    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login"))
    login(make_user(Role.EXPERT))
    assert client.get(url).status_code == 403
    login(make_user(Role.APPLICANT))
    assert client.get(url).status_code == 404
    login(office)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client.get(reverse("decisions:certificate_download", kwargs={"pk": rendered.pk + 100})).status_code == 404


def test_download_not_rendered_yet_is_404(edition, office, login):
    certificate = certificate_issue(application=unit_winner(edition), by=office)

    response = login(certificate.application.owner).get(
        reverse("decisions:certificate_download", kwargs={"pk": certificate.pk})
    )

    assert response.status_code == 404
