"""The eligibility engine against the real rules of the five schemes, as loaded by awards/migrations/0002_schemes.py,
0004 and 0012_eligibility_declarations_data.py (declarations, choices, the scheme of earlier winners).

Thresholds and articles are written out here from the rulebooks, not read from the data, so a slip in either
place shows up. Test ids start with the checklist row (Z7a, W10b, ...) and cite the scheme and the article.
Messages are checked in English (the zh-Hans catalogue is kept separately); only the parts no translation
changes (names, articles, numbers, dates, the rulebooks' own words) are checked in Chinese.
"""

from dataclasses import replace
from datetime import date

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import translation

from applications import services
from applications.eligibility import (
    APPLICATION_WINDOW,
    CATEGORY,
    FORM_DECLARATIONS,
    RULEBOOK_IN_FORCE,
    ApplicantFacts,
    Failure,
    PastAward,
    add_years,
    check_eligibility,
    full_years,
)
from applications.models import Application
from awards.enums import Category, EditionStatus, EligibilityKind
from awards.models import Edition, EligibilityRule, Rulebook, Scheme
from tests.applications.conftest import make_edition, make_unit_applicant

pytestmark = pytest.mark.django_db

ZIBO, WEIHAI, LINYI, SHANDONG, NATIONAL = (
    "zibo-leading", "weihai-mayor", "linyi-mayor", "shandong-benchmark", "national-benchmark",
)
K = EligibilityKind
UNIT, INDIVIDUAL = Category.UNIT, Category.INDIVIDUAL

# For each scheme an edition year and window inside its rulebook's validity, and a day inside that window.
WINDOWS = {
    ZIBO: (2026, date(2026, 3, 1), date(2026, 4, 30)),
    WEIHAI: (2026, date(2026, 3, 1), date(2026, 4, 30)),
    LINYI: (2022, date(2022, 3, 1), date(2022, 4, 30)),
    SHANDONG: (2021, date(2021, 4, 12), date(2021, 5, 15)),
    NATIONAL: (2022, date(2022, 3, 1), date(2022, 4, 30)),
}
ON = {
    ZIBO: date(2026, 4, 1),
    WEIHAI: date(2026, 4, 1),
    LINYI: date(2022, 4, 1),
    SHANDONG: date(2021, 5, 1),
    NATIONAL: date(2022, 4, 1),
}

D = frozenset(FORM_DECLARATIONS)  # every declaration ticked
# The benchmarks' choice of field (Shandong 一（一）) and scope category (national art. 10), by item number.
SD_FIELD, NAT_SCOPE = "一（一）1", "第十条第（二）项"

# Facts that meet every rule of every scheme for their category.
GOOD = {
    UNIT: {
        "category": UNIT,
        "operating_since": date(2000, 1, 1),
        "profitable_years": 20,
        "independent_legal_person": True,
        "accident_free_declared": True,
        "violation_free_declared": True,
        "declared": D,
    },
    INDIVIDUAL: {
        "category": INDIVIDUAL,
        "quality_work_since": date(1990, 1, 1),
        "accident_free_declared": True,
        "declared": D,
    },
}


def facts(category, **changes) -> ApplicantFacts:
    return ApplicantFacts(**{**GOOD[category], **changes})


def sd(**changes) -> ApplicantFacts:
    """A Shandong applicant meeting every rule (its focus field chosen)."""
    return facts(UNIT, **{"focus_field": SD_FIELD, **changes})


def nat(**changes) -> ApplicantFacts:
    """A national applicant meeting every rule: its scope category chosen, a provincial benchmark of 2021."""
    return facts(UNIT, **{"focus_field": NAT_SCOPE, "past_awards": PROVINCIAL_2021, **changes})


def undeclared(category, kind, **changes) -> ApplicantFacts:
    return facts(category, declared=D - {kind}, **changes)


def check(*, edition, facts, on):
    """check_eligibility, with each past award given its scheme's id (as the selector does); the past awards
    are written with scheme codes here because the parameters are built before the database exists."""
    if facts.past_awards:
        ids = dict(Scheme.objects.values_list("code", "pk"))
        facts = replace(
            facts, past_awards=tuple(replace(a, scheme_id=ids.get(a.scheme_code)) for a in facts.past_awards)
        )
    return check_eligibility(edition=edition, facts=facts, on=on)


def award(code, year, revoked_on=None) -> tuple[PastAward, ...]:
    return (PastAward(scheme_code=code, edition_year=year, awarded_on=date(year, 12, 1), revoked_on=revoked_on),)


# The national benchmark reaches Shandong's enterprises through the cities, from earlier provincial benchmarks
# (the province's 2021 notice, part 二（一）).
PROVINCIAL_2021 = (PastAward(scheme_code="shandong-benchmark", edition_year=2021, awarded_on=date(2021, 12, 1)),)
NOTICE_2_1 = "鲁工信2021年通知二（一）"


def found(failures: list[Failure]) -> list[tuple[str, str]]:
    return [(f.kind, f.article) for f in failures]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def edition_of():
    """An edition saved directly (no full_clean), so one outside its rulebook's force can be set up."""

    def make(code, *, year=None, opens=None, closes=None, status=EditionStatus.OPEN):
        default_year, default_opens, default_closes = WINDOWS[code]
        year = year or default_year
        opens = opens or default_opens
        closes = closes or default_closes
        scheme = Scheme.objects.get(code=code)
        return Edition.objects.create(
            scheme=scheme,
            rulebook=Rulebook.objects.get(scheme=scheme),
            year=year,
            title=f"{year}年度",
            status=status,
            application_opens=opens,
            application_closes=closes,
            recommendation_deadline=closes,
        )

    return make


def nd(text: str) -> str:
    """The message for a declaration not ticked: it quotes the rulebook's words."""
    return f"has not declared “{text}”; this declaration is required."


# --- every rule of every scheme, pass and fail --------------------------------------------------------------

