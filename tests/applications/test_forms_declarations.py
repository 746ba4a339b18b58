"""The declarations and the choice on the application form, in each rulebook's own words.

What the applicant ticks is the rule's text from the data (awards/migrations/0002_schemes.py and
0012_eligibility_declarations_data.py), said by the unit ("The unit declares", 本单位) or the person ("I declare",
本人); the form writes no rule of its own. Test ids start with the checklist row and cite the article.
"""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from applications import selectors, services
from applications.eligibility import RULEBOOK_IN_FORCE, check_eligibility
from applications.forms import ApplicationForm
from applications.models import Application
from awards.enums import EligibilityKind
from awards.models import EligibilityRule
from tests.applications.conftest import FILLED_FORM, make_edition, make_unit_applicant

pytestmark = pytest.mark.django_db
K = EligibilityKind
ZIBO, WEIHAI, LINYI, SHANDONG, NATIONAL = (
    "zibo-leading", "weihai-mayor", "linyi-mayor", "shandong-benchmark", "national-benchmark",
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def form_for(code, category="unit", data=None):
    rules = list(EligibilityRule.objects.filter(rulebook__scheme__code=code, category=category))
    application = Application(category=category, form_data={})
    return ApplicationForm(data, application=application, rules=rules)


def choices(form, name="declared") -> dict[str, str]:
    return {key: str(label) for key, label in form.fields[name].choices}


# --- the words ticked are the rulebook's ---------------------------------------------------------------------


@pytest.mark.parametrize(("code", "name", "label", "article"), [
    pytest.param(WEIHAI, "violation_free_declared", "The unit declares: 近3年内无其他违反法律、法规行为",
                 "第十条第（六）项",
                 id="W10b-weihai-第十条第（六）项-any-violation-in-the-rulebook-words"),
    pytest.param(WEIHAI, "accident_free_declared",
                 "The unit declares: 近3年内未发生重大质量、生产、安全或环境污染、公共卫生等事故", "第十条第（五）项",
                 id="W10b-weihai-第十条第（五）项-accident-list-includes-production"),
    pytest.param(LINYI, "violation_free_declared", "The unit declares: 近3年内无其他违反法律法规的行为",
                 "第十条第（六）项",
                 id="L10c-linyi-第十条第（六）项-any-violation-in-the-rulebook-words"),
    pytest.param(LINYI, "accident_free_declared",
                 "The unit declares: 近3年内无重大的质量、安全、环境污染、公共卫生等事故（按照国家有关规定认定）",
                 "第十条第（五）项", id="L10b-linyi-第十条第（五）项-accident-in-the-rulebook-words"),
    pytest.param(ZIBO, "violation_free_declared", "The unit declares: 近3年内无其他严重违反法律法规的行为",
                 "第七条第（六）项",
                 id="Z7d-zibo-第七条第（六）项-keeps-serious-violation"),
    pytest.param(ZIBO, "accident_free_declared",
                 "The unit declares: 近3年内无重大质量、安全、环境污染、公共卫生等事故（按照国家有关规定认定）",
                 "第七条第（五）项", id="Z7c-zibo-第七条第（五）项-accident-in-the-rulebook-words"),
])
def test_column_declaration_label_is_the_rule_text(code, name, label, article):
    field = form_for(code).fields[name]
    assert (str(field.label), str(field.help_text), field.portal_required) == (label, article, True)


def test_violation_declaration_says_serious_only_where_the_rulebook_does():
    labels = {code: str(form_for(code).fields["violation_free_declared"].label) for code in (ZIBO, WEIHAI, LINYI)}
    assert [code for code, label in labels.items() if "严重" in label or "serious" in label] == [ZIBO]


@pytest.mark.parametrize(("code", "category", "expected"), [
    pytest.param(ZIBO, "unit", {
        K.INDEPENDENT_LIABILITY: "第三条第一款 The unit declares: "
                                 "在淄博市行政区域内依法成立并独立承担法律责任，从事一、二、三产业的法人或其他组织",
    }, id="Z3-zibo-第三条第一款-unit-declares-own-legal-liability"),
    pytest.param(WEIHAI, "unit", {
        K.INDEPENDENT_LIABILITY: "第三条第一款 The unit declares: "
                                 "在威海市行政区域内依法成立并独立承担法律责任，从事一、二、三产业的企事业单位或其他组织",
    }, id="W3-weihai-第三条第一款-unit-declares-own-legal-liability"),
    pytest.param(LINYI, "unit", {
        K.INDEPENDENT_LIABILITY: "第三条第一款 The unit declares: "
                                 "在临沂市行政区域内依法成立并可以独立承担法律责任，从事一、二、三产业的法人或其他组织",
    }, id="L3-linyi-第三条第一款-unit-declares-own-legal-liability"),
    pytest.param(ZIBO, "individual", {
        K.INTEGRITY: "第九条第（一）项 I declare: 政治坚定，清正廉洁，品行端正，恪守职业道德和社会规范",
        K.CLEAN_RECORD: "第九条第（七）项 I declare: 无其他严重不良记录和违法、违纪行为",
    }, id="Z9c-zibo-第九条第（一）项第（七）项-individual-integrity-and-clean-record"),
    pytest.param(WEIHAI, "individual", {
        K.INTEGRITY: "第十二条第（一）项 I declare: 政治坚定，清正廉洁，品行端正，恪守职业道德和社会规范",
        K.CLEAN_RECORD: "第十二条第（七）项 I declare: 无不良信用记录和违法、违规、违纪行为",
    }, id="W12b-weihai-第十二条第（一）项第（七）项-individual-integrity-and-clean-record"),
    pytest.param(LINYI, "individual", {
        K.INTEGRITY: "第十二条第（一）项 I declare: 政治坚定，清正廉洁，品行端正，恪守职业道德和社会规范",
        K.CLEAN_RECORD: "第十二条第（七）项 I declare: 无不良记录和违法、违规、违纪行为",
    }, id="L12c-linyi-第十二条第（一）项第（七）项-individual-integrity-and-clean-record"),
    pytest.param(SHANDONG, "unit", {
        K.CLEAN_RECORD: "一（二）1 The unit declares: 在诚信、质量、安全、环保等方面无违法行为和不良记录",
        K.METHOD_APPLIED: "一（二）2 The unit declares: 质量标杆所运用的主要管理方法（技术）和经验已在本单位成熟应用，"
                          "对质量和绩效提升有明显促进作用，在地区和行业内表现突出",
        K.SHARING_COMMITMENT: "一（二）3 The unit declares: 在不涉及商业机密的情况下，积极参与相关的分享交流活动",
    }, id="S2c-shandong-一（二）1-3-clean-record-method-and-sharing"),
    pytest.param(NATIONAL, "unit", {
        K.CLEAN_RECORD: "第九条第（一）项 The unit declares: 在诚信、质量、安全、环保等方面无违法行为和不良记录",
        K.METHOD_APPLIED: "第九条第（二）项 The unit declares: "
                          "质量标杆所运用的主要管理方法（技术）和经验已在本单位成熟应用，"
                          "对质量、效益和效率提升有明显促进作用，在地区和行业内表现突出",
        K.SHARING_COMMITMENT: "第九条第（三）项 The unit declares: "
                              "在不涉及商业机密的情况下，积极参与相关的分享交流活动",
    }, id="N9-national-第九条第（一）项至第（三）项-clean-record-method-and-sharing"),
])
def test_form_declarations_are_the_rules_of_the_category(code, category, expected):
    form = form_for(code, category)
    assert choices(form) == expected
    assert form.fields["declared"].portal_required is True


def test_form_declaration_label_in_chinese_uses_the_unit_or_the_person():
    with translation.override("zh-hans"):
        unit = choices(form_for(WEIHAI, "unit"))[K.INDEPENDENT_LIABILITY]
        person = choices(form_for(WEIHAI, "individual"))[K.CLEAN_RECORD]
    assert unit.endswith("在威海市行政区域内依法成立并独立承担法律责任，从事一、二、三产业的企事业单位或其他组织")
    assert person.endswith("无不良信用记录和违法、违规、违纪行为")


# --- the benchmarks' field or category: one of the rulebook's list, required --------------------------------


@pytest.mark.parametrize(("code", "article", "keys"), [
    pytest.param(SHANDONG, "一（一）", ["一（一）1", "一（一）2", "一（一）3"],
                 id="S1-shandong-一（一）1-3-three-focus-fields-offered"),
    pytest.param(NATIONAL, "第十条", [f"第十条第（{n}）项" for n in "一二三四五"],
                 id="N10-national-第十条-five-scope-categories-offered"),
])
def test_focus_field_offers_the_rulebook_items(code, article, keys):
    field = form_for(code).fields["focus_field"]
    assert [key for key, _label in field.choices] == keys
    assert (str(field.help_text), field.portal_required) == (article, True)
    assert all(label.startswith(key + " ") and label.endswith("典型经验。") for key, label in field.choices)


def test_focus_field_not_offered_by_the_city_schemes():
    assert [code for code in (ZIBO, WEIHAI, LINYI) if "focus_field" in form_for(code).fields] == []


def test_focus_field_unknown_item_is_refused_at_the_field():
    form = form_for(SHANDONG, data={"focus_field": "第十条第（二）项"})
    assert not form.is_valid()
    assert "focus_field" in form.errors


def test_draft_arguments_keep_declarations_and_the_choice_with_its_words():
    data = {"declared": [K.CLEAN_RECORD, K.SHARING_COMMITMENT], "focus_field": "第十条第（三）项"}
    form = form_for(NATIONAL, data=data)
    assert form.is_valid(), form.errors
    data = form.draft_arguments()["form_data"]
    assert data["declared"] == [K.CLEAN_RECORD, K.SHARING_COMMITMENT]
    assert data["focus_field"] == {
        "key": "第十条第（三）项",
        "text": "企业发展新业态、新模式，促进产品或服务明显提升，取得良好经营绩效的典型经验。",
    }


# --- saved through the service, read back by the eligibility engine, shown on the pages ----------------------


def _shandong_draft(form_data):
    applicant = make_unit_applicant()
    edition = make_edition(SHANDONG)
    application = services.application_create(edition=edition, category="unit", by=applicant)
    services.application_save_draft(
        application=application, by=applicant, form_data=form_data, profitable_years=3,
        accident_free_declared=False, violation_free_declared=False,
    )
    application.refresh_from_db()
    return applicant, application


def _failures(application):
    facts = selectors.applicant_facts(application=application)
    failures = check_eligibility(edition=application.edition, facts=facts, on=application.created_at.date())
    # Today is outside the 2021 notice's year; only the rules of the applicant matter here.
    return [(f.kind, f.article) for f in failures if f.kind != RULEBOOK_IN_FORCE]


def test_saved_declarations_and_choice_meet_the_shandong_rules():
    declared = [K.CLEAN_RECORD, K.METHOD_APPLIED, K.SHARING_COMMITMENT]
    _applicant, application = _shandong_draft(
        {**FILLED_FORM, "declared": declared, "focus_field": {"key": "一（一）2", "text": "关键基础材料……"}}
    )
    assert application.form_data["declared"] == sorted(declared)
    assert application.form_data["focus_field"]["key"] == "一（一）2"
    assert _failures(application) == []


@pytest.mark.parametrize(("form_data", "expected"), [
    pytest.param({"declared": [K.METHOD_APPLIED, K.SHARING_COMMITMENT]},
                 [(K.CLEAN_RECORD, "一（二）1"), (K.FOCUS_FIELD, "一（一）")],
                 id="S2c-shandong-一（二）1-clean-record-not-ticked-and-S1-no-field-refused"),
    pytest.param({"declared": [K.CLEAN_RECORD], "focus_field": {"key": "一（一）1"}},
                 [(K.METHOD_APPLIED, "一（二）2"), (K.SHARING_COMMITMENT, "一（二）3")],
                 id="S2d-shandong-一（二）2-3-method-and-sharing-not-ticked-refused"),
    pytest.param({"declared": ["not-a-kind", K.CLEAN_RECORD, K.METHOD_APPLIED, K.SHARING_COMMITMENT],
                  "focus_field": "一（一）1"},
                 [(K.FOCUS_FIELD, "一（一）")],
                 id="S1-shandong-一（一）-malformed-choice-not-stored-refused"),
])
def test_saved_form_missing_declarations_refused_by_article(form_data, expected):
    _applicant, application = _shandong_draft({**FILLED_FORM, **form_data})
    assert "not-a-kind" not in application.form_data.get("declared", [])
    assert _failures(application) == expected


def test_chosen_field_is_shown_on_the_application_pages(client):
    applicant, application = _shandong_draft(
        {**FILLED_FORM, "focus_field": {"key": "一（一）3", "text": "创新能力强的“专精特新”中小企业……"}}
    )
    client.force_login(applicant)
    body = client.get(reverse("applications:detail", kwargs={"pk": application.pk})).content.decode()
    assert 'data-focus-field="一（一）3"' in body
    assert "创新能力强的“专精特新”中小企业……" in body
    # The reviewers' and the office's pages include the same fragment.
    assert 'data-focus-field="一（一）3"' in render_to_string("applications/_chosen.html", {"application": application})
    assert render_to_string("applications/_chosen.html", {"application": Application(form_data={})}).strip() == ""


def test_edit_page_lists_declarations_and_choice(client):
    applicant, application = _shandong_draft(dict(FILLED_FORM))
    client.force_login(applicant)
    body = client.get(reverse("applications:edit", kwargs={"pk": application.pk})).content.decode()
    assert 'name="focus_field"' in body and 'data-option="一（一）3"' in body
    assert body.count('name="declared"') == 3
    assert "本单位声明：在不涉及商业机密的情况下，积极参与相关的分享交流活动" in body
