"""The public reads a notice and files an objection, answering the check question as a person does; a certificate's
QR target says the certificate is valid. Driven in headless Chromium; states come from data attributes and ids, so
the test does not depend on the wording of the zh-Hans catalogue."""

import re
import time

import pytest

from accounts.humancheck import min_seconds, parse_answer
from decisions.certificates import certificate_issue
from decisions.enums import ObjectionState
from decisions.models import Objection
from tests.decisions import make_edition, unit_winner
from tests.decisions.scenes import office_user
from tests.decisions.test_objections import PNG, notice_scene

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

_NUMBER = re.compile(r"[零〇一二两三四五六七八九十]+|\d+")


def solve(question: str) -> int:
    """Read the check question as a person would: two numbers and plus or minus, in Chinese or in English."""
    first, second = (parse_answer(number) for number in _NUMBER.findall(question)[:2])
    return first - second if ("minus" in question or "减" in question) else first + second


def test_browser_public_reads_notice_and_files_objection(page):
    notice, entries, _office = notice_scene(units=2, individuals=1)
    target = next(entry for entry in entries if entry.unit_name == "")

    page.goto(f"/public/notices/{notice.pk}/")
    assert page.get_attribute("#notice", "data-open") == "1"
    assert page.locator("#notice-entries tbody tr").count() == 3
    assert page.locator(f"#notice-entries tr[data-entry='{target.pk}']").inner_text().count(target.name) == 1
    assert "0631-5200000" in page.locator("#how-to-object").inner_text()
    assert notice.ends_on.strftime("%Y-%m-%d") in page.locator("#notice-period").inner_text()

    page.locator(f"#notice-entries tr[data-entry='{target.pk}'] a").click()
    page.wait_for_url(f"**/public/notices/{notice.pk}/objection/?entry={target.pk}")
    opened = time.monotonic()
    assert page.input_value("#id_entry") == str(target.pk)
    page.fill("#id_full_name", "张明")
    page.fill("#id_phone", "13800000000")
    page.fill("#id_email", "zhang@example.cn")
    page.fill("#id_statement", "该单位2025年发生过质量安全事故，有当地报道为证。")
    page.set_input_files("#id_evidence", files=[{"name": "报道截图.png", "mimeType": "image/png", "buffer": PNG}])
    page.check("#id_truthful")
    # The honeypot takes no room on the screen (one clipped pixel) and is skipped by the keyboard.
    box = page.locator("#id_website").bounding_box()
    assert box["width"] <= 1 and box["height"] <= 1
    assert page.get_attribute("#id_website", "tabindex") == "-1"
    page.fill("#id_human_answer", str(solve(page.locator("label[for=id_human_answer]").inner_text())))
    # A person takes a few seconds over the form; the check refuses a faster submission.
    time.sleep(max(0.0, min_seconds() + 0.5 - (time.monotonic() - opened)))
    page.click("#objection-submit")
    page.wait_for_url(f"**/public/notices/{notice.pk}/objection/received/")

    reference = page.locator("#objection-reference").inner_text().strip()
    objection = Objection.objects.get()
    assert (objection.reference, objection.entry_id, objection.state) == (reference, target.pk, ObjectionState.OPEN)
    assert (objection.full_name, objection.evidence_name) == ("张明", "报道截图.png")

    page.goto(f"/public/notices/{notice.pk}/")
    assert reference not in page.content() and "张明" not in page.content()


def test_browser_certificate_qr_target_shows_valid(page):
    edition = make_edition("weihai-mayor")
    certificate = certificate_issue(application=unit_winner(edition, name="威海精工机械有限公司"), by=office_user())

    page.goto(f"/verify/{certificate.token}/")

    assert page.get_attribute("#verification", "data-status") == "valid"
    shown = page.locator("#verification").inner_text()
    assert "威海精工机械有限公司" in shown and certificate.number in shown
    assert page.locator("#verification .alert-success").is_visible()
