"""The scheme data loaded by awards/migrations/0002_schemes.py, checked against the source texts.

The expected values are written out here from DOMAIN.md and the seeds, not read from the migration, so a slip
in either place shows up as a failure. Test ids cite the article that states the value.
"""

import datetime
import importlib

import pytest
from django.apps import apps as django_apps

from awards.enums import Category, EditionCycle, EligibilityKind, QuotaScope, SchemeLevel, StageKind, Tier
from awards.models import Edition, EligibilityRule, Quota, Rulebook, Scheme, Stage

pytestmark = pytest.mark.django_db

ZIBO, WEIHAI, LINYI, SHANDONG, NATIONAL = (
    "zibo-leading", "weihai-mayor", "linyi-mayor", "shandong-benchmark", "national-benchmark",
)
ALL_CODES = [ZIBO, WEIHAI, LINYI, SHANDONG, NATIONAL]

K = EligibilityKind
S = StageKind
UNIT, INDIVIDUAL = Category.UNIT, Category.INDIVIDUAL


def rulebook_of(code: str) -> Rulebook:
    return Rulebook.objects.get(scheme__code=code)


# --- schemes ------------------------------------------------------------------------------------------------

SCHEMES = [
    pytest.param(ZIBO, "淄博市质量领军企业（人物）", SchemeLevel.CITY, "370300", EditionCycle.BIENNIAL, "届",
                 [UNIT, INDIVIDUAL], id="Z4a-zibo-art4-biennial-city-370300"),
    pytest.param(WEIHAI, "威海市市长质量奖", SchemeLevel.CITY, "371000", EditionCycle.ANNUAL, "年度",
                 [UNIT, INDIVIDUAL], id="W6a-weihai-art6-annual-city-371000"),
    pytest.param(LINYI, "临沂市市长质量奖", SchemeLevel.CITY, "371300", EditionCycle.BIENNIAL, "届",
                 [UNIT, INDIVIDUAL], id="L2a-linyi-art2-biennial-city-371300"),
    pytest.param(SHANDONG, "山东省工业企业质量标杆", SchemeLevel.PROVINCE, "370000", EditionCycle.PER_NOTICE,
                 "年度",
                 [UNIT], id="shandong-2021notice-per-notice-province-370000"),
    pytest.param(NATIONAL, "全国质量标杆", SchemeLevel.NATIONAL, None, EditionCycle.ANNUAL, "年度",
                 [UNIT], id="national-art6-annual-no-region"),
]


@pytest.mark.parametrize(("code", "name", "level", "region", "cycle", "label", "categories"), SCHEMES)
def test_scheme_identity_matches_source(code, name, level, region, cycle, label, categories):
    scheme = Scheme.objects.select_related("region").get(code=code)
    assert scheme.name == name
    assert scheme.level == level
    assert (scheme.region.code if scheme.region else None) == region
    assert scheme.edition_cycle == cycle
    assert scheme.edition_label == label
    assert scheme.categories == categories
    assert scheme.is_active is True


@pytest.mark.parametrize(("code", "organiser", "office"), [
    pytest.param(ZIBO, "淄博市质量强市工作领导小组",
                 "淄博市质量强市工作领导小组办公室（市质量强市办，设在市市场监管局）",
                 id="zibo-art10-leading-group-and-office"),
    pytest.param(WEIHAI, "威海市质量强市及品牌战略推进工作领导小组",
                 "威海市质量强市领导小组办公室（市强市办）",
                 id="weihai-art7-art8-leading-group-and-office"),
    pytest.param(LINYI, "临沂市质量强市工作领导小组", "临沂市质量强市工作领导小组办公室（强市办）",
                 id="linyi-art7-leading-group-and-office"),
    pytest.param(SHANDONG, "山东省工业和信息化厅",
                 "山东省工业和信息化厅科技处（山东省企业技术创新促进会代收材料）",
                 id="shandong-1-3-3-department-and-association"),
    pytest.param(NATIONAL, "中国质量协会（受工业和信息化部委托）", "全国质量标杆工作办公室",
                 id="national-art1-art5-caq-and-office"),
])
def test_scheme_organiser_and_office(code, organiser, office):
    scheme = Scheme.objects.get(code=code)
    assert (scheme.organiser, scheme.office) == (organiser, office)


def test_exactly_the_five_schemes_are_loaded_with_one_rulebook_each_and_no_editions():
    assert sorted(Scheme.objects.values_list("code", flat=True)) == sorted(ALL_CODES)
    for code in ALL_CODES:
        assert Rulebook.objects.filter(scheme__code=code).count() == 1
    assert Edition.objects.count() == 0


# --- rulebooks ----------------------------------------------------------------------------------------------

