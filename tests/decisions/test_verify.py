"""The public verification page: valid, revoked, unknown, nothing else; no login; rate limited; constant queries."""

from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.enums import Role
from applications.enums import ApplicationState
from applications.models import Application
from decisions.certificates import certificate_issue, verification_status
from decisions.models import Certificate
from tests.decisions import individual_winner, make_edition, unit_winner

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def office(make_user):
    return make_user(Role.OFFICE_STAFF)


@pytest.fixture
def edition(db):
    return make_edition()


@pytest.fixture
def certificate(edition, office):
    return certificate_issue(application=unit_winner(edition, name="威海精工机械有限公司"), by=office)


def verify_url(token: str) -> str:
    return reverse("decisions:verify", kwargs={"token": token})


def status_of(response) -> str:
    marker = 'data-status="'
    body = response.content.decode()
    return body[body.index(marker) + len(marker) :].split('"', 1)[0]


@pytest.mark.parametrize("row", ["L27-linyi-art27-certificate-verifiable-against-forgery"])
def test_verify_valid_shows_winner_edition_date_number(row, client, certificate):
    response = client.get(verify_url(certificate.token))

    assert response.status_code == 200
    assert status_of(response) == "valid"
    body = response.content.decode()
    for shown in ("威海精工机械有限公司", "2026年度", "威海市市长质量奖", "2026-09-28", "WH-2026-U-001"):
        assert shown in body
    assert verification_status(certificate.token) == ("valid", certificate)


def test_verify_individual_shows_person_and_unit(client, edition, office):
    certificate = certificate_issue(application=individual_winner(edition, name="李质量"), by=office)

    body = client.get(verify_url(certificate.token)).content.decode()

    assert "李质量（威海港务集团有限公司）" in body


def test_verify_never_shows_other_data(client, certificate):
    application = certificate.application
    organisation = application.organisation

    body = client.get(verify_url(certificate.token)).content.decode()

    for hidden in (
        application.number,
        organisation.credit_code,
        "王经理",
        "0631-5200000",
        application.owner.username,
        application.owner.email,
        "装备制造",
    ):
        assert hidden not in body


def test_verify_revoked_after_revocation_shows_date(client, certificate):
    # The revocation app records the fact on the application; the FSM field is protected, so the fixture writes it.
    Application.objects.filter(pk=certificate.application_id).update(
        state=ApplicationState.REVOKED,
        revoked_on=date(2027, 3, 15),
        revocation_ground="第二十七条（三）：两年内3次以上监督抽查不合格",
        revocation_document="威政字〔2027〕8号",
    )

    response = client.get(verify_url(certificate.token))

    assert response.status_code == 200
    assert status_of(response) == "revoked"
    body = response.content.decode()
    assert "2027-03-15" in body
    assert "第二十七条（三）：两年内3次以上监督抽查不合格" in body
    assert "威政字〔2027〕8号" in body
    assert "WH-2026-U-001" in body
    assert "2026-09-28" not in body  # the issue date of a revoked certificate is no longer vouched for


def test_verify_revoked_application_created_revoked(client, edition):
    application = unit_winner(edition, name="撤销单位", state=ApplicationState.REVOKED, revoked_on=date(2027, 1, 5))
    certificate = Certificate.objects.create(
        application=application,
        number="WH-2026-U-009",
        token="revoked-token-abcdefghij",
        title="威海市市长质量奖",
        winner_name="撤销单位",
        edition_title="2026年度",
        issuing_body="威海市质量强市及品牌战略推进工作领导小组",
        issued_on=date(2026, 9, 28),
    )

    response = client.get(verify_url(certificate.token))

    assert status_of(response) == "revoked"
    assert "2027-01-05" in response.content.decode()
    assert verification_status(certificate.token) == ("revoked", certificate)


def test_verify_unknown_token(client, certificate):
    response = client.get(verify_url("not-a-real-token"))

    assert response.status_code == 200
    assert status_of(response) == "unknown"
    body = response.content.decode()
    assert "威海精工机械有限公司" not in body
    assert "WH-2026-U-001" not in body
    assert verification_status("not-a-real-token") == ("unknown", None)


def test_verify_by_certificate_number_is_unknown(client, certificate):
    # The printed number is sequential; only the random token in the QR code finds the certificate.
    assert status_of(client.get(verify_url(certificate.number))) == "unknown"


def test_verify_needs_no_login_and_is_not_cached(client, certificate):
    response = client.get(verify_url(certificate.token))

    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"


@override_settings(CERTIFICATE_VERIFY_RATE_LIMIT=(3, 600))
def test_verify_rate_limited_per_client_address(client, certificate):
    url = verify_url(certificate.token)

    statuses = [client.get(url, REMOTE_ADDR="203.0.113.7").status_code for _ in range(3)]
    limited = client.get(url, REMOTE_ADDR="203.0.113.7")
    unknown_guess = client.get(verify_url("guess"), REMOTE_ADDR="203.0.113.7")
    elsewhere = client.get(url, REMOTE_ADDR="198.51.100.20")

    assert statuses == [200, 200, 200]
    assert limited.status_code == 429
    assert status_of(limited) == "limited"
    assert "威海精工机械有限公司" not in limited.content.decode()
    assert unknown_guess.status_code == 429
    assert elsewhere.status_code == 200
    assert status_of(elsewhere) == "valid"


def test_verify_default_rate_limit_is_30_per_window(client, certificate):
    url = verify_url(certificate.token)

    statuses = [client.get(url).status_code for _ in range(31)]

    assert statuses == [200] * 30 + [429]


def test_verify_query_count_constant(client, edition, office, django_assert_num_queries):
    first = certificate_issue(application=unit_winner(edition, name="单位甲"), by=office)
    with django_assert_num_queries(1):
        client.get(verify_url(first.token))
    for i in range(20):
        certificate_issue(application=unit_winner(edition, name=f"单位{i}"), by=office)
    revoked = certificate_issue(application=unit_winner(edition, name="单位乙"), by=office)
    Application.objects.filter(pk=revoked.application_id).update(revoked_on=date(2027, 3, 15))

    counts = []
    for token in (first.token, revoked.token, "unknown-token"):
        with CaptureQueriesContext(connection) as queries:
            client.get(verify_url(token))
        counts.append(len(queries))

    assert counts == [1, 1, 1]