# (code, facts, expected failures as (kind, article), fragments the messages must contain); `on` is ON[code].
RULE_CASES = [
    # Zibo 选树办法 art. 7 (units), art. 9 (individuals); no repeat-winner or revocation rule.
    pytest.param(ZIBO, facts(UNIT, operating_since=date(2021, 4, 1)), [], [],
                 id="Z7a-zibo-第七条第（一）项-operating-5y-inclusive-exact-anniversary-passes"),
    pytest.param(ZIBO, facts(UNIT, operating_since=date(2021, 4, 2)),
                 [(K.OPERATING_YEARS, "第七条第（一）项")],
                 ["淄博质量领军 第七条第（一）项: operating for 4 years; 5 years required (inclusive)."],
                 id="Z7a-zibo-第七条第（一）项-operating-5y-day-before-anniversary-fails"),
    pytest.param(ZIBO, facts(UNIT, operating_since=None),
                 [(K.OPERATING_YEARS, "第七条第（一）项")], ["date since which the unit has been operating", "5 years"],
                 id="Z7a-zibo-第七条第（一）项-operating-date-missing-fails"),
    pytest.param(ZIBO, facts(UNIT, four_new_field=True, operating_since=date(2023, 4, 1)), [], [],
                 id="Z7b-zibo-第七条第（一）项-four-new-3y-exact-anniversary-passes"),
    pytest.param(ZIBO, facts(UNIT, four_new_field=True, operating_since=date(2023, 4, 2)),
                 [(K.FOUR_NEW_OPERATING_YEARS, "第七条第（一）项")],
                 ["operating in a four-new field for 2 years; 3 years required (inclusive)"],
                 id="Z7b-zibo-第七条第（一）项-four-new-3y-day-before-anniversary-fails"),
    pytest.param(ZIBO, facts(UNIT, operating_since=date(2023, 4, 1)),
                 [(K.OPERATING_YEARS, "第七条第（一）项")], ["operating for 3 years; 5 years required"],
                 id="Z7a-zibo-第七条第（一）项-ordinary-unit-3y-needs-5y-fails"),
    pytest.param(ZIBO, facts(UNIT, accident_free_declared=False),
                 [(K.ACCIDENT_FREE_YEARS, "第七条第（五）项")],
                 [nd("近3年内无重大质量、安全、环境污染、公共卫生等事故（按照国家有关规定认定）")],
                 id="Z7c-zibo-第七条第（五）项-accident-free-3y-undeclared-fails"),
    pytest.param(ZIBO, facts(UNIT, violation_free_declared=False),
                 [(K.VIOLATION_FREE_YEARS, "第七条第（六）项")],
                 ["淄博质量领军 第七条第（六）项: the applicant " + nd("近3年内无其他严重违反法律法规的行为")],
                 id="Z7d-zibo-第七条第（六）项-violation-free-3y-undeclared-fails"),
    pytest.param(ZIBO, facts(INDIVIDUAL, quality_work_since=date(2016, 4, 1)), [], [],
                 id="Z9a-zibo-第九条第（二）项-quality-work-10y-exact-anniversary-passes"),
    pytest.param(ZIBO, facts(INDIVIDUAL, quality_work_since=date(2016, 4, 2)),
                 [(K.QUALITY_WORK_YEARS, "第九条第（二）项")],
                 ["quality work in the city for 9 years; 10 years required (inclusive)"],
                 id="Z9a-zibo-第九条第（二）项-quality-work-10y-day-before-anniversary-fails"),
    pytest.param(ZIBO, facts(INDIVIDUAL, quality_work_since=None),
                 [(K.QUALITY_WORK_YEARS, "第九条第（二）项")], ["quality work in the city is needed", "10 years"],
                 id="Z9a-zibo-第九条第（二）项-quality-work-date-missing-fails"),
    pytest.param(ZIBO, facts(INDIVIDUAL, accident_free_declared=False),
                 [(K.ACCIDENT_FREE_YEARS, "第九条第（六）项")],
                 [nd("所属单位近3年内无重大的质量、安全、环境污染、公共卫生等事故")],
                 id="Z9b-zibo-第九条第（六）项-own-unit-accident-free-3y-undeclared-fails"),
    pytest.param(ZIBO, facts(UNIT, past_awards=award(ZIBO, 2024)), [], [],
                 id="zibo-no-repeat-winner-rule-past-unit-winner-passes"),
    pytest.param(ZIBO, facts(INDIVIDUAL, past_awards=award(ZIBO, 2022, revoked_on=date(2025, 1, 1))), [], [],
                 id="zibo-no-revocation-ban-rule-revoked-individual-passes"),

    # Weihai 认定办法 art. 6 (no repeat), art. 10 (units), art. 12 (individuals), art. 29 (5-year ban).
    pytest.param(WEIHAI, facts(UNIT, operating_since=date(2021, 4, 1)), [], [],
                 id="W10a-weihai-第十条第（一）项-operating-5y-inclusive-exact-anniversary-passes"),
    pytest.param(WEIHAI, facts(UNIT, operating_since=date(2021, 4, 2)),
                 [(K.OPERATING_YEARS, "第十条第（一）项")],
                 ["威海市长质量奖 第十条第（一）项: operating for 4 years; 5 years required (inclusive)."],
                 id="W10a-weihai-第十条第（一）项-operating-5y-day-before-anniversary-fails"),
    pytest.param(WEIHAI, facts(UNIT, four_new_field=True, operating_since=date(2023, 4, 1)), [], [],
                 id="W10a-weihai-第十条第（一）项-four-new-3y-exact-anniversary-passes"),
    pytest.param(WEIHAI, facts(UNIT, four_new_field=True, operating_since=date(2023, 4, 2)),
                 [(K.FOUR_NEW_OPERATING_YEARS, "第十条第（一）项")],
                 ["operating in a four-new field for 2 years; 3 years required (inclusive)"],
                 id="W10a-weihai-第十条第（一）项-four-new-3y-day-before-anniversary-fails"),
    pytest.param(WEIHAI, facts(UNIT, four_new_field=True, operating_since=None),
                 [(K.FOUR_NEW_OPERATING_YEARS, "第十条第（一）项")], ["3 years of operation are required"],
                 id="W10a-weihai-第十条第（一）项-four-new-date-missing-fails"),
    pytest.param(WEIHAI, facts(UNIT, accident_free_declared=False),
                 [(K.ACCIDENT_FREE_YEARS, "第十条第（五）项")],
                 [nd("近3年内未发生重大质量、生产、安全或环境污染、公共卫生等事故")],
                 id="W10b-weihai-第十条第（五）项-accident-free-3y-undeclared-fails"),
    pytest.param(WEIHAI, facts(UNIT, violation_free_declared=False),
                 [(K.VIOLATION_FREE_YEARS, "第十条第（六）项")],
                 ["威海市长质量奖 第十条第（六）项: the applicant " + nd("近3年内无其他违反法律、法规行为")],
                 id="W10b-weihai-第十条第（六）项-violation-free-3y-undeclared-fails"),
    pytest.param(WEIHAI, facts(UNIT, past_awards=award(WEIHAI, 2024)),
                 [(K.NO_REPEAT_WINNER, "第六条第二款")], ["already won this award in 2024"],
                 id="W6c-weihai-第六条第二款-unit-past-winner-fails"),
    pytest.param(WEIHAI, facts(UNIT, past_awards=award(ZIBO, 2024)), [], [],
                 id="W6c-weihai-第六条第二款-unit-winner-of-another-scheme-passes"),
    pytest.param(WEIHAI, facts(UNIT, past_awards=award(WEIHAI, 2020, revoked_on=date(2021, 4, 2))),
                 [(K.REVOCATION_BAN_YEARS, "第二十九条")],
                 ["revoked on 2021-04-02, which bars the applicant for 5 years; it may apply again from 2026-04-02."],
                 id="W29-weihai-第二十九条-unit-revoked-5y-ban-day-before-anniversary-fails"),
    pytest.param(WEIHAI, facts(UNIT, past_awards=award(WEIHAI, 2020, revoked_on=date(2021, 4, 1))),
                 [], [],
                 id="W29-weihai-第二十九条-unit-revoked-5y-ban-ends-on-anniversary-may-apply-again"),
    pytest.param(WEIHAI, facts(INDIVIDUAL, quality_work_since=date(2016, 4, 1)), [], [],
                 id="W12-weihai-第十二条第（二）项-quality-work-10y-exact-anniversary-passes"),
    pytest.param(WEIHAI, facts(INDIVIDUAL, quality_work_since=date(2016, 4, 2)),
                 [(K.QUALITY_WORK_YEARS, "第十二条第（二）项")], ["for 9 years; 10 years required (inclusive)"],
                 id="W12-weihai-第十二条第（二）项-quality-work-10y-day-before-anniversary-fails"),
    pytest.param(WEIHAI, facts(INDIVIDUAL, accident_free_declared=False),
                 [(K.ACCIDENT_FREE_YEARS, "第十二条第（六）项")],
                 [nd("所在单位近3年内未发生重大质量、生产、安全或环境污染、公共卫生等事故")],
                 id="W12-weihai-第十二条第（六）项-own-unit-accident-free-3y-undeclared-fails"),
    pytest.param(WEIHAI, facts(INDIVIDUAL, past_awards=award(WEIHAI, 2025)),
                 [(K.NO_REPEAT_WINNER, "第六条第二款")], ["already won this award in 2025"],
                 id="W6c-weihai-第六条第二款-individual-past-winner-fails"),
    pytest.param(WEIHAI, facts(INDIVIDUAL, past_awards=award(WEIHAI, 2024, revoked_on=date(2025, 6, 30))),
                 [(K.REVOCATION_BAN_YEARS, "第二十九条")],
                 ["may apply again from 2030-06-30"],
                 id="W29-weihai-第二十九条-individual-revoked-5y-ban-fails"),

    # Linyi 管理办法 art. 6 (no repeat), art. 10 (units, no four-new exception), art. 12 (individuals).
    pytest.param(LINYI, facts(UNIT, operating_since=date(2017, 4, 1)), [], [],
                 id="L10-linyi-第十条第（一）项-operating-5y-inclusive-exact-anniversary-passes"),
    pytest.param(LINYI, facts(UNIT, operating_since=date(2017, 4, 2)),
                 [(K.OPERATING_YEARS, "第十条第（一）项")],
                 ["临沂市长质量奖 第十条第（一）项: operating for 4 years; 5 years required (inclusive)."],
                 id="L10-linyi-第十条第（一）项-operating-5y-day-before-anniversary-fails"),
    pytest.param(LINYI, facts(UNIT, four_new_field=True, operating_since=date(2019, 4, 1)),
                 [(K.OPERATING_YEARS, "第十条第（一）项")], ["operating for 3 years; 5 years required"],
                 id="L10-linyi-第十条第（一）项-no-four-new-exception-four-new-unit-3y-fails"),
    pytest.param(LINYI, facts(UNIT, four_new_field=True, operating_since=date(2017, 4, 1)), [], [],
                 id="L10-linyi-第十条第（一）项-four-new-unit-with-ordinary-5y-passes"),
    pytest.param(LINYI, facts(UNIT, accident_free_declared=False),
                 [(K.ACCIDENT_FREE_YEARS, "第十条第（五）项")],
                 [nd("近3年内无重大的质量、安全、环境污染、公共卫生等事故（按照国家有关规定认定）")],
                 id="L10b-linyi-第十条第（五）项-accident-free-3y-undeclared-fails"),
    pytest.param(LINYI, facts(UNIT, violation_free_declared=False),
                 [(K.VIOLATION_FREE_YEARS, "第十条第（六）项")],
                 ["临沂市长质量奖 第十条第（六）项: the applicant " + nd("近3年内无其他违反法律法规的行为")],
                 id="L10c-linyi-第十条第（六）项-violation-free-3y-undeclared-fails"),
    pytest.param(LINYI, facts(UNIT, past_awards=award(LINYI, 2020)),
                 [(K.NO_REPEAT_WINNER, "第六条")],
                 ["临沂市长质量奖 第六条: the applicant already won this award in 2020"],
                 id="L6-linyi-第六条-unit-past-winner-fails"),
    pytest.param(LINYI, facts(UNIT, past_awards=award(LINYI, 2018, revoked_on=date(2019, 1, 1))),
                 [(K.NO_REPEAT_WINNER, "第六条")], ["in 2018"],
                 id="L6-linyi-第六条-revoked-past-winner-fails-no-repeat-only-no-ban-rule"),
    pytest.param(LINYI, facts(INDIVIDUAL, quality_work_since=date(2012, 4, 1)), [], [],
                 id="L12-linyi-第十二条第（二）项-quality-work-10y-exact-anniversary-passes"),
    pytest.param(LINYI, facts(INDIVIDUAL, quality_work_since=date(2012, 4, 2)),
                 [(K.QUALITY_WORK_YEARS, "第十二条第（二）项")], ["for 9 years; 10 years required (inclusive)"],
                 id="L12-linyi-第十二条第（二）项-quality-work-10y-day-before-anniversary-fails"),
    pytest.param(LINYI, facts(INDIVIDUAL, accident_free_declared=False),
                 [(K.ACCIDENT_FREE_YEARS, "第十二条第（六）项")],
                 [nd("所属的单位近3年内无重大的质量、安全、环境污染、公共卫生等事故（按照国家有关规定认定）")],
                 id="L12b-linyi-第十二条第（六）项-own-unit-accident-free-3y-undeclared-fails"),
    pytest.param(LINYI, facts(INDIVIDUAL, past_awards=award(LINYI, 2020)),
                 [(K.NO_REPEAT_WINNER, "第六条")], ["in 2020"],
                 id="L6-linyi-第六条-individual-past-winner-fails"),

    # Shandong 2021 notice 一（二）1; it has no years-of-operation, accident or violation rule with a number.
    pytest.param(SHANDONG, sd(profitable_years=3), [], [],
                 id="S2b-shandong-一（二）1-profitable-3y-exact-passes"),
    pytest.param(SHANDONG, sd(profitable_years=2),
                 [(K.PROFITABLE_YEARS, "一（二）1")],
                 ["山东质量标杆 一（二）1: profitable for 2 consecutive years; 3 consecutive profitable years"],
                 id="S2b-shandong-一（二）1-profitable-2y-fails"),
    pytest.param(SHANDONG, sd(profitable_years=None),
                 [(K.PROFITABLE_YEARS, "一（二）1")], ["number of consecutive profitable years is needed", "3"],
                 id="S2b-shandong-一（二）1-profitable-undeclared-fails"),
    pytest.param(SHANDONG, sd(independent_legal_person=False),
                 [(K.INDEPENDENT_LEGAL_PERSON, "一（二）1")], ["only an independent legal person", "is not one"],
                 id="S2a-shandong-一（二）1-not-independent-legal-person-fails"),
    pytest.param(SHANDONG, sd(independent_legal_person=None),
                 [(K.INDEPENDENT_LEGAL_PERSON, "一（二）1")], ["has not stated whether it is one"],
                 id="S2a-shandong-一（二）1-legal-person-undeclared-fails"),
    pytest.param(SHANDONG, sd(operating_since=date(2020, 1, 1), accident_free_declared=False,
                                 violation_free_declared=False, past_awards=award(SHANDONG, 2020)), [], [],
                 id="shandong-no-operating-accident-violation-or-repeat-rule-passes"),

    # National benchmark 2022 art. 9(1).
    pytest.param(NATIONAL, nat(profitable_years=3), [], [],
                 id="N9-national-第九条第（一）项-profitable-3y-exact-passes"),
    pytest.param(NATIONAL, nat(profitable_years=2),
                 [(K.PROFITABLE_YEARS, "第九条第（一）项")], ["profitable for 2 consecutive years", "3 consecutive"],
                 id="N9-national-第九条第（一）项-profitable-2y-fails"),
    pytest.param(NATIONAL, nat(profitable_years=1),
                 [(K.PROFITABLE_YEARS, "第九条第（一）项")], ["profitable for 1 consecutive year;"],
                 id="N9-national-第九条第（一）项-profitable-1y-singular-fails"),
    pytest.param(NATIONAL, nat(independent_legal_person=False),
                 [(K.INDEPENDENT_LEGAL_PERSON, "第九条第（一）项")], ["全国质量标杆 第九条第（一）项", "is not one"],
                 id="N9-national-第九条第（一）项-not-independent-legal-person-fails"),
    pytest.param(NATIONAL, nat(independent_legal_person=True), [], [],
                 id="N9-national-第九条第（一）项-independent-legal-person-passes"),
]