RULEBOOKS = [
    pytest.param(ZIBO, "淄博市质量领军企业（人物）选树办法", "", "淄博市人民政府",
                 datetime.date(2021, 10, 1), datetime.date(2026, 10, 1), "第三十一条", "第四条",
                 "000_5d6c14b9390f7275.txt", id="Z31-zibo-art31-valid-2021-10-01-to-2026-10-01"),
    pytest.param(WEIHAI, "威海市市长质量奖认定办法", "威政发〔2023〕16号", "威海市人民政府",
                 datetime.date(2024, 1, 1), datetime.date(2028, 12, 31), "第三十条", "第六条",
                 "001_e67bc35a3d71045b.txt", id="W30-weihai-art30-valid-2024-01-01-to-2028-12-31"),
    pytest.param(LINYI, "临沂市市长质量奖管理办法", "临政发〔2017〕9号", "临沂市人民政府",
                 datetime.date(2017, 9, 1), datetime.date(2022, 8, 31), "第三十条", "第二条",
                 "002_faecf359432098b4.txt", id="L30-linyi-art30-valid-2017-09-01-to-2022-08-31"),
    # No validity clause: the notice governs the 2021 round only (applications 2021-04-12 to 05-15).
    pytest.param(SHANDONG, "关于开展2021年工业企业质量标杆活动的通知", "", "山东省工业和信息化厅",
                 datetime.date(2021, 1, 1), datetime.date(2021, 12, 31), "", "",
                 "003_479d8ddb2bc7dee6.txt", id="shandong-2021notice-valid-calendar-2021"),
    # Art. 26: in force on publication (date not in the text); the rules are for the 2022 round.
    pytest.param(NATIONAL, "2022年全国质量标杆遴选及交流实施办法", "", "中国质量协会",
                 datetime.date(2022, 1, 1), datetime.date(2022, 12, 31), "第二十六条", "第六条",
                 "004_2e36835a77d7b810.txt", id="N26-national-art26-valid-calendar-2022"),
]


@pytest.mark.parametrize(
    ("code", "title", "number", "issued_by", "valid_from", "valid_until", "validity_article",
     "edition_article", "source"),
    RULEBOOKS,
)
def test_rulebook_identity_and_validity(
    code, title, number, issued_by, valid_from, valid_until, validity_article, edition_article, source
):
    rulebook = rulebook_of(code)
    assert rulebook.title == title
    assert rulebook.document_number == number
    assert rulebook.issued_by == issued_by
    assert (rulebook.valid_from, rulebook.valid_until) == (valid_from, valid_until)
    assert rulebook.validity_article == validity_article
    assert rulebook.edition_article == edition_article
    assert rulebook.source == source


@pytest.mark.parametrize(("code", "inside", "outside"), [
    pytest.param(ZIBO, [datetime.date(2021, 10, 1), datetime.date(2026, 10, 1)],
                 [datetime.date(2021, 9, 30), datetime.date(2026, 10, 2)], id="Z31-zibo-art31-edges"),
    pytest.param(WEIHAI, [datetime.date(2024, 1, 1), datetime.date(2028, 12, 31)],
                 [datetime.date(2023, 12, 31), datetime.date(2029, 1, 1)], id="W30-weihai-art30-edges"),
    pytest.param(LINYI, [datetime.date(2017, 9, 1), datetime.date(2022, 8, 31)],
                 [datetime.date(2017, 8, 31), datetime.date(2022, 9, 1)], id="L30-linyi-art30-edges"),
    pytest.param(SHANDONG,
                 [datetime.date(2021, 4, 12), datetime.date(2021, 5, 15), datetime.date(2021, 6, 16)],
                 [datetime.date(2020, 12, 31), datetime.date(2022, 1, 1)],
                 id="shandong-1-3-1-window-2021-04-12"),
    pytest.param(NATIONAL, [datetime.date(2022, 1, 1), datetime.date(2022, 12, 31)],
                 [datetime.date(2021, 12, 31), datetime.date(2023, 1, 1)], id="national-art1-round-2022"),
])
def test_rulebook_in_force_on_edges(code, inside, outside):
    rulebook = rulebook_of(code)
    assert [rulebook.in_force_on(day) for day in inside] == [True] * len(inside)
    assert [rulebook.in_force_on(day) for day in outside] == [False] * len(outside)


@pytest.mark.parametrize(("code", "days", "article"), [
    pytest.param(ZIBO, 5, "第十八条", id="Z18-zibo-art18-notice-5-working-days"),
    pytest.param(WEIHAI, 5, "第十五条", id="W15a-weihai-art15-notice-5-working-days"),
    pytest.param(LINYI, 5, "第十七条", id="L17-linyi-art17-notice-5-working-days"),
    # The notice says only 网上公示 with no period; 5 is an assumption the office must confirm.
    pytest.param(SHANDONG, 5, "一（三）4", id="S3e-shandong-1-3-4-online-notice-assumed-5"),
    pytest.param(NATIONAL, 10, "第二十一条", id="N21a-national-art21-notice-10-working-days"),
])
def test_rulebook_public_notice(code, days, article):
    rulebook = rulebook_of(code)
    assert (rulebook.notice_working_days, rulebook.notice_article) == (days, article)


