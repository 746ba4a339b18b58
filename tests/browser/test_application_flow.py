"""A unit registers, applies to the Weihai edition, uploads its self-evaluation and submits; the coordinator of
its district recommends it. Driven in headless Chromium; states are read from data attributes, so the test does
not depend on the wording of the zh-Hans catalogue."""

import re

import pytest

from applications.models import Application, UnitProfile
from tests.applications.conftest import make_coordinator, make_edition, pdf_bytes
from tests.factories import TEST_PASSWORD, make_credit_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_browser_unit_registers_applies_and_is_recommended(page, browser, live_server, tmp_path):
    edition = make_edition("weihai-mayor")
    coordinator = make_coordinator("371002", username="huancui-coordinator", display_name="环翠区 王协调")
    report = tmp_path / "自评报告.pdf"
    report.write_bytes(pdf_bytes(pages=2))
    credit_code = make_credit_code()

    page.goto("/register/unit/")
    page.fill("#id_username", "weihai-jinggong")
    page.fill("#id_password1", "Harbour#Light2026")
    page.fill("#id_password2", "Harbour#Light2026")
    page.fill("#id_email", "quality@jinggong.example.cn")
    page.fill("#id_phone", "13906310000")
    page.fill("#id_organisation_name", "威海环翠精工机械有限公司")
    page.fill("#id_credit_code", credit_code)
    page.select_option("#id_district", label="环翠区")
    page.fill("#id_industry", "通用设备制造业")
    page.fill("#id_founded_on", "2012-03-15")
    page.fill("#id_operating_since", "2012-09-01")
    page.check("input[name=encouraged_tags][value=sme]")
    page.fill("#id_contact_name", "刘质量")
    page.fill("#id_contact_phone", "0631-5201234")
    page.click("#register-button")
    page.wait_for_url("**/applications/")
    profile = UnitProfile.objects.select_related("organisation__district").get()
    assert (profile.organisation.credit_code, profile.organisation.district.code) == (credit_code, "371002")

    page.click(f"[data-edition='{edition.pk}'] button.start-application[data-category=unit]")
    page.wait_for_url(re.compile(r".*/applications/\d+/edit/$"))
    page.fill("#id_summary", "本公司主营精密机械，员工三百人。")
    page.fill("#id_quality_management", "全面推行卓越绩效模式，建立质量管理体系。")
    page.fill("#id_main_indicators", "近三年产品一次交验合格率 99.9%。")
    page.check("#id_accident_free_declared")
    page.check("#id_violation_free_declared")
    page.check("input[name=declared][value=independent_liability]")  # Weihai art. 3
    with page.expect_navigation():
        page.click("#save-button")
    assert page.locator(".alert-success[role=alert]").count() == 1
    assert page.input_value("#id_summary") == "本公司主营精密机械，员工三百人。"
    page.set_input_files("#id_file_self_evaluation", str(report))
    page.set_input_files("#id_file_evidence", str(report))  # Weihai art. 13: evidence too
    page.click("#submit-button")
    page.wait_for_url(re.compile(r".*/applications/\d+/$"))
    assert page.get_attribute("#application", "data-state") == "submitted"
    application = Application.objects.get()
    assert application.number == f"WH-{edition.year}-0001"
    assert page.locator("[data-kind=self_evaluation] .file-download").inner_text().strip() == "自评报告.pdf"

    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    other = context.new_page()
    other.set_default_timeout(15000)
    try:
        other.goto("/accounts/login/")
        other.fill("#id_username", coordinator.username)
        other.fill("#id_password", TEST_PASSWORD)
        other.click("#login-button")
        other.wait_for_url("**/accounts/dashboard/")
        other.click("#inbox-link")
        other.wait_for_url("**/applications/inbox/")
        row = other.locator(f"tr[data-application='{application.pk}']")
        assert row.locator("[data-state]").get_attribute("data-state") == "submitted"
        row.get_by_role("link", name=application.number).click()
        other.wait_for_url(f"**/applications/{application.pk}/")
        other.fill("#id_opinion", "该单位质量管理成效显著，同意推荐。")
        other.click("#recommend-button")
        other.wait_for_selector("#application[data-state=recommended]")
        assert other.locator("#history tr[data-to=recommended]").count() == 1
    finally:
        context.close()

    page.reload()
    assert page.get_attribute("#application", "data-state") == "recommended"
    assert page.locator("#recommendations").inner_text().count("该单位质量管理成效显著，同意推荐。") == 1