ZIBO_ART3 = "在淄博市行政区域内依法成立并独立承担法律责任，从事一、二、三产业的法人或其他组织"
WEIHAI_ART3 = "在威海市行政区域内依法成立并独立承担法律责任，从事一、二、三产业的企事业单位或其他组织"
LINYI_ART3 = "在临沂市行政区域内依法成立并可以独立承担法律责任，从事一、二、三产业的法人或其他组织"
INTEGRITY_WORDS = "政治坚定，清正廉洁，品行端正，恪守职业道德和社会规范"
BENCHMARK_CLEAN = "在诚信、质量、安全、环保等方面无违法行为和不良记录"
SHARING_WORDS = "在不涉及商业机密的情况下，积极参与相关的分享交流活动"

# Declarations and choices in each rulebook's own words (the rows the first version of the engine did not hold).
RULE_CASES += [
    # Art. 3 of the city schemes: a unit set up by law in the city and bearing its own legal liability.
    pytest.param(ZIBO, undeclared(UNIT, K.INDEPENDENT_LIABILITY), [(K.INDEPENDENT_LIABILITY, "第三条第一款")],
                 [f"淄博质量领军 第三条第一款: the applicant {nd(ZIBO_ART3)}"],
                 id="Z3-zibo-第三条第一款-independent-liability-undeclared-fails"),
    pytest.param(WEIHAI, undeclared(UNIT, K.INDEPENDENT_LIABILITY), [(K.INDEPENDENT_LIABILITY, "第三条第一款")],
                 [f"威海市长质量奖 第三条第一款: the applicant {nd(WEIHAI_ART3)}"],
                 id="W3-weihai-第三条第一款-independent-liability-undeclared-fails"),
    pytest.param(LINYI, undeclared(UNIT, K.INDEPENDENT_LIABILITY), [(K.INDEPENDENT_LIABILITY, "第三条第一款")],
                 [f"临沂市长质量奖 第三条第一款: the applicant {nd(LINYI_ART3)}"],
                 id="L3-linyi-第三条第一款-independent-liability-undeclared-fails"),
    pytest.param(ZIBO, facts(UNIT, declared=frozenset({K.INDEPENDENT_LIABILITY})), [], [],
                 id="Z3-zibo-第三条第一款-independent-liability-declared-passes"),
    pytest.param(WEIHAI, facts(UNIT, independent_legal_person=False), [], [],
                 id="W3-weihai-第三条第一款-other-organisation-bearing-liability-not-a-legal-person-passes"),
    pytest.param(LINYI, facts(UNIT, declared=frozenset({K.INDEPENDENT_LIABILITY})), [], [],
                 id="L3-linyi-第三条第一款-independent-liability-declared-passes"),

    # Weihai and Linyi art. 10(6): any other violation ("无其他违反"), not only a serious one as in Zibo 7(6).
    pytest.param(WEIHAI, facts(UNIT, violation_free_declared=False), [(K.VIOLATION_FREE_YEARS, "第十条第（六）项")],
                 ["“近3年内无其他违反法律、法规行为”"],
                 id="W10b-weihai-第十条第（六）项-any-violation-not-only-serious"),
    pytest.param(LINYI, facts(UNIT, violation_free_declared=False), [(K.VIOLATION_FREE_YEARS, "第十条第（六）项")],
                 ["“近3年内无其他违反法律法规的行为”"],
                 id="L10c-linyi-第十条第（六）项-any-violation-not-only-serious"),
    pytest.param(WEIHAI, facts(UNIT, accident_free_declared=False), [(K.ACCIDENT_FREE_YEARS, "第十条第（五）项")],
                 ["重大质量、生产、安全或环境污染、公共卫生等事故"],
                 id="W10b-weihai-第十条第（五）项-accident-list-includes-production"),

    # Individuals: items (一) and (七) of Zibo art. 9, Weihai and Linyi art. 12.
    pytest.param(ZIBO, undeclared(INDIVIDUAL, K.INTEGRITY), [(K.INTEGRITY, "第九条第（一）项")],
                 [nd(INTEGRITY_WORDS)], id="Z9c-zibo-第九条第（一）项-integrity-undeclared-fails"),
    pytest.param(ZIBO, undeclared(INDIVIDUAL, K.CLEAN_RECORD), [(K.CLEAN_RECORD, "第九条第（七）项")],
                 [nd("无其他严重不良记录和违法、违纪行为")],
                 id="Z9c-zibo-第九条第（七）项-clean-record-undeclared-fails"),
    pytest.param(WEIHAI, undeclared(INDIVIDUAL, K.INTEGRITY), [(K.INTEGRITY, "第十二条第（一）项")],
                 [nd(INTEGRITY_WORDS)], id="W12b-weihai-第十二条第（一）项-integrity-undeclared-fails"),
    pytest.param(WEIHAI, undeclared(INDIVIDUAL, K.CLEAN_RECORD), [(K.CLEAN_RECORD, "第十二条第（七）项")],
                 [nd("无不良信用记录和违法、违规、违纪行为")],
                 id="W12b-weihai-第十二条第（七）项-clean-record-undeclared-fails"),
    pytest.param(LINYI, undeclared(INDIVIDUAL, K.INTEGRITY), [(K.INTEGRITY, "第十二条第（一）项")],
                 [nd(INTEGRITY_WORDS)], id="L12c-linyi-第十二条第（一）项-integrity-undeclared-fails"),
    pytest.param(LINYI, undeclared(INDIVIDUAL, K.CLEAN_RECORD), [(K.CLEAN_RECORD, "第十二条第（七）项")],
                 [nd("无不良记录和违法、违规、违纪行为")],
                 id="L12c-linyi-第十二条第（七）项-clean-record-undeclared-fails"),
    pytest.param(LINYI, facts(INDIVIDUAL, declared=frozenset()),
                 [(K.INTEGRITY, "第十二条第（一）项"), (K.CLEAN_RECORD, "第十二条第（七）项")], [],
                 id="L12c-linyi-第十二条第（一）项第（七）项-both-undeclared-both-reported"),

    # Shandong 2021 notice 一（二）1-3 and national art. 9 (一)-(三): declarations without a number of years.
    pytest.param(SHANDONG, sd(declared=D - {K.CLEAN_RECORD}), [(K.CLEAN_RECORD, "一（二）1")],
                 [f"山东质量标杆 一（二）1: the applicant {nd(BENCHMARK_CLEAN)}"],
                 id="S2c-shandong-一（二）1-clean-record-undeclared-fails"),
    pytest.param(SHANDONG, sd(declared=D - {K.METHOD_APPLIED}), [(K.METHOD_APPLIED, "一（二）2")],
                 ["已在本单位成熟应用，对质量和绩效提升有明显促进作用"],
                 id="S2d-shandong-一（二）2-method-maturely-applied-undeclared-fails"),
    pytest.param(SHANDONG, sd(declared=D - {K.SHARING_COMMITMENT}), [(K.SHARING_COMMITMENT, "一（二）3")],
                 [nd(SHARING_WORDS)], id="S2d-shandong-一（二）3-sharing-commitment-undeclared-fails"),
    pytest.param(NATIONAL, nat(declared=D - {K.CLEAN_RECORD}), [(K.CLEAN_RECORD, "第九条第（一）项")],
                 [f"全国质量标杆 第九条第（一）项: the applicant {nd(BENCHMARK_CLEAN)}"],
                 id="N9-national-第九条第（一）项-clean-record-undeclared-fails"),
    pytest.param(NATIONAL, nat(declared=D - {K.METHOD_APPLIED}), [(K.METHOD_APPLIED, "第九条第（二）项")],
                 ["对质量、效益和效率提升有明显促进作用"], id="N9-national-第九条第（二）项-method-undeclared-fails"),
    pytest.param(NATIONAL, nat(declared=D - {K.SHARING_COMMITMENT}), [(K.SHARING_COMMITMENT, "第九条第（三）项")],
                 [nd(SHARING_WORDS)], id="N9-national-第九条第（三）项-sharing-commitment-undeclared-fails"),

    # Shandong 一（一）1-3 focus fields, national art. 10 scope categories: one chosen from the rulebook's list.
    pytest.param(SHANDONG, sd(focus_field=""), [(K.FOCUS_FIELD, "一（一）")],
                 ["山东质量标杆 一（一）: choose the item of “重点领域” the application falls in "
                  "(一（一）1 / 一（一）2 / 一（一）3)."], id="S1-shandong-一（一）-no-focus-field-chosen-fails"),
    pytest.param(SHANDONG, sd(focus_field="一（一）3"), [], [], id="S1-shandong-一（一）3-focus-field-chosen-passes"),
    pytest.param(SHANDONG, sd(focus_field="第十条第（二）项"), [(K.FOCUS_FIELD, "一（一）")],
                 ["“第十条第（二）项” is not an item of “重点领域”"],
                 id="S1-shandong-一（一）-national-category-is-not-a-shandong-field-fails"),
    pytest.param(NATIONAL, nat(focus_field=""), [(K.FOCUS_FIELD, "第十条")],
                 ["第十条第（一）项 / 第十条第（二）项 / 第十条第（三）项 / 第十条第（四）项 / 第十条第（五）项"],
                 id="N10-national-第十条-no-scope-category-chosen-fails"),
    pytest.param(NATIONAL, nat(focus_field="第十条第（五）项"), [], [],
                 id="N10-national-第十条第（五）项-scope-category-chosen-passes"),
]