@pytest.mark.parametrize(("code", "quota", "article"), [
    pytest.param(ZIBO, None, "", id="zibo-art15-district-preselection-no-number"),
    pytest.param(WEIHAI, None, "", id="weihai-art13-district-recommendation-no-number"),
    pytest.param(LINYI, None, "", id="linyi-art14-county-recommendation-no-number"),
    # The 1-per-city limit (二（一）) binds the onward national recommendation only, not this pipeline.
    pytest.param(SHANDONG, None, "", id="shandong-1-3-3-city-recommendation-no-number"),
    # The national quota per recommending unit has no number (art. 7, 17): an office-set value per recommending
    # body (applications.RecommendingBody); Shandong's 1 per city is its own pre-selection, not this rulebook's.
    pytest.param(NATIONAL, None, "第七条、第十七条", id="N7-national-art7-art17-quota-per-recommending-body"),
])
def test_rulebook_recommendation_quota(code, quota, article):
    rulebook = rulebook_of(code)
    assert (rulebook.recommendation_quota, rulebook.recommendation_quota_article) == (quota, article)


@pytest.mark.parametrize("code", [
    pytest.param(ZIBO, id="Z23-zibo-art23-free"),
    pytest.param(WEIHAI, id="W18-weihai-art18-free"),
    pytest.param(LINYI, id="L20-linyi-art8-art20-free"),
    pytest.param(SHANDONG, id="shandong-notice-no-fee"),
    pytest.param(NATIONAL, id="N4-national-art4-free"),
])
def test_rulebook_free_of_charge(code):
    assert rulebook_of(code).free_of_charge is True


# --- quotas -------------------------------------------------------------------------------------------------

QUOTAS = {
    ZIBO: {
        (QuotaScope.TOTAL, Tier.AWARD): (8, "第四条"),
        (QuotaScope.UNIT, Tier.AWARD): (5, "第四条"),
        (QuotaScope.INDIVIDUAL, Tier.AWARD): (3, "第四条"),
    },
    WEIHAI: {
        (QuotaScope.UNIT, Tier.AWARD): (5, "第六条第一款"),
        (QuotaScope.INDIVIDUAL, Tier.AWARD): (3, "第六条第一款"),
    },
    LINYI: {
        (QuotaScope.UNIT, Tier.AWARD): (5, "第二条第二款"),
        (QuotaScope.INDIVIDUAL, Tier.AWARD): (3, "第二条第二款"),
        (QuotaScope.UNIT, Tier.NOMINATION): (5, "第二条第三款"),
        (QuotaScope.INDIVIDUAL, Tier.NOMINATION): (5, "第二条第三款"),
    },
    SHANDONG: {},
    NATIONAL: {},
}


@pytest.mark.parametrize(("code", "scope", "tier", "max_count", "article"), [
    pytest.param(ZIBO, QuotaScope.TOTAL, Tier.AWARD, 8, "第四条", id="Z4b-zibo-art4-total-8"),
    pytest.param(ZIBO, QuotaScope.UNIT, Tier.AWARD, 5, "第四条", id="Z4c-zibo-art4-unit-5"),
    pytest.param(ZIBO, QuotaScope.INDIVIDUAL, Tier.AWARD, 3, "第四条", id="Z4d-zibo-art4-individual-3"),
    pytest.param(WEIHAI, QuotaScope.UNIT, Tier.AWARD, 5, "第六条第一款", id="W6b-weihai-art6-unit-5"),
    pytest.param(WEIHAI, QuotaScope.INDIVIDUAL, Tier.AWARD, 3, "第六条第一款", id="W6b-weihai-art6-individual-3"),
    pytest.param(LINYI, QuotaScope.UNIT, Tier.AWARD, 5, "第二条第二款", id="L2b-linyi-art2-award-unit-5"),
    pytest.param(LINYI, QuotaScope.INDIVIDUAL, Tier.AWARD, 3, "第二条第二款",
                 id="L2b-linyi-art2-award-individual-3"),
    pytest.param(LINYI, QuotaScope.UNIT, Tier.NOMINATION, 5, "第二条第三款",
                 id="L2c-linyi-art2-nomination-unit-5"),
    pytest.param(LINYI, QuotaScope.INDIVIDUAL, Tier.NOMINATION, 5, "第二条第三款",
                 id="L2c-linyi-art2-nomination-individual-5"),
])
def test_quota(code, scope, tier, max_count, article):
    quota = Quota.objects.get(rulebook__scheme__code=code, scope=scope, tier=tier)
    assert (quota.max_count, quota.article) == (max_count, article)


