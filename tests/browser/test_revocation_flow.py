"""A citizen reports an award holder; the office confirms the report as a case, investigates, proposes and records
the city government's revocation; the certificate's verification page then says revoked and the announcement is
public. Driven in headless Chromium; states come from data attributes and ids, not from the zh-Hans wording."""

import re
import time
from datetime import date

import pytest

from accounts.enums import Role
from accounts.humancheck import min_seconds, parse_answer
from applications.models import Application
from decisions.certificates import certificate_issue
from revocation.models import RevocationCase, RevocationGround
from tests.decisions import make_edition, unit_winner
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

_NUMBER = re.compile(r"[零〇一二两三四五六七八九十]+|\d+")


def solve(question: str) -> int:
    first, second = (parse_answer(number) for number in _NUMBER.findall(question)[:2])
    return first - second if ("minus" in question or "减" in question) else first + second


def test_browser_report_case_revocation_verification(page):
    winner = unit_winner(make_edition("weihai-mayor", 2025), name="威海精工机械有限公司", awarded_on=date(2025, 9, 28))
    UserFactory(username="office-li", roles=[Role.OFFICE_STAFF], is_staff=True)
    certificate = certificate_issue(application=winner, by=UserFactory(roles=[Role.OFFICE_STAFF]))
    ground = RevocationGround.objects.get(rulebook__scheme__code="weihai-mayor", category="unit", number=2)

    # The citizen, without an account.
    page.goto("/revocation/report/")
    opened = time.monotonic()
    page.select_option("#id_application", str(winner.pk))
    page.fill("#id_full_name", "张明")
    page.fill("#id_contact", "13800000000")
    page.fill("#id_facts", "该企业2026年发生重大质量事故，当地媒体已报道。")
    page.fill("#id_human_answer", str(solve(page.locator("label[for=id_human_answer]").inner_text())))
    time.sleep(max(0.0, min_seconds() + 0.5 - (time.monotonic() - opened)))
    page.click("#report-submit")
    page.wait_for_url("**/revocation/report/received/")
    reference = page.locator("#report-reference").inner_text().strip()
    case = RevocationCase.objects.get()
    assert (case.reference, case.state, case.reporter_name) == (reference, "awaiting", "张明")

    # The office.
    page.goto("/accounts/login/")
    page.fill("#id_username", "office-li")
    page.fill("#id_password", TEST_PASSWORD)
    page.click("#login-button")
    page.wait_for_url("**/accounts/dashboard/")
    page.goto("/revocation/office/cases/?state=awaiting")
    page.click(f"#case-table tr[data-case='{case.pk}'] .case-link")
    page.wait_for_url(f"**/revocation/office/cases/{case.pk}/")
    assert "张明" in page.locator("#reporter").inner_text()
    page.click("#confirm-form button")
    page.wait_for_url(f"**/revocation/office/cases/{case.pk}/")
    page.click("#investigate-form button")
    page.wait_for_url(f"**/revocation/office/cases/{case.pk}/")
    page.select_option("#id_ground", str(ground.pk))
    page.fill("#id_findings", "经查证属实：发生重大质量责任事故。")
    page.click("#propose-form button")
    page.wait_for_url(f"**/revocation/office/cases/{case.pk}/")
    assert page.get_attribute("h1 .case-state", "data-state") == "proposed"
    page.fill("#id_document_number", "威政字〔2026〕88号")
    page.fill("#id_decided_on", "2026-10-15")
    page.click("#revoke-form button")
    page.wait_for_url(f"**/revocation/office/cases/{case.pk}/")
    assert page.get_attribute("h1 .case-state", "data-state") == "revoked"
    assert [e.get_attribute("data-to") for e in page.locator(".timeline-event").all()] == [
        "awaiting",
        "opened",
        "investigating",
        "proposed",
        "revoked",
    ]
    assert page.locator("#case-recovery .recovery-item").count() == 2

    winner = Application.objects.get(pk=winner.pk)
    assert (winner.state, winner.revoked_on, winner.revocation_document) == (
        "revoked",
        date(2026, 10, 15),
        "威政字〔2026〕88号",
    )

    # The public.
    page.goto(f"/verify/{certificate.token}/")
    assert page.get_attribute("#verification", "data-status") == "revoked"
    assert "2026-10-15" in page.locator("#verification").inner_text()
    page.goto("/revocation/announcements/")
    row = page.locator(f"#announcements tr[data-case='{reference}']")
    assert "威海精工机械有限公司" in row.inner_text() and "威政字〔2026〕88号" in row.inner_text()
    assert "张明" not in page.content()