@pytest.mark.parametrize(("code", "applicant", "expected", "fragments"), RULE_CASES)
def test_eligibility_rule_of_each_scheme(edition_of, code, applicant, expected, fragments):
    failures = check(edition=edition_of(code), facts=applicant, on=ON[code])
    assert found(failures) == expected
    text = " | ".join(f.message for f in failures)
    assert [fragment for fragment in fragments if fragment not in text] == []


@pytest.mark.parametrize(("code", "category"), [
    (ZIBO, UNIT), (ZIBO, INDIVIDUAL), (WEIHAI, UNIT), (WEIHAI, INDIVIDUAL), (LINYI, UNIT), (LINYI, INDIVIDUAL),
    (SHANDONG, UNIT), (NATIONAL, UNIT),
])
def test_eligibility_good_facts_pass_every_scheme(edition_of, code, category):
    applicant = {SHANDONG: sd(), NATIONAL: nat()}.get(code) or facts(category)
    assert check(edition=edition_of(code), facts=applicant, on=ON[code]) == []


# --- dates --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("on", "expected", "fragments"), [
    pytest.param(date(2027, 2, 27), [(K.FOUR_NEW_OPERATING_YEARS, "第十条第（一）项")], ["for 2 years"],
                 id="W10a-weihai-第十条第（一）项-four-new-since-feb-29-day-before-feb-28-fails"),
    pytest.param(date(2027, 2, 28), [], [], id="W10a-weihai-第十条第（一）项-four-new-since-feb-29-feb-28-passes"),
])
def test_operating_years_since_feb_29_reached_on_feb_28(edition_of, on, expected, fragments):
    edition = edition_of(WEIHAI, year=2027, opens=date(2027, 2, 1), closes=date(2027, 4, 30))
    applicant = facts(UNIT, four_new_field=True, operating_since=date(2024, 2, 29))
    failures = check(edition=edition, facts=applicant, on=on)
    assert found(failures) == expected
    assert [f for f in fragments if f not in " ".join(x.message for x in failures)] == []