@pytest.mark.parametrize("code", [
    pytest.param(ZIBO, id="zibo-art4-only-these-quotas"),
    pytest.param(WEIHAI, id="weihai-art6-no-total-cap"),
    pytest.param(LINYI, id="linyi-art2-award-and-nomination-only"),
    pytest.param(SHANDONG, id="shandong-notice-no-cap"),
    pytest.param(NATIONAL, id="national-no-cap-on-winners"),
])
def test_quota_set_is_complete(code):
    quotas = Quota.objects.filter(rulebook__scheme__code=code)
    loaded = {(q.scope, q.tier): (q.max_count, q.article) for q in quotas}
    assert loaded == QUOTAS[code]


# --- eligibility rules --------------------------------------------------------------------------------------

# (code, category, kind, years, inclusive, article, a fragment the quoted wording must contain)
RULES = [
    pytest.param(ZIBO, UNIT, K.OPERATING_YEARS, 5, True, "第七条第（一）项", "运行5年以上",
                 id="zibo-art7-1-operating-years-5-inclusive"),
    pytest.param(ZIBO, UNIT, K.FOUR_NEW_OPERATING_YEARS, 3, True, "第七条第（一）项", "运行3年以上",
                 id="zibo-art7-1-four-new-years-3-inclusive"),
    pytest.param(ZIBO, UNIT, K.ACCIDENT_FREE_YEARS, 3, True, "第七条第（五）项", "近3年内无重大质量",
                 id="zibo-art7-5-accident-free-3"),
    pytest.param(ZIBO, UNIT, K.VIOLATION_FREE_YEARS, 3, True, "第七条第（六）项", "严重违反法律法规",
                 id="zibo-art7-6-violation-free-3"),
    pytest.param(ZIBO, INDIVIDUAL, K.QUALITY_WORK_YEARS, 10, True, "第九条第（二）项", "质量相关工作10年以上",
                 id="zibo-art9-2-quality-work-10-inclusive"),
    pytest.param(ZIBO, INDIVIDUAL, K.ACCIDENT_FREE_YEARS, 3, True, "第九条第（六）项", "所属单位近3年内",
                 id="zibo-art9-6-own-unit-accident-free-3"),

    pytest.param(WEIHAI, UNIT, K.OPERATING_YEARS, 5, True, "第十条第（一）项", "5年（含）以上",
                 id="weihai-art10-1-operating-years-5-inclusive"),
    pytest.param(WEIHAI, UNIT, K.FOUR_NEW_OPERATING_YEARS, 3, True, "第十条第（一）项", "3年（含）以上",
                 id="weihai-art10-1-four-new-years-3-inclusive"),
    pytest.param(WEIHAI, UNIT, K.ACCIDENT_FREE_YEARS, 3, True, "第十条第（五）项", "近3年内未发生重大",
                 id="weihai-art10-5-accident-free-3"),
    pytest.param(WEIHAI, UNIT, K.VIOLATION_FREE_YEARS, 3, True, "第十条第（六）项",
                 "近3年内无其他违反法律、法规行为",
                 id="weihai-art10-6-violation-free-3"),
    pytest.param(WEIHAI, UNIT, K.NO_REPEAT_WINNER, None, True, "第六条第二款", "不得重复申报",
                 id="weihai-art6-unit-no-repeat-winner"),
    pytest.param(WEIHAI, UNIT, K.REVOCATION_BAN_YEARS, 5, True, "第二十九条", "5年内不得再次申报",
                 id="weihai-art29-unit-revocation-ban-5"),
    pytest.param(WEIHAI, INDIVIDUAL, K.QUALITY_WORK_YEARS, 10, True, "第十二条第（二）项", "10年（含）以上",
                 id="weihai-art12-2-quality-work-10-inclusive"),
    pytest.param(WEIHAI, INDIVIDUAL, K.ACCIDENT_FREE_YEARS, 3, True, "第十二条第（六）项", "所在单位近3年内",
                 id="weihai-art12-6-own-unit-accident-free-3"),
    pytest.param(WEIHAI, INDIVIDUAL, K.NO_REPEAT_WINNER, None, True, "第六条第二款", "不得重复申报",
                 id="weihai-art6-individual-no-repeat-winner"),
    pytest.param(WEIHAI, INDIVIDUAL, K.REVOCATION_BAN_YEARS, 5, True, "第二十九条", "5年内不得再次申报",
                 id="weihai-art29-individual-revocation-ban-5"),

    pytest.param(LINYI, UNIT, K.OPERATING_YEARS, 5, True, "第十条第（一）项", "主体业务正常运行5年以上",
                 id="linyi-art10-1-operating-years-5-inclusive"),
    pytest.param(LINYI, UNIT, K.ACCIDENT_FREE_YEARS, 3, True, "第十条第（五）项", "近3年内无重大的质量",
                 id="linyi-art10-5-accident-free-3"),
    pytest.param(LINYI, UNIT, K.VIOLATION_FREE_YEARS, 3, True, "第十条第（六）项",
                 "近3年内无其他违反法律法规",
                 id="linyi-art10-6-violation-free-3"),
    pytest.param(LINYI, UNIT, K.NO_REPEAT_WINNER, None, True, "第六条", "不得重复申报",
                 id="linyi-art6-unit-no-repeat-winner"),
    pytest.param(LINYI, INDIVIDUAL, K.QUALITY_WORK_YEARS, 10, True, "第十二条第（二）项",
                 "质量相关工作10年以上",
                 id="linyi-art12-2-quality-work-10-inclusive"),
    pytest.param(LINYI, INDIVIDUAL, K.ACCIDENT_FREE_YEARS, 3, True, "第十二条第（六）项", "所属的单位近3年内",
                 id="linyi-art12-6-own-unit-accident-free-3"),
    pytest.param(LINYI, INDIVIDUAL, K.NO_REPEAT_WINNER, None, True, "第六条", "不得重复申报",
                 id="linyi-art6-individual-no-repeat-winner"),

    pytest.param(SHANDONG, UNIT, K.INDEPENDENT_LEGAL_PERSON, None, True, "一（二）1", "独立法人资格",
                 id="shandong-1-2-1-independent-legal-person"),
    pytest.param(SHANDONG, UNIT, K.PROFITABLE_YEARS, 3, True, "一（二）1", "近三年连续保持盈利",
                 id="shandong-1-2-1-profitable-3"),

    pytest.param(NATIONAL, UNIT, K.INDEPENDENT_LEGAL_PERSON, None, True, "第九条第（一）项", "独立法人资格",
                 id="national-art9-1-independent-legal-person"),
    pytest.param(NATIONAL, UNIT, K.PROFITABLE_YEARS, 3, True, "第九条第（一）项", "近三年连续保持盈利",
                 id="national-art9-1-profitable-3"),
    pytest.param(NATIONAL, UNIT, K.PREVIOUS_PROVINCIAL_BENCHMARK, None, True, "鲁工信2021年通知二（一）",
                 "往年的全省质量标杆", id="national-shandong-2-1-previous-provincial-benchmark"),
    # Declarations and choices (awards/migrations/0012_eligibility_declarations_data.py).
    pytest.param(ZIBO, UNIT, K.INDEPENDENT_LIABILITY, None, True, "第三条第一款", "独立承担法律责任",
                 id="Z3-zibo-art3-independent-liability"),
    pytest.param(ZIBO, INDIVIDUAL, K.INTEGRITY, None, True, "第九条第（一）项", "清正廉洁",
                 id="Z9c-zibo-art9-1-integrity"),
    pytest.param(ZIBO, INDIVIDUAL, K.CLEAN_RECORD, None, True, "第九条第（七）项", "无其他严重不良记录",
                 id="Z9c-zibo-art9-7-clean-record"),
    pytest.param(WEIHAI, UNIT, K.INDEPENDENT_LIABILITY, None, True, "第三条第一款", "独立承担法律责任",
                 id="W3-weihai-art3-independent-liability"),
    pytest.param(WEIHAI, INDIVIDUAL, K.INTEGRITY, None, True, "第十二条第（一）项", "清正廉洁",
                 id="W12b-weihai-art12-1-integrity"),
    pytest.param(WEIHAI, INDIVIDUAL, K.CLEAN_RECORD, None, True, "第十二条第（七）项", "无不良信用记录",
                 id="W12b-weihai-art12-7-clean-record"),
    pytest.param(LINYI, UNIT, K.INDEPENDENT_LIABILITY, None, True, "第三条第一款", "可以独立承担法律责任",
                 id="L3-linyi-art3-independent-liability"),
    pytest.param(LINYI, INDIVIDUAL, K.INTEGRITY, None, True, "第十二条第（一）项", "清正廉洁",
                 id="L12c-linyi-art12-1-integrity"),
    pytest.param(LINYI, INDIVIDUAL, K.CLEAN_RECORD, None, True, "第十二条第（七）项", "无不良记录",
                 id="L12c-linyi-art12-7-clean-record"),
    pytest.param(SHANDONG, UNIT, K.CLEAN_RECORD, None, True, "一（二）1", "无违法行为和不良记录",
                 id="S2c-shandong-1-2-1-clean-record"),
    pytest.param(SHANDONG, UNIT, K.METHOD_APPLIED, None, True, "一（二）2", "成熟应用",
                 id="S2d-shandong-1-2-2-method-applied"),
    pytest.param(SHANDONG, UNIT, K.SHARING_COMMITMENT, None, True, "一（二）3", "分享交流活动",
                 id="S2d-shandong-1-2-3-sharing"),
    pytest.param(SHANDONG, UNIT, K.FOCUS_FIELD, None, True, "一（一）", "重点领域", id="S1-shandong-1-1-focus-fields"),
    pytest.param(NATIONAL, UNIT, K.CLEAN_RECORD, None, True, "第九条第（一）项", "无违法行为和不良记录",
                 id="N9-national-art9-1-clean-record"),
    pytest.param(NATIONAL, UNIT, K.METHOD_APPLIED, None, True, "第九条第（二）项", "成熟应用",
                 id="N9-national-art9-2-method-applied"),
    pytest.param(NATIONAL, UNIT, K.SHARING_COMMITMENT, None, True, "第九条第（三）项", "分享交流活动",
                 id="N9-national-art9-3-sharing"),
    pytest.param(NATIONAL, UNIT, K.FOCUS_FIELD, None, True, "第十条", "遴选范围", id="N10-national-art10-scope"),
]


