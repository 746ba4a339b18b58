import pytest
from django.test import Client, override_settings
from django.urls import reverse

from accounts.enums import Role

pytestmark = pytest.mark.django_db


def test_home_redirects_to_schemes(client):
    response = client.get("/")
    assert (response.status_code, response["Location"]) == (302, reverse("awards:scheme_list"))


def test_pages_speak_chinese_by_default(client):
    response = client.get(reverse("accounts:login"))
    body = response.content.decode()
    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in body
    assert "登录" in body
    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in body


def test_english_is_selectable(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    body = client.get(reverse("accounts:login")).content.decode()
    assert "Log in to the portal" in body
    assert "登录门户" not in body


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_dashboard_shows_each_role_its_card(client, users, role):
    client.force_login(users[role])
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 200
    assert f'data-role="{role.value}"' in response.content.decode()
    assert [r.value for r in response.context["roles"]] == [role.value]


def test_dashboard_anonymous_goes_to_login(client):
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_custom_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_custom_403_is_rendered_for_refusal(client, users):
    client.force_login(users[Role.APPLICANT])
    response = client.get(reverse("accounts:audit_log"))
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()


@override_settings(DEBUG=False)
def test_custom_500_renders_without_context():
    from config.errors import server_error

    response = server_error(None)
    assert response.status_code == 500
    assert "服务器出错" in response.content.decode()


def test_scheme_list_is_public_and_lists_five(client):
    response = client.get(reverse("awards:scheme_list"))
    assert response.status_code == 200
    assert [s.code for s in response.context["schemes"]] == [
        "zibo-leading",
        "weihai-mayor",
        "linyi-mayor",
        "shandong-benchmark",
        "national-benchmark",
    ]


@pytest.mark.parametrize(
    "code", ["zibo-leading", "weihai-mayor", "linyi-mayor", "shandong-benchmark", "national-benchmark"]
)
def test_scheme_detail_shows_rules(client, code):
    response = client.get(reverse("awards:scheme_detail", args=[code]))
    assert response.status_code == 200
    body = response.content.decode()
    rulebook = response.context["scheme"].rulebooks.all()[0]
    assert rulebook.title in body
    assert body.count('data-stage="') == rulebook.stages.count()


def test_scheme_detail_unknown_is_404(client):
    assert client.get("/schemes/no-such-scheme/").status_code == 404


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _add_editions(count):
    from datetime import date

    from awards.models import Edition, Scheme

    scheme = Scheme.objects.get(code="weihai-mayor")
    rulebook = scheme.rulebooks.get()
    for year in range(2024, 2024 + count):
        Edition.objects.create(
            scheme=scheme,
            rulebook=rulebook,
            year=year,
            title=f"{year}年度",
            application_opens=date(min(year, 2028), 3, 1),
            application_closes=date(min(year, 2028), 4, 30),
            recommendation_deadline=date(min(year, 2028), 5, 31),
        )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        pytest.param("/schemes/", 3, id="list-schemes-rulebooks-editions"),
        pytest.param("/schemes/weihai-mayor/", 6, id="detail-scheme-rulebooks-quotas-rules-stages-editions"),
    ],
)
def test_scheme_pages_query_count_constant(client, url, expected):
    from awards.models import Edition

    _add_editions(1)
    few = _queries(client, url)
    Edition.objects.all().delete()
    _add_editions(5)
    many = _queries(client, url)
    assert (few, many) == (expected, expected)


def test_csrf_enforced_on_login():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
