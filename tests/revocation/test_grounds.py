"""Every ground of every scheme, with its article, loaded as data."""

import pytest

from awards.enums import Category
from revocation.models import CaseTrigger, RevocationGround, RevocationProcedure

UNIT, INDIVIDUAL = Category.UNIT, Category.INDIVIDUAL


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "category", "article", "count"),
    [
        pytest.param("weihai-mayor", UNIT, "第二十七条", 10, id="weihai-第二十七条-10-unit-grounds"),
        pytest.param("weihai-mayor", INDIVIDUAL, "第二十八条", 8, id="weihai-第二十八条-8-individual-grounds"),
        pytest.param("linyi-mayor", UNIT, "第二十八条", 11, id="linyi-第二十八条-11-unit-grounds"),
        pytest.param("linyi-mayor", INDIVIDUAL, "第二十九条", 9, id="linyi-第二十九条-9-individual-grounds"),
        pytest.param("national-benchmark", UNIT, "第二十四条", 2, id="national-第二十四条-fraud-and-major-accident"),
        pytest.param("zibo-leading", UNIT, "第三十条", 1, id="zibo-第三十条-failed-periodic-evaluation-unit"),
        pytest.param("zibo-leading", INDIVIDUAL, "第三十条", 1, id="zibo-第三十条-failed-periodic-evaluation-person"),
    ],
)
def test_grounds_present_with_article(code, category, article, count):
    grounds = RevocationGround.objects.filter(rulebook__scheme__code=code, category=category)
    assert list(grounds.values_list("article", "number")) == [(article, n) for n in range(1, count + 1)]
    assert all(g.text and g.is_active for g in grounds)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "category", "article", "number", "wording"),
    [
        pytest.param(
            "weihai-mayor", UNIT, "第二十七条", 1, "弄虚作假、伪造事实、隐瞒错误骗取市长质量奖的", id="weihai-27-1"
        ),
        pytest.param(
            "weihai-mayor",
            UNIT,
            "第二十七条",
            3,
            "产品2年内累计3次（含）以上被各级质量监督抽查判定为不合格",
            id="weihai-27-3",
        ),
        pytest.param(
            "weihai-mayor", INDIVIDUAL, "第二十八条", 5, "利用认定证书、奖章、奖杯从事营利性活动", id="weihai-28-5"
        ),
        pytest.param(
            "linyi-mayor", UNIT, "第二十八条", 3, "单位产品连续2次经市级以上质量监督抽查判定为不合格", id="linyi-28-3"
        ),
        pytest.param("linyi-mayor", INDIVIDUAL, "第二十九条", 4, "抄袭、剽窃他人研究或技术成果的", id="linyi-29-4"),
        pytest.param(
            "national-benchmark", UNIT, "第二十四条", 1, "申报材料弄虚作假以获得质量标杆称号的", id="national-24-fraud"
        ),
        pytest.param(
            "national-benchmark",
            UNIT,
            "第二十四条",
            2,
            "质量、安全、环保、信誉等方面重大责任事故",
            id="national-24-accident",
        ),
        pytest.param("zibo-leading", UNIT, "第三十条", 1, "守法经营、示范引领、持续改进", id="zibo-30"),
    ],
)
def test_ground_wording_from_the_rulebook(code, category, article, number, wording):
    ground = RevocationGround.objects.get(
        rulebook__scheme__code=code, category=category, article=article, number=number
    )
    assert wording in ground.text
    assert ground.citation == f"{article}（{number}）"


@pytest.mark.django_db
def test_shandong_benchmark_has_no_grounds():
    assert RevocationGround.objects.filter(rulebook__scheme__code="shandong-benchmark").count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "proposes", "decides"),
    [
        pytest.param("weihai-mayor", "市强市办", "市政府", id="weihai-第二十七条-office-proposes-government-revokes"),
        pytest.param(
            "linyi-mayor", "质量强市工作领导小组", "市政府", id="linyi-第二十八条-leading-group-via-government"
        ),
        pytest.param(
            "national-benchmark", "全国质量标杆工作办公室", "中国质量协会", id="national-第二十四条-association"
        ),
        pytest.param("zibo-leading", "市质量强市办", "市质量强市办", id="zibo-第三十条-office"),
    ],
)
def test_procedure_names_who_proposes_and_decides(code, proposes, decides):
    procedure = RevocationProcedure.objects.get(rulebook__scheme__code=code)
    assert (procedure.proposing_body, procedure.deciding_body) == (proposes, decides)


@pytest.mark.django_db
def test_triggers_loaded_as_data():
    rows = sorted(
        CaseTrigger.objects.values_list(
            "rulebook__scheme__code", "kind", "count", "window_years", "min_level", "article", "ground__number"
        )
    )
    assert rows == [
        ("linyi-mayor", "consecutive_failures", 2, None, "city", "第二十八条", 3),
        ("weihai-mayor", "failures_within_window", 3, 2, "", "第二十七条", 3),
    ]


@pytest.mark.django_db
def test_office_adds_a_ground_for_a_new_rulebook_in_the_admin(make_user, client):
    from django.contrib.auth.models import Permission

    from accounts.enums import Role
    from accounts.models import AuditEvent
    from accounts.services import roles_sync
    from awards.models import Rulebook

    roles_sync()
    office = make_user(Role.OFFICE_STAFF, is_staff=True)
    # The office role's grant of these permissions is data in accounts.roles; given here directly.
    office.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="revocation", codename__endswith="revocationground")
    )
    client.force_login(office)
    rulebook = Rulebook.objects.get(scheme__code="shandong-benchmark")
    response = client.post(
        "/office/admin/revocation/revocationground/add/",
        {
            "rulebook": rulebook.pk,
            "category": UNIT,
            "article": "第二十条",
            "number": 1,
            "text": "弄虚作假的",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = RevocationGround.objects.get(rulebook=rulebook)
    assert (created.article, created.number, created.text) == ("第二十条", 1, "弄虚作假的")
    assert AuditEvent.objects.filter(object_type="revocation.RevocationGround", action="create").count() == 1