@pytest.mark.parametrize(("code", "category", "kind", "years", "inclusive", "article", "fragment"), RULES)
def test_eligibility_rule(code, category, kind, years, inclusive, article, fragment):
    rule = EligibilityRule.objects.get(rulebook__scheme__code=code, category=category, kind=kind)
    assert rule.years == years
    assert rule.inclusive is inclusive
    assert rule.article == article
    assert fragment in rule.text


@pytest.mark.parametrize("code", [
    pytest.param(ZIBO, id="zibo-art7-art9-no-other-rules"),
    pytest.param(WEIHAI, id="weihai-art6-art10-art12-art29-no-other-rules"),
    pytest.param(LINYI, id="linyi-art6-art10-art12-no-four-new-no-ban"),
    pytest.param(SHANDONG, id="shandong-1-2-1-no-previous-benchmark-rule"),
    pytest.param(NATIONAL, id="national-art9-and-shandong-2-1-no-other-rules"),
])
def test_eligibility_rule_set_is_complete(code):
    expected = {(p.values[1], p.values[2]) for p in RULES if p.values[0] == code}
    loaded = set(EligibilityRule.objects.filter(rulebook__scheme__code=code).values_list("category", "kind"))
    assert loaded == expected


@pytest.mark.parametrize("code", [pytest.param(LINYI, id="L10-linyi-art10-1-no-four-new-exception")])
def test_linyi_art10_has_no_four_new_exception(code):
    assert not EligibilityRule.objects.filter(
        rulebook__scheme__code=code, kind=K.FOUR_NEW_OPERATING_YEARS
    ).exists()