@pytest.mark.parametrize(("since", "expected"), [
    pytest.param(date(2017, 4, 1), [(K.OPERATING_YEARS, "第十条第（一）项")],
                 id="L10-linyi-第十条第（一）项-not-inclusive-exact-anniversary-fails"),
    pytest.param(date(2017, 3, 31), [], id="L10-linyi-第十条第（一）项-not-inclusive-day-after-anniversary-passes"),
])
def test_operating_years_not_inclusive_needs_more_than_n_years(edition_of, since, expected):
    # No rulebook loaded today says "more than N years" without including N; the engine honours the flag anyway.
    EligibilityRule.objects.filter(rulebook__scheme__code=LINYI, kind=K.OPERATING_YEARS).update(inclusive=False)
    failures = check(edition=edition_of(LINYI), facts=facts(UNIT, operating_since=since), on=ON[LINYI])
    assert found(failures) == expected
    if failures:
        assert "operating for 5 years; more than 5 years required." in failures[0].message


def test_quality_work_years_not_inclusive_needs_more_than_n_years(edition_of):
    EligibilityRule.objects.filter(rulebook__scheme__code=ZIBO, kind=K.QUALITY_WORK_YEARS).update(inclusive=False)
    edition = edition_of(ZIBO)
    exact = check(edition=edition, facts=facts(INDIVIDUAL, quality_work_since=date(2016, 4, 1)),
                              on=ON[ZIBO])
    after = check(edition=edition, facts=facts(INDIVIDUAL, quality_work_since=date(2016, 3, 31)),
                              on=ON[ZIBO])
    assert found(exact) == [(K.QUALITY_WORK_YEARS, "第九条第（二）项")]
    assert "for 10 years; more than 10 years required." in exact[0].message
    assert after == []


