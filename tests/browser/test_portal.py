import pytest

from accounts.enums import Role
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_browser_login_dashboard_schemes_and_logout(page):
    UserFactory(username="office1", display_name="陈主任", roles=[Role.OFFICE_STAFF], is_staff=True)
    page.goto("/")
    assert page.locator("h1").inner_text() == "奖项"
    assert page.locator(".scheme-card").count() == 5
    page.get_by_role("link", name="登录").click()
    page.fill("#id_username", "office1")
    page.fill("#id_password", TEST_PASSWORD)
    page.click("#login-button")
    page.wait_for_url("**/accounts/dashboard/")
    assert page.locator("h1").inner_text() == "我的工作台"
    assert page.locator("[data-role=office_staff] .card-header").inner_text() == "质量奖办公室工作人员"
    page.goto("/schemes/weihai-mayor/")
    stages = page.locator(".pipeline li").evaluate_all("items => items.map(i => i.dataset.stage)")
    assert stages.index("public_notice") < stages.index("leading_group")
    with page.expect_navigation():
        page.locator("#language-select").select_option("en")
    assert page.locator("h2.h6").first.inner_text() == "Procedure"
    with page.expect_navigation():
        page.locator("#language-select").select_option("zh-hans")
    assert page.locator("h2.h6").first.inner_text() == "评选程序"
    page.get_by_role("button", name="陈主任").click()
    page.click("#logout-button")
    page.wait_for_url("**/accounts/login/")
    assert page.locator("#login-button").is_visible()