def test_previous_provincial_benchmark_binds_only_the_national_benchmark():
    # Shandong 二（一）: each city recommends for the national benchmark from earlier provincial benchmarks.
    assert list(
        EligibilityRule.objects.filter(kind=K.PREVIOUS_PROVINCIAL_BENCHMARK).values_list(
            "rulebook__scheme__code", "category", "article"
        )
    ) == [(NATIONAL, "unit", "鲁工信2021年通知二（一）")]


def test_national_benchmark_recommended_by_cities():
    # Art. 7: the provincial department recommends nationally; the cities only propose to it (Shandong 二（一）).
    assert rulebook_of(NATIONAL).recommender_level == "province"
    assert {rulebook_of(code).recommender_level for code in (ZIBO, WEIHAI, LINYI)} == {"county"}
    assert rulebook_of(SHANDONG).recommender_level == "city"


def test_every_rule_that_counts_years_has_years():
    counted = {K.OPERATING_YEARS, K.FOUR_NEW_OPERATING_YEARS, K.QUALITY_WORK_YEARS, K.PROFITABLE_YEARS,
               K.ACCIDENT_FREE_YEARS, K.VIOLATION_FREE_YEARS, K.REVOCATION_BAN_YEARS}
    assert not EligibilityRule.objects.filter(kind__in=counted, years__isnull=True).exists()
    assert not EligibilityRule.objects.exclude(kind__in=counted).filter(years__isnull=False).exists()


# --- stages -------------------------------------------------------------------------------------------------