@pytest.mark.parametrize(("since", "on", "years"), [
    pytest.param(date(2021, 4, 1), date(2026, 4, 1), 5, id="anniversary"),
    pytest.param(date(2021, 4, 1), date(2026, 3, 31), 4, id="day-before-anniversary"),
    pytest.param(date(2020, 2, 29), date(2025, 2, 28), 5, id="feb-29-reached-on-feb-28"),
    pytest.param(date(2020, 2, 29), date(2024, 2, 28), 3, id="feb-29-leap-year-needs-feb-29"),
    pytest.param(date(2020, 2, 29), date(2024, 2, 29), 4, id="feb-29-leap-year-anniversary"),
    pytest.param(date(2026, 5, 1), date(2026, 4, 1), 0, id="start-in-the-future"),
])
def test_full_years_counts_anniversaries(since, on, years):
    assert full_years(since, on) == years


def test_add_years_moves_feb_29_to_feb_28_in_a_common_year():
    assert (add_years(date(2024, 2, 29), 5), add_years(date(2024, 2, 29), 4)) == (date(2029, 2, 28), date(2028, 2, 29))


# --- Weihai art. 29: 5-year ban after a revocation ----------------------------------------------------------


@pytest.mark.parametrize(("on", "banned"), [
    pytest.param(date(2026, 3, 14), True, id="W29-weihai-第二十九条-day-before-5th-anniversary-refused"),
    pytest.param(date(2026, 3, 15), False, id="W29-weihai-第二十九条-5th-anniversary-allowed"),
])
def test_revocation_ban_weihai_boundary(edition_of, on, banned):
    applicant = facts(UNIT, past_awards=award(WEIHAI, 2019, revoked_on=date(2021, 3, 15)))
    failures = check(edition=edition_of(WEIHAI), facts=applicant, on=on)
    bans = [f for f in failures if f.kind == K.REVOCATION_BAN_YEARS]
    assert [(f.kind, f.article) for f in bans] == ([(K.REVOCATION_BAN_YEARS, "第二十九条")] if banned else [])
    if banned:
        assert "may apply again from 2026-03-15" in bans[0].message
        assert "revoked on 2021-03-15" in bans[0].message
    # A revoked award is left to art. 29: art. 6 par. 2 (no repeat winners) does not refuse it as well.
    assert (K.NO_REPEAT_WINNER, "第六条第二款") not in found(failures)


def test_revocation_ban_reports_the_ban_that_ends_last(edition_of):
    applicant = facts(UNIT, past_awards=(
        PastAward(WEIHAI, 2024, date(2024, 12, 1), revoked_on=date(2025, 1, 10)),
        PastAward(WEIHAI, 2025, date(2025, 12, 1), revoked_on=date(2026, 1, 20)),
    ))
    failures = check(edition=edition_of(WEIHAI), facts=applicant, on=ON[WEIHAI])
    assert found(failures) == [(K.REVOCATION_BAN_YEARS, "第二十九条")]
    assert "award of 2025 was revoked on 2026-01-20" in failures[0].message
    assert "may apply again from 2031-01-20" in failures[0].message


def test_revocation_ban_ignores_revocations_in_other_schemes(edition_of):
    applicant = facts(UNIT, past_awards=award(ZIBO, 2024, revoked_on=date(2025, 6, 1)))
    assert check(edition=edition_of(WEIHAI), facts=applicant, on=ON[WEIHAI]) == []


# --- application window -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("on", "status", "expected", "fragments"), [
    pytest.param(date(2026, 2, 28), EditionStatus.OPEN, [(APPLICATION_WINDOW, "")],
                 ["2026-03-01 to 2026-04-30", "not accepted before it opens"], id="day-before-opening-refused"),
    pytest.param(date(2026, 3, 1), EditionStatus.OPEN, [], [], id="opening-day-allowed"),
    pytest.param(date(2026, 4, 30), EditionStatus.OPEN, [], [], id="closing-day-allowed"),
    pytest.param(date(2026, 5, 1), EditionStatus.OPEN, [(APPLICATION_WINDOW, "")],
                 ["2026-03-01 to 2026-04-30", "closed on 2026-04-30"], id="day-after-closing-refused"),
    pytest.param(date(2026, 4, 1), EditionStatus.DRAFT, [(APPLICATION_WINDOW, "")],
                 ["not open for applications (In preparation)", "2026-03-01 to 2026-04-30"],
                 id="draft-edition-refused"),
    pytest.param(date(2026, 4, 1), EditionStatus.CLOSED, [(APPLICATION_WINDOW, "")],
                 ["(Applications closed)"], id="closed-edition-refused"),
    pytest.param(date(2026, 4, 1), EditionStatus.FINISHED, [(APPLICATION_WINDOW, "")],
                 ["(Finished)"], id="finished-edition-refused"),
])
def test_application_window_weihai_2026(edition_of, on, status, expected, fragments):
    edition = edition_of(WEIHAI, status=status)
    failures = check(edition=edition, facts=facts(UNIT), on=on)
    assert found(failures) == expected
    assert [f for f in fragments if f not in " ".join(x.message for x in failures)] == []
    if failures:
        assert failures[0].message.startswith("威海市长质量奖 2026年度")


# --- rulebook in force --------------------------------------------------------------------------------------


def test_rulebook_out_of_force_linyi_2023_refused(edition_of):
    edition = edition_of(LINYI, year=2023, opens=date(2023, 3, 1), closes=date(2023, 4, 30))
    failures = check(edition=edition, facts=facts(UNIT), on=date(2023, 4, 1))
    assert found(failures) == [(RULEBOOK_IN_FORCE, "第三十条")]
    assert failures[0].message == (
        "临沂市长质量奖: the rulebook “临沂市市长质量奖管理办法” was in force only until 2022-08-31 (第三十条); "
        "no application can be made under it on 2023-04-01."
    )


