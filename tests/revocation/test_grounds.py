"""Every ground of every scheme, with its article, loaded as data."""

import pytest

from awards.enums import Category
from revocation.models import CaseTrigger, RevocationGround, RevocationProcedure

UNIT, INDIVIDUAL = Category.UNIT, Category.INDIVIDUAL


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "category", "article", "count"),
    [
        pytest.param("weihai-mayor", UNIT, "第二十七条", 10, id="W27a-weihai-art27-第二十七条-10-unit-grounds"),
        pytest.param(
            "weihai-mayor", INDIVIDUAL, "第二十八条", 8, id="W28-weihai-art28-第二十八条-8-individual-grounds"
        ),
        pytest.param("linyi-mayor", UNIT, "第二十八条", 11, id="L28a-linyi-art28-第二十八条-11-unit-grounds"),
        pytest.param("linyi-mayor", INDIVIDUAL, "第二十九条", 9, id="L29-linyi-art29-第二十九条-9-individual-grounds"),
        pytest.param(
            "national-benchmark", UNIT, "第二十四条", 2, id="N24-national-art24-第二十四条-fraud-and-major-accident"
        ),
        pytest.param("zibo-leading", UNIT, "第三十条", 1, id="Z30-zibo-art30-第三十条-failed-periodic-evaluation-unit"),
        pytest.param(
            "zibo-leading", INDIVIDUAL, "第三十条", 1, id="Z30-zibo-art30-第三十条-failed-periodic-evaluation-person"
        ),
    ],
)
def test_grounds_present_with_article(code, category, article, count):
    grounds = RevocationGround.objects.filter(rulebook__scheme__code=code, category=category)
    assert list(grounds.values_list("article", "number")) == [(article, n) for n in range(1, count + 1)]
    assert all(g.text and g.is_active for g in grounds)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "category", "article", "number", "citation", "wording"),
    [
        pytest.param(
            "weihai-mayor",
            UNIT,
            "第二十七条",
            1,
            "第二十七条第（一）项",
            "弄虚作假、伪造事实、隐瞒错误骗取市长质量奖的",
            id="W27a-weihai-art27-1-fraud",
        ),
        pytest.param(
            "weihai-mayor",
            UNIT,
            "第二十七条",
            3,
            "第二十七条第（三）项",
            "产品2年内累计3次（含）以上被各级质量监督抽查判定为不合格",
            id="W27a-weihai-art27-3-spot-checks",
        ),
        pytest.param(
            "weihai-mayor",
            UNIT,
            "第二十七条",
            10,
            "第二十七条第（十）项",
            "存在法律、法规规定应该撤销认定的其他情形的",
            id="W27a-weihai-art27-10-other",
        ),
        pytest.param(
            "weihai-mayor",
            INDIVIDUAL,
            "第二十八条",
            5,
            "第二十八条第（五）项",
            "利用认定证书、奖章、奖杯从事营利性活动",
            id="W28-weihai-art28-5-profit-from-certificate",
        ),
        pytest.param(
            "linyi-mayor",
            UNIT,
            "第二十八条",
            3,
            "第二十八条第（三）项",
            "单位产品连续2次经市级以上质量监督抽查判定为不合格",
            id="L28a-linyi-art28-3-spot-checks",
        ),
        pytest.param(
            "linyi-mayor",
            UNIT,
            "第二十八条",
            11,
            "第二十八条第（十一）项",
            "发生其他严重违法法规行为的",
            id="L28a-linyi-art28-11-other",
        ),
        pytest.param(
            "linyi-mayor",
            INDIVIDUAL,
            "第二十九条",
            4,
            "第二十九条第（四）项",
            "抄袭、剽窃他人研究或技术成果的",
            id="L29-linyi-art29-4-plagiarism",
        ),
        pytest.param(
            "national-benchmark",
            UNIT,
            "第二十四条",
            1,
            "第二十四条",
            "申报材料弄虚作假以获得质量标杆称号的",
            id="N24-national-art24-fraud-cited-by-article",
        ),
        pytest.param(
            "national-benchmark",
            UNIT,
            "第二十四条",
            2,
            "第二十四条",
            "质量、安全、环保、信誉等方面重大责任事故",
            id="N24-national-art24-accident-cited-by-article",
        ),
        pytest.param(
            "zibo-leading",
            UNIT,
            "第三十条",
            1,
            "第三十条",
            "守法经营、示范引领、持续改进",
            id="Z30-zibo-art30-periodic-evaluation-cited-by-article",
        ),
    ],
)
def test_ground_wording_and_citation_from_the_rulebook(code, category, article, number, citation, wording):
    ground = RevocationGround.objects.get(
        rulebook__scheme__code=code, category=category, article=article, number=number
    )
    assert wording in ground.text
    assert ground.citation == citation
    assert str(ground) == f"{citation} {ground.text}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "flagged"),
    [
        pytest.param("zibo-leading", [("unit", "第三十条"), ("individual", "第三十条")], id="Z30-zibo-art30-flagged"),
        pytest.param("weihai-mayor", [], id="W27a-weihai-art27-no-periodic-evaluation-ground"),
        pytest.param("linyi-mayor", [], id="L28a-linyi-art28-no-periodic-evaluation-ground"),
    ],
)
def test_periodic_evaluation_ground_is_marked_as_data(code, flagged):
    grounds = RevocationGround.objects.filter(rulebook__scheme__code=code, periodic_evaluation=True)
    assert sorted(grounds.values_list("category", "article")) == sorted(flagged)