PIPELINES = {
    ZIBO: [
        (S.APPLICATION, "第十五条"),
        (S.DISTRICT_RECOMMENDATION, "第十五条"),
        (S.PUBLIC_OPINION, "第十六条"),
        (S.QUALIFICATION_CHECK, "第十六条"),
        (S.MATERIAL_REVIEW, "第十六条"),
        (S.ONSITE_REVIEW, "第十六条"),
        (S.ORAL_DEFENCE, "第十六条"),
        (S.SUPERVISION_OPINIONS, "第十七条"),
        (S.CANDIDATE_LIST, "第十七条"),
        (S.LEADING_GROUP, "第十七条"),
        (S.PUBLIC_NOTICE, "第十八条"),
        (S.GOVERNMENT_APPROVAL, "第十九条"),
        (S.ANNOUNCEMENT, "第十九条"),
    ],
    WEIHAI: [
        (S.APPLICATION, "第十三条"),
        (S.DISTRICT_RECOMMENDATION, "第十三条"),
        (S.PUBLIC_OPINION, "第十四条"),
        (S.QUALIFICATION_CHECK, "第十四条"),
        (S.MATERIAL_REVIEW, "第十四条"),
        (S.ONSITE_REVIEW, "第十四条"),
        (S.ORAL_DEFENCE, "第十四条"),
        (S.CANDIDATE_LIST, "第十五条"),
        (S.PUBLIC_NOTICE, "第十五条"),
        (S.LEADING_GROUP, "第十五条"),
        (S.GOVERNMENT_APPROVAL, "第十六条"),
        (S.ANNOUNCEMENT, "第十六条"),
    ],
    LINYI: [
        (S.APPLICATION, "第十四条"),
        (S.DISTRICT_RECOMMENDATION, "第十四条"),
        (S.QUALIFICATION_CHECK, "第十五条第一款"),
        (S.MATERIAL_REVIEW, "第十五条第二款"),
        (S.ONSITE_REVIEW, "第十五条第二款"),
        (S.ORAL_DEFENCE, "第十五条第二款"),
        (S.SATISFACTION_SURVEY, "第十六条"),
        (S.CANDIDATE_LIST, "第十六条"),
        (S.REVIEW_COMMITTEE, "第十六条"),
        (S.LEADING_GROUP, "第十六条"),
        (S.PUBLIC_NOTICE, "第十七条"),
        (S.GOVERNMENT_APPROVAL, "第十八条"),
        (S.ANNOUNCEMENT, "第十八条"),
    ],
    SHANDONG: [
        (S.APPLICATION, "一（三）2"),
        (S.DISTRICT_RECOMMENDATION, "一（三）3"),
        (S.MATERIAL_REVIEW, "一（三）4"),
        (S.ONSITE_REVIEW, "一（三）4"),
        (S.PUBLIC_NOTICE, "一（三）4"),
        (S.ORGANISER_APPROVAL, "一（三）4"),
        (S.ANNOUNCEMENT, "一（三）4"),
    ],
    NATIONAL: [
        (S.APPLICATION, "第十六条"),
        (S.DISTRICT_RECOMMENDATION, "第十七条"),
        (S.FORMAL_CHECK, "第十八条"),
        (S.MATERIAL_REVIEW, "第十九条"),
        (S.ORAL_DEFENCE, "第二十条"),
        (S.ONSITE_REVIEW, "第二十条"),
        (S.CANDIDATE_LIST, "第二十条"),
        (S.MINISTRY_CONSULTATION, "第二十条"),
        (S.PUBLIC_NOTICE, "第二十一条"),
        (S.ORGANISER_APPROVAL, "第二十二条"),
        (S.ANNOUNCEMENT, "第二十二条"),
    ],
}


@pytest.mark.parametrize("code", [
    pytest.param(ZIBO, id="Z16-Z17-zibo-art14-19-pipeline"),
    pytest.param(WEIHAI, id="W14-weihai-art13-16-pipeline"),
    pytest.param(LINYI, id="L14-L15b-linyi-art13-18-pipeline"),
    pytest.param(SHANDONG, id="shandong-1-3-pipeline"),
    pytest.param(NATIONAL, id="N20a-national-art16-22-pipeline"),
])
def test_stage_pipeline_order_and_articles(code):
    stages = rulebook_of(code).pipeline
    assert [(s.kind, s.article) for s in stages] == PIPELINES[code]
    assert [s.position for s in stages] == list(range(1, len(PIPELINES[code]) + 1))


@pytest.mark.parametrize("code", ALL_CODES)
def test_stage_pipeline_starts_with_intake_and_ends_with_announcement(code):
    kinds = [s.kind for s in rulebook_of(code).pipeline]
    assert kinds[:2] == [S.APPLICATION, S.DISTRICT_RECOMMENDATION]
    assert kinds[-1] == S.ANNOUNCEMENT


@pytest.mark.parametrize(("code", "notice_first"), [
    pytest.param(WEIHAI, True, id="W15b-weihai-art15-notice-before-leading-group"),
    pytest.param(ZIBO, False, id="zibo-art17-art18-leading-group-before-notice"),
    pytest.param(LINYI, False, id="linyi-art16-art17-leading-group-before-notice"),
])
def test_public_notice_relative_to_leading_group(code, notice_first):
    position = {s.kind: s.position for s in rulebook_of(code).pipeline}
    assert (position[S.PUBLIC_NOTICE] < position[S.LEADING_GROUP]) is notice_first