@pytest.mark.parametrize(("on", "expected"), [
    pytest.param(date(2022, 8, 31), [], id="linyi-第三十条-last-day-in-force-allowed"),
    pytest.param(date(2022, 9, 1), [(RULEBOOK_IN_FORCE, "第三十条")], id="linyi-第三十条-day-after-refused"),
])
def test_rulebook_in_force_linyi_last_day(edition_of, on, expected):
    edition = edition_of(LINYI, opens=date(2022, 8, 1), closes=date(2022, 9, 30))
    assert found(check(edition=edition, facts=facts(UNIT), on=on)) == expected


def test_rulebook_not_yet_in_force_weihai_2023_refused(edition_of):
    edition = edition_of(WEIHAI, year=2023, opens=date(2023, 11, 1), closes=date(2023, 12, 31))
    failures = check(edition=edition, facts=facts(UNIT), on=date(2023, 12, 1))
    assert found(failures) == [(RULEBOOK_IN_FORCE, "第三十条")]
    assert "comes into force on 2024-01-01 (第三十条)" in failures[0].message


def test_rulebook_without_validity_article_shandong_2022_refused(edition_of):
    edition = edition_of(SHANDONG, year=2022, opens=date(2022, 4, 1), closes=date(2022, 5, 15))
    failures = check(edition=edition, facts=sd(), on=date(2022, 4, 20))
    assert found(failures) == [(RULEBOOK_IN_FORCE, "")]
    assert "in force only until 2021-12-31 (its validity clause)" in failures[0].message


# --- category -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", [
    pytest.param(SHANDONG, id="shandong-一（二）-units-only"),
    pytest.param(NATIONAL, id="national-第九条-units-only"),
])
def test_category_individual_refused_by_benchmarks(edition_of, code):
    failures = check(edition=edition_of(code), facts=facts(INDIVIDUAL), on=ON[code])
    assert found(failures) == [(CATEGORY, "")]
    assert "accepts only these categories of applicant: Unit; “Individual” is not one." in failures[0].message


# --- national benchmark: only earlier provincial benchmarks (Shandong 2021 notice 二（一）) -------------------


@pytest.mark.parametrize(("past", "expected"), [
    pytest.param(award(SHANDONG, 2021), [], id="benchmark-of-2021-passes"),
    pytest.param(award(SHANDONG, 2022), [(K.PREVIOUS_PROVINCIAL_BENCHMARK, NOTICE_2_1)], id="same-year-fails"),
    pytest.param((), [(K.PREVIOUS_PROVINCIAL_BENCHMARK, NOTICE_2_1)], id="no-benchmark-fails"),
    pytest.param(award(SHANDONG, 2021, revoked_on=date(2022, 1, 15)),
                 [(K.PREVIOUS_PROVINCIAL_BENCHMARK, NOTICE_2_1)], id="revoked-benchmark-fails"),
    pytest.param(award(ZIBO, 2021), [(K.PREVIOUS_PROVINCIAL_BENCHMARK, NOTICE_2_1)], id="other-scheme-fails"),
])
def test_previous_provincial_benchmark(edition_of, past, expected):
    failures = check(edition=edition_of(NATIONAL), facts=nat(past_awards=past), on=ON[NATIONAL])
    assert found(failures) == expected
    if failures:
        assert "provincial quality benchmark of a year before 2022" in failures[0].message


# --- everything together, order, queries, language ----------------------------------------------------------


def test_eligibility_all_failures_reported_together_in_order(edition_of):
    edition = edition_of(LINYI, year=2023, opens=date(2023, 3, 1), closes=date(2023, 4, 30),
                           status=EditionStatus.DRAFT)
    applicant = ApplicantFacts(category=UNIT, past_awards=award(LINYI, 2020))
    failures = check(edition=edition, facts=applicant, on=date(2023, 2, 1))
    assert found(failures) == [
        (APPLICATION_WINDOW, ""),
        (RULEBOOK_IN_FORCE, "第三十条"),
        (K.OPERATING_YEARS, "第十条第（一）项"),
        (K.ACCIDENT_FREE_YEARS, "第十条第（五）项"),
        (K.VIOLATION_FREE_YEARS, "第十条第（六）项"),
        (K.NO_REPEAT_WINNER, "第六条"),
        (K.INDEPENDENT_LIABILITY, "第三条第一款"),
    ]


def test_eligibility_weihai_unit_failing_every_rule_in_data_order(edition_of):
    applicant = ApplicantFacts(
        category=UNIT, four_new_field=True, operating_since=date(2024, 1, 1),
        past_awards=award(WEIHAI, 2024, revoked_on=date(2025, 1, 1)),
    )
    failures = check(edition=edition_of(WEIHAI), facts=applicant, on=ON[WEIHAI])
    assert found(failures) == [
        (K.FOUR_NEW_OPERATING_YEARS, "第十条第（一）项"),
        (K.ACCIDENT_FREE_YEARS, "第十条第（五）项"),
        (K.VIOLATION_FREE_YEARS, "第十条第（六）项"),
        (K.REVOCATION_BAN_YEARS, "第二十九条"),
        (K.INDEPENDENT_LIABILITY, "第三条第一款"),
    ]


def test_eligibility_prefetched_rules_need_no_query(edition_of, django_assert_num_queries):
    pk = edition_of(WEIHAI).pk
    edition = (
        Edition.objects.select_related("scheme", "rulebook").prefetch_related("rulebook__eligibility_rules").get(pk=pk)
    )
    with django_assert_num_queries(0):
        failures = check(edition=edition, facts=facts(UNIT, violation_free_declared=False), on=ON[WEIHAI])
    assert found(failures) == [(K.VIOLATION_FREE_YEARS, "第十条第（六）项")]


def test_eligibility_rules_cost_one_query_without_prefetch(edition_of, django_assert_num_queries):
    pk = edition_of(WEIHAI).pk
    edition = Edition.objects.select_related("scheme", "rulebook").get(pk=pk)
    with django_assert_num_queries(1):
        check(edition=edition, facts=facts(UNIT), on=ON[WEIHAI])


def test_eligibility_rule_without_years_is_a_configuration_error(edition_of):
    EligibilityRule.objects.create(
        rulebook=Rulebook.objects.get(scheme__code=LINYI), category=UNIT,
        kind=K.FOUR_NEW_OPERATING_YEARS, years=None, article="第十条第（一）项",
    )
    with pytest.raises(ImproperlyConfigured, match="has no number of years"):
        check(edition=edition_of(LINYI), facts=facts(UNIT, four_new_field=True), on=ON[LINYI])


def test_eligibility_message_in_chinese_keeps_scheme_article_and_numbers(edition_of):
    edition = edition_of(WEIHAI)
    with translation.override("zh-hans"):
        failures = check(edition=edition, facts=facts(UNIT, operating_since=date(2021, 4, 2)),
                                     on=ON[WEIHAI])
    assert found(failures) == [(K.OPERATING_YEARS, "第十条第（一）项")]
    message = failures[0].message
    assert message.startswith("威海市长质量奖 第十条第（一）项")
    assert ("4" in message, "5" in message) == (True, True)