@pytest.mark.django_db
def test_shandong_benchmark_has_no_grounds():
    assert RevocationGround.objects.filter(rulebook__scheme__code="shandong-benchmark").count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "proposes", "decides", "article"),
    [
        pytest.param(
            "weihai-mayor",
            "市强市办",
            "市政府",
            "第二十七条、第二十八条",
            id="W27d-weihai-art27-art28-office-proposes-government-revokes",
        ),
        pytest.param(
            "linyi-mayor",
            "质量强市工作领导小组",
            "市政府",
            "第二十八条、第二十九条",
            id="L28c-linyi-art28-art29-leading-group-via-government",
        ),
        pytest.param(
            "national-benchmark",
            "全国质量标杆工作办公室",
            "中国质量协会",
            "第二十四条",
            id="N24-national-art24-association",
        ),
        pytest.param(
            "zibo-leading",
            "市质量强市工作领导小组",
            "市质量强市办",
            "第十条、第二十九条、第三十条",
            id="Z30-zibo-art10-leading-group-proposes-office-carries-out",
        ),
    ],
)
def test_procedure_names_who_proposes_and_decides(code, proposes, decides, article):
    procedure = RevocationProcedure.objects.get(rulebook__scheme__code=code)
    assert (procedure.proposing_body, procedure.deciding_body, procedure.article) == (proposes, decides, article)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "office_set"),
    [
        pytest.param("zibo-leading", True, id="Z29-zibo-art29-procedure-made-separately-is-office-set"),
        pytest.param("weihai-mayor", False, id="W27d-weihai-art27-procedure-given-by-the-text"),
        pytest.param("linyi-mayor", False, id="L28c-linyi-art28-procedure-given-by-the-text"),
    ],
)
def test_revocation_procedure_office_set_where_the_text_leaves_it(code, office_set):
    from awards.confirmations import REVOCATION_PROCEDURE, is_usable
    from awards.models import OfficeSetValue, Rulebook

    rulebook = Rulebook.objects.get(scheme__code=code)
    assert is_usable(rulebook, REVOCATION_PROCEDURE) is not office_set
    if office_set:
        value = OfficeSetValue.objects.get(rulebook=rulebook, key=REVOCATION_PROCEDURE)
        assert "第二十九条" in value.silence
        assert "领导小组提报撤销建议" in value.value


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
            "citation": "第二十条第（一）项",
            "text": "弄虚作假的",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = RevocationGround.objects.get(rulebook=rulebook)
    assert (created.article, created.number, created.citation, created.text) == (
        "第二十条",
        1,
        "第二十条第（一）项",
        "弄虚作假的",
    )
    assert AuditEvent.objects.filter(object_type="revocation.RevocationGround", action="create").count() == 1