def test_zibo_art17_supervision_opinions_come_just_before_the_candidate_list():
    position = {s.kind: s.position for s in rulebook_of(ZIBO).pipeline}
    assert position[S.CANDIDATE_LIST] - position[S.SUPERVISION_OPINIONS] == 1


@pytest.mark.parametrize(("code", "conditional"), [
    pytest.param(ZIBO, set(), id="zibo-no-conditional-stage"),
    pytest.param(WEIHAI, set(), id="weihai-no-conditional-stage"),
    pytest.param(LINYI, set(), id="linyi-no-conditional-stage"),
    pytest.param(SHANDONG, {S.ONSITE_REVIEW}, id="S3d-shandong-1-3-4-onsite-check-where-needed"),
    pytest.param(NATIONAL, {S.ONSITE_REVIEW}, id="N20b-national-art20-site-visit-where-doubts"),
])
def test_conditional_stages(code, conditional):
    stages = Stage.objects.filter(rulebook__scheme__code=code, conditional=True)
    loaded = set(stages.values_list("kind", flat=True))
    assert loaded == conditional


@pytest.mark.parametrize(("code", "kind", "body"), [
    pytest.param(ZIBO, S.DISTRICT_RECOMMENDATION, "各区县质量工作议事协调机构",
                 id="Z15-zibo-art15-district-preselects"),
    pytest.param(ZIBO, S.SUPERVISION_OPINIONS, "选树监督小组", id="zibo-art17-supervision-group"),
    pytest.param(ZIBO, S.GOVERNMENT_APPROVAL, "淄博市人民政府", id="zibo-art19-city-government"),
    pytest.param(WEIHAI, S.DISTRICT_RECOMMENDATION, "区市质量议事协调机构", id="W13-weihai-art13-district-signs"),
    pytest.param(WEIHAI, S.LEADING_GROUP, "市质量强市领导小组", id="weihai-art15-leading-group"),
    pytest.param(LINYI, S.REVIEW_COMMITTEE, "评审委员会（评审委）", id="linyi-art16-review-committee"),
    pytest.param(LINYI, S.SATISFACTION_SURVEY, "强市办", id="linyi-art16-office-runs-survey"),
    pytest.param(SHANDONG, S.DISTRICT_RECOMMENDATION, "各市工业和信息化局", id="S3b-shandong-1-3-3-city-bureaus"),
    pytest.param(SHANDONG, S.ORGANISER_APPROVAL, "山东省工业和信息化厅", id="shandong-1-3-4-department"),
    pytest.param(NATIONAL, S.FORMAL_CHECK, "全国质量标杆工作办公室", id="N18-national-art18-office"),
    pytest.param(NATIONAL, S.ORGANISER_APPROVAL, "中国质量协会", id="N22-national-art22-association-approves"),
])
def test_stage_body(code, kind, body):
    assert Stage.objects.get(rulebook__scheme__code=code, kind=kind).body == body


@pytest.mark.parametrize("code", [pytest.param(LINYI, id="L15a-linyi-art15-1-nine-departments")])
def test_linyi_art15_qualification_check_names_all_nine_departments(code):
    body = Stage.objects.get(rulebook__scheme__code=code, kind=S.QUALIFICATION_CHECK).body
    departments = [
        "市发改委", "市经信委", "市人社局", "市农业局", "市卫计委",
        "市环保局", "市质监局", "市安监局", "市食药监局",
    ]
    assert [d for d in departments if d not in body] == []


def test_every_stage_has_a_body_and_no_weight():
    assert not Stage.objects.filter(body="").exists()
    assert not Stage.objects.filter(weight__isnull=False).exists()


# --- integrity ----------------------------------------------------------------------------------------------

def test_every_loaded_row_passes_model_validation():
    # SQLite does not enforce max_length or choices; full_clean does.
    for model in (Scheme, Rulebook, Quota, EligibilityRule, Stage):
        for row in model.objects.all():
            row.full_clean()


def test_loading_twice_changes_nothing():
    migration = importlib.import_module("awards.migrations.0002_schemes")

    def snapshot():
        return [
            list(model.objects.order_by("pk").values())
            for model in (Scheme, Rulebook, Quota, EligibilityRule, Stage)
        ]

    before = snapshot()
    migration.forward(django_apps, None)
    importlib.import_module("awards.migrations.0003_number_prefix_recommender_level").forward(django_apps, None)
    importlib.import_module("awards.migrations.0004_national_recommendation_via_cities").forward(django_apps, None)
    # applications/0005 corrects 0004 (the national recommender is the province; 1 per city is Shandong's).
    importlib.import_module("applications.migrations.0005_required_materials_recommending_bodies_data").forwards(
        django_apps, None
    )
    assert snapshot() == before