# --- a past winner may apply again after N years (the no_repeat_winner rule's years) -------------------------


@pytest.mark.parametrize(("won", "years", "expected", "fragments"), [
    pytest.param(2025, None, [(K.NO_REPEAT_WINNER, "第六条第二款")], ["past winners may not apply again."],
                 id="W6c-weihai-第六条第二款-years-empty-never-again"),
    pytest.param(2016, None, [(K.NO_REPEAT_WINNER, "第六条第二款")], ["already won this award in 2016"],
                 id="W6c-weihai-第六条第二款-years-empty-ten-years-later-still-refused"),
    pytest.param(2024, 3, [(K.NO_REPEAT_WINNER, "第六条第二款")],
                 ["won this award in 2024; a past winner may apply again 3 years after the winning edition, "
                  "from the edition of 2027."],
                 id="W6c-weihai-第六条第二款-3y-edition-before-won-plus-3-refused"),
    pytest.param(2023, 3, [], [], id="W6c-weihai-第六条第二款-3y-edition-of-won-plus-3-allowed"),
    pytest.param(2020, 3, [], [], id="W6c-weihai-第六条第二款-3y-later-edition-allowed"),
    pytest.param(2025, 1, [], [], id="W6c-weihai-第六条第二款-1y-next-edition-allowed"),
])
def test_no_repeat_winner_years_counted_in_editions(edition_of, won, years, expected, fragments):
    # None of the rulebooks gives a number today; an office that sets one gets this reading.
    EligibilityRule.objects.filter(rulebook__scheme__code=WEIHAI, kind=K.NO_REPEAT_WINNER).update(years=years)
    failures = check(edition=edition_of(WEIHAI), facts=facts(UNIT, past_awards=award(WEIHAI, won)), on=ON[WEIHAI])
    assert found(failures) == expected
    assert [f for f in fragments if f not in " ".join(x.message for x in failures)] == []


def test_no_repeat_winner_singular_year_message(edition_of):
    EligibilityRule.objects.filter(rulebook__scheme__code=LINYI, kind=K.NO_REPEAT_WINNER).update(years=1)
    failures = check(edition=edition_of(LINYI), facts=facts(UNIT, past_awards=award(LINYI, 2022)), on=ON[LINYI])
    assert found(failures) == [(K.NO_REPEAT_WINNER, "第六条")]
    assert "may apply again 1 year after the winning edition, from the edition of 2023." in failures[0].message


# --- the scheme whose earlier winners qualify is data (EligibilityRule.source_scheme) ------------------------


@pytest.mark.parametrize("row", ["S4b-shandong-2-1-earlier-provincial-benchmarks-only"])
def test_previous_provincial_benchmark_scheme_is_read_from_the_rule(row, edition_of):
    rule = EligibilityRule.objects.get(rulebook__scheme__code=NATIONAL, kind=K.PREVIOUS_PROVINCIAL_BENCHMARK)
    assert rule.source_scheme.code == SHANDONG
    edition = edition_of(NATIONAL)
    assert check(edition=edition, facts=nat(), on=ON[NATIONAL]) == []
    # Pointing the rule at another scheme changes who qualifies, with no change of code.
    rule.source_scheme = Scheme.objects.get(code=ZIBO)
    rule.save(update_fields=["source_scheme"])
    edition = Edition.objects.select_related("scheme", "rulebook").get(pk=edition.pk)
    assert found(check(edition=edition, facts=nat(), on=ON[NATIONAL])) == [
        (K.PREVIOUS_PROVINCIAL_BENCHMARK, NOTICE_2_1)
    ]
    assert check(edition=edition, facts=nat(past_awards=award(ZIBO, 2021)), on=ON[NATIONAL]) == []


def test_previous_provincial_benchmark_without_a_scheme_is_a_configuration_error(edition_of):
    EligibilityRule.objects.filter(kind=K.PREVIOUS_PROVINCIAL_BENCHMARK).update(source_scheme=None)
    with pytest.raises(ImproperlyConfigured, match="names no scheme"):
        check(edition=edition_of(NATIONAL), facts=nat(), on=ON[NATIONAL])


def test_focus_field_without_options_is_a_configuration_error(edition_of):
    EligibilityRule.objects.filter(rulebook__scheme__code=SHANDONG, kind=K.FOCUS_FIELD).update(options=[])
    with pytest.raises(ImproperlyConfigured, match="has no options"):
        check(edition=edition_of(SHANDONG), facts=sd(), on=ON[SHANDONG])


@pytest.mark.parametrize(("code", "article", "keys"), [
    pytest.param(SHANDONG, "一（一）", ["一（一）1", "一（一）2", "一（一）3"],
                 id="S1-shandong-一（一）1-3-three-fields"),
    pytest.param(NATIONAL, "第十条", [f"第十条第（{n}）项" for n in "一二三四五"],
                 id="N10-national-第十条-five-categories"),
])
def test_focus_field_options_are_the_rulebook_items(code, article, keys):
    rule = EligibilityRule.objects.get(rulebook__scheme__code=code, kind=K.FOCUS_FIELD)
    assert (rule.category, rule.article, [option["key"] for option in rule.options]) == (UNIT, article, keys)
    assert all(option["text"].endswith("典型经验。") for option in rule.options)


def test_eligibility_declaration_message_in_chinese_quotes_the_rule(edition_of):
    with translation.override("zh-hans"):
        failures = check(edition=edition_of(WEIHAI), facts=facts(UNIT, violation_free_declared=False), on=ON[WEIHAI])
    assert found(failures) == [(K.VIOLATION_FREE_YEARS, "第十条第（六）项")]
    assert failures[0].message.startswith("威海市长质量奖 第十条第（六）项")
    assert "近3年内无其他违反法律、法规行为" in failures[0].message
    assert "严重" not in failures[0].message


# --- art. 3 of the city schemes: the region half, checked when the application is created --------------------


@pytest.mark.parametrize(("code", "inside", "outside", "region"), [
    pytest.param(ZIBO, "370303", "371002", "淄博市", id="Z3-zibo-第三条第一款-applicant-outside-zibo-refused"),
    pytest.param(LINYI, "371302", "370303", "临沂市", id="L3-linyi-第三条第一款-applicant-outside-linyi-refused"),
    pytest.param(WEIHAI, "371002", "371302", "威海市", id="W3-weihai-第三条第一款-applicant-outside-weihai-refused"),
])
def test_city_scheme_region_refusal(code, inside, outside, region):
    edition = make_edition(code)
    with pytest.raises(ValidationError) as caught:
        services.application_create(edition=edition, category=UNIT, by=make_unit_applicant(outside))
    assert f"is open to applicants in {region}" in caught.value.messages[0]
    assert Application.objects.count() == 0
    application = services.application_create(edition=edition, category=UNIT, by=make_unit_applicant(inside))
    assert application.recommender.is_within(edition.scheme.region)
