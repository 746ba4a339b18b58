"""A sixth scheme, set up by the office through its screens alone: 济南市市长质量奖, under a made-up
but plausible rulebook "济南市市长质量奖管理办法", with its own region (济南市 370100), quotas
(4 units, 2 individuals, 第五条), notice (7 working days, 第十六条), eligibility years (a unit
operating 6 years, 第九条第（一）项; an individual 8 years of quality work, 第十一条第（二）项),
a past winner who may apply again 3 years after the winning edition (第六条), its own stages
and award items (第十八条).

The office does everything on the Django admin screens at /office/admin/ (district, scheme, rulebook with its inlines,
editions and their opening) and on the portal's pages; the ORM is used only to assert. One unit then goes through
eligibility, district recommendation, the qualification check, the material review, the candidate list, the
leading group, the public notice, the city government's approval and the announcement, each on the page of the
person whose step it is. The one step not done on a page is the end of the notice: the clock passes it and the
periodic sweep runs, as the Celery beat task does (decisions.notice.notice_sweep), as in the browser rounds.

A new city's award needs no new code (CONVENTIONS.md): nothing here may depend on the five loaded schemes' codes or
article numbers. Test ids cite the made-up rulebook's articles with the scheme code `jinan-mayor`.
"""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfWriter

from accounts.enums import Role
from applications.enums import ApplicationState
from applications.models import Application
from awards.models import AwardItem, Edition, EligibilityRule, Quota, Rulebook, Scheme, Stage
from reviews.models import ScoreSheetTemplate
from tests.factories import UserFactory, make_credit_code

pytestmark = pytest.mark.django_db

CODE = "jinan-mayor"
NAME = "济南市市长质量奖"
RULEBOOK_TITLE = "济南市市长质量奖管理办法"
DOCUMENT = "济政发〔2025〕8号"
LIXIA = "370102"
APPLICANT_PASSWORD = "Quancheng#Light2026"

QUOTAS = [
    {"scope": "unit", "tier": "award", "max_count": "4", "article": "第五条"},
    {"scope": "individual", "tier": "award", "max_count": "2", "article": "第五条"},
]
RULES = [
    {"category": "unit", "kind": "operating_years", "years": "6", "inclusive": "on", "article": "第九条第（一）项",
     "text": "在济南市行政区域内注册，主体业务正常运行6年（含）以上"},
    {"category": "unit", "kind": "no_repeat_winner", "years": "3", "inclusive": "on", "article": "第六条",
     "text": "获奖单位3年后方可再次申报"},
    {"category": "individual", "kind": "quality_work_years", "years": "8", "inclusive": "on",
     "article": "第十一条第（二）项", "text": "在济南市从事质量相关工作8年（含）以上"},
    {"category": "individual", "kind": "no_repeat_winner", "years": "3", "inclusive": "on", "article": "第六条",
     "text": "获奖个人3年后方可再次申报"},
]
STAGES = [
    ("application", "申报单位和个人", "第十二条"),
    ("district_recommendation", "各区县质量工作领导小组办公室", "第十二条"),
    ("qualification_check", "市质量强市办", "第十三条"),
    ("material_review", "市质量强市办组织的评审专家", "第十三条"),
    ("candidate_list", "市质量强市办", "第十四条"),
    ("leading_group", "济南市质量强市工作领导小组", "第十五条"),
    ("public_notice", "市质量强市办", "第十六条"),
    ("government_approval", "济南市人民政府", "第十七条"),
    ("announcement", "济南市人民政府", "第十七条"),
]
ITEMS = [
    {"category": "unit", "kind": "certificate", "article": "第十八条", "recovered_on_revocation": "on"},
    {"category": "unit", "kind": "plaque", "article": "第十八条", "recovered_on_revocation": "on"},
    {"category": "individual", "kind": "certificate", "article": "第十八条", "recovered_on_revocation": "on"},
]


def today():
    return timezone.localdate()


def pdf(name: str = "自评报告.pdf") -> SimpleUploadedFile:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def errors_of(response) -> str:
    """What a page refused with: its form errors and messages, for a failing assertion's message."""
    found = []
    context = response.context
    if context is None:
        return f"status {response.status_code}"
    for key in ("adminform", "form"):
        form = context.get(key)
        form = getattr(form, "form", form)
        if form is not None and getattr(form, "errors", None):
            found.append(f"{key}: {form.errors.as_json()}")
    for formset in context.get("inline_admin_formsets") or []:
        fs = formset.formset
        if fs.errors and any(fs.errors) or fs.non_form_errors():
            found.append(f"{fs.prefix}: {fs.errors} {fs.non_form_errors()}")
    found += [str(m) for m in context.get("messages") or []]
    return "; ".join(found) or f"status {response.status_code}"


# --- the office's screens ---------------------------------------------------------------------------------------


def admin_add(client, model: str, fields: dict, inlines: dict[str, list[dict]] | None = None):
    """Fill and post the admin's add form of `model` (awards/scheme, …) as the office would: the form's own
    defaults, the fields given (None clears one), and for each inline formset its management form and the rows
    given (every formset the page shows is posted, empty where no rows are given)."""
    url = f"/office/admin/{model}/add/"
    page = client.get(url)
    assert page.status_code == 200, url
    form = page.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else value
    for name, value in fields.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    for formset in page.context["inline_admin_formsets"]:
        prefix = formset.formset.prefix
        rows = (inlines or {}).get(prefix, [])
        data |= {
            f"{prefix}-TOTAL_FORMS": str(len(rows)),
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
        for index, row in enumerate(rows):
            data |= {f"{prefix}-{index}-{key}": value for key, value in row.items()}
    unknown = set(inlines or {}) - {f.formset.prefix for f in page.context["inline_admin_formsets"]}
    assert not unknown, f"the {model} screen has no inline {sorted(unknown)}"
    response = client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    return response


def office_sets_up_the_scheme(client, office) -> tuple[Scheme, Rulebook]:
    """The system administrator adds the city's district (reference data is theirs); the office adds the scheme and
    its rulebook with every inline, on the admin screens."""
    city = Scheme._meta.get_field("region").related_model.objects.get(code="370100")
    client.force_login(UserFactory(username="jinan-sysadmin", roles=[Role.SYSADMIN], is_staff=True))
    admin_add(client, "accounts/district", {"code": LIXIA, "name": "历下区", "level": "district", "parent": city.pk})
    client.force_login(office)
    admin_add(
        client,
        "awards/scheme",
        {
            "code": CODE,
            "name": NAME,
            "short_name": "济南市长奖",
            "level": "city",
            "region": city.pk,
            "organiser": "济南市质量强市工作领导小组",
            "office": "济南市质量强市工作领导小组办公室（市质量强市办）",
            "edition_cycle": "annual",
            "number_prefix": "JN",
            "edition_label": "年度",
            "categories": json.dumps(["unit", "individual"]),
            "is_active": "on",
        },
    )
    scheme = Scheme.objects.get(code=CODE)
    admin_add(
        client,
        "awards/rulebook",
        {
            "scheme": scheme.pk,
            "title": RULEBOOK_TITLE,
            "document_number": DOCUMENT,
            "issued_by": "济南市人民政府",
            "source": "tests/test_sixth_scheme.py（虚构）",
            "free_of_charge": "on",
            "valid_from": "2025-01-01",
            "valid_until": "2030-12-31",
            "validity_article": "第三十条",
            "edition_article": "第五条",
            "notice_working_days": "7",
            "notice_article": "第十六条",
            "recommender_level": "county",
        },
        {
            "quotas": QUOTAS,
            "eligibility_rules": RULES,
            "stages": [
                {"position": str(i), "kind": kind, "body": body, "article": article}
                for i, (kind, body, article) in enumerate(STAGES, start=1)
            ],
            "award_items": ITEMS,
            # The office picks, from the sheets the portal holds, the one its scored stages use.
            "ScoreSheetTemplate_rulebooks": [
                {"scoresheettemplate": str(ScoreSheetTemplate.objects.get(code="gbt19580-2012-unit").pk)}
            ],
        },
    )
    return scheme, Rulebook.objects.get(scheme=scheme)


def office_adds_and_opens_edition(client, scheme, rulebook, year: int) -> Edition:
    admin_add(
        client,
        "awards/edition",
        {
            "scheme": scheme.pk,
            "rulebook": rulebook.pk,
            "year": str(year),
            "title": f"{year}年度",
            "application_opens": (today() - timedelta(days=10)).isoformat(),
            "application_closes": (today() + timedelta(days=30)).isoformat(),
            "recommendation_deadline": (today() + timedelta(days=45)).isoformat(),
            "notice_title": f"关于组织申报{year}年度济南市市长质量奖的通知",
            "notice_text": "各区县质量工作领导小组办公室：现组织申报济南市市长质量奖，请按管理办法第十二条报送材料。",
        },
    )
    edition = Edition.objects.get(scheme=scheme, year=year)
    response = client.post(
        "/office/admin/awards/edition/", {"action": "open_for_applications", "_selected_action": [edition.pk]}
    )
    assert response.status_code == 302
    edition.refresh_from_db()
    assert edition.status == "open", [str(m) for m in response.wsgi_request._messages]
    return edition


@pytest.fixture
def office(client):
    user = UserFactory(
        username="jinan-office", display_name="济南 市质量强市办", roles=[Role.OFFICE_STAFF], is_staff=True
    )
    client.force_login(user)
    return user


# --- the set-up ---------------------------------------------------------------------------------------------


def test_sixth_scheme_set_up_through_the_admin_screens_holds_its_own_rules(client, office):
    scheme, rulebook = office_sets_up_the_scheme(client, office)

    assert (scheme.name, scheme.region.code, scheme.edition_cycle, scheme.number_prefix) == (
        NAME, "370100", "annual", "JN",
    )
    assert (rulebook.notice_working_days, rulebook.notice_article) == (7, "第十六条")
    assert sorted(Quota.objects.filter(rulebook=rulebook).values_list("scope", "max_count", "article")) == [
        ("individual", 2, "第五条"), ("unit", 4, "第五条"),
    ]
    assert sorted(
        EligibilityRule.objects.filter(rulebook=rulebook).values_list("category", "kind", "years", "article")
    ) == [
        ("individual", "no_repeat_winner", 3, "第六条"),
        ("individual", "quality_work_years", 8, "第十一条第（二）项"),
        ("unit", "no_repeat_winner", 3, "第六条"),
        ("unit", "operating_years", 6, "第九条第（一）项"),
    ]
    assert [(s.kind, s.article) for s in rulebook.pipeline] == [(kind, article) for kind, _b, article in STAGES]
    assert sorted(AwardItem.objects.filter(rulebook=rulebook).values_list("category", "kind")) == [
        ("individual", "certificate"), ("unit", "certificate"), ("unit", "plaque"),
    ]
    # The scheme's public page shows the office's data.
    page = client.get(reverse("awards:scheme_detail", args=[CODE])).content.decode()
    assert NAME in page and RULEBOOK_TITLE in page and "第十六条" in page


# --- the people's pages -----------------------------------------------------------------------------------------


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def refusals(response) -> list[str]:
    """The reasons a page gave, each naming the scheme and its article: its messages and the items of its error
    lists that start with the scheme's short name."""
    found = messages_of(response)
    found += re.findall(r"<li>(济南市长奖[^<]*)</li>", response.content.decode())
    return found


def register_unit(client, *, username: str, name: str, operating_since: str):
    """The unit registers on the public registration page (logged out) and lands on "my applications"."""
    client.logout()
    district = Scheme._meta.get_field("region").related_model.objects.get(code=LIXIA)
    response = client.post(
        reverse("register:unit"),
        {
            "username": username,
            "password1": APPLICANT_PASSWORD,
            "password2": APPLICANT_PASSWORD,
            "email": f"{username}@example.cn",
            "phone": "13905310000",
            "organisation_name": name,
            "credit_code": make_credit_code(division=LIXIA),
            "district": district.pk,
            "industry": "通用设备制造业",
            "founded_on": operating_since,
            "operating_since": operating_since,
            "independent_legal_person": "on",
            "contact_name": "赵质量",
            "contact_phone": "0531-86000000",
        },
    )
    assert (response.status_code, response.get("Location")) == (302, reverse("applications:mine")), errors_of(
        response
    )


def start_application(client, edition, category: str = "unit"):
    """"My applications" → start an application to the edition; returns the response (followed)."""
    mine = client.get(reverse("applications:mine")).content.decode()
    assert f'data-edition="{edition.pk}"' in mine
    return client.post(reverse("applications:start"), {"edition": edition.pk, "category": category}, follow=True)


def fill_and_submit(client, application: Application):
    """The edit page: every text field filled, every declaration ticked, the self-evaluation report uploaded,
    then "submit"."""
    url = reverse("applications:edit", args=[application.pk])
    form = client.get(url).context["form"]
    data = {"action": "submit"}
    for name, field in form.fields.items():
        widget = type(field.widget).__name__
        if name.startswith("file_"):
            if name == "file_self_evaluation":
                data[name] = pdf()
        elif widget == "CheckboxInput":
            data[name] = "on"
        elif getattr(field, "choices", None):
            choices = [value for value, _label in field.choices if value not in ("", None)]
            if choices:
                data[name] = choices[0]
        else:
            data[name] = f"济南泉城精工{name}：全面推行卓越绩效模式，近三年产品一次交验合格率 99.9%。"
    return client.post(url, data, follow=True)


def expert_scores(client, expert, assignment_pk: int, application_pk: int, share: float = 0.75) -> None:
    """The expert declares no conflict, then fills the sheet at `share` of every item's points and submits."""
    client.force_login(expert.user)
    response = client.post(reverse("reviews:declare", args=[assignment_pk]), {"decision": "no_conflict"})
    assert response.status_code == 302, errors_of(response)
    url = reverse("reviews:sheet", args=[assignment_pk])
    form = client.get(url).context["form"]
    data = {"action": "submit"}
    for name, field in form.fields.items():
        maximum = field.widget.attrs.get("max")
        if name.startswith("points-") and maximum is not None:
            data[name] = str(int(float(maximum) * share * 2) / 2)
        else:
            data[name] = "领导作用突出，体系运行有效；建议加强数据分析。"
    response = client.post(url, data)
    assert response.status_code == 302, (errors_of(response), response.context and response.context.get("errors"))


def step_url(edition, kind: str) -> str:
    stage = Stage.objects.get(rulebook=edition.rulebook, kind=kind)
    return reverse("decisions:step", kwargs={"edition_id": edition.pk, "stage_id": stage.pk})


def record_step(client, edition, kind: str, **data) -> None:
    board = client.get(reverse("decisions:board", args=[edition.pk])).content.decode()
    assert step_url(edition, kind) in board, f"the decision board links no {kind} step"
    response = client.post(step_url(edition, kind), {"held_on": today().isoformat(), **data})
    assert response.status_code == 302, errors_of(response)


@pytest.fixture
def round_staff(db):
    """The staff accounts of the round (configuration, as in the browser rounds): one expert of the pool, and the
    district's coordinator, made on demand once the system administrator has added the district on its screen."""
    from reviews.models import ExpertProfile
    from tests.applications.conftest import make_coordinator

    coordinator = None

    def coordinator_of_lixia():
        nonlocal coordinator
        coordinator = coordinator or make_coordinator(LIXIA, username="lixia-coordinator", display_name="历下区 孙协调")
        return coordinator

    user = UserFactory(username="expert-qian", display_name="钱专家", roles=[Role.EXPERT])
    expert = ExpertProfile.objects.create(
        user=user, full_name="钱专家", employer_name="山东大学", industries=["通用设备制造业"], fields=["设备制造"]
    )
    return {"coordinator": coordinator_of_lixia, "expert": expert}


def test_sixth_scheme_one_unit_from_application_to_award_with_its_own_numbers(client, office, round_staff):
    from decisions.models import Certificate, PublicNotice
    from decisions.notice import notice_sweep
    from reviews.models import Assignment, CandidateProposal, EditionStage

    scheme, rulebook = office_sets_up_the_scheme(client, office)
    edition = office_adds_and_opens_edition(client, scheme, rulebook, today().year)
    coordinator = round_staff["coordinator"]()
    expert = round_staff["expert"]

    # 第九条第（一）项: a unit operating 5 years is refused with the article and the rulebook's 6 years.
    register_unit(
        client, username="quancheng-young", name="济南泉城新创科技有限公司",
        operating_since=(today() - timedelta(days=5 * 365 + 30)).isoformat(),
    )
    refused = start_application(client, edition)
    drafts = Application.objects.filter(edition=edition, owner__username="quancheng-young")
    if drafts.exists():  # the rules may be checked on submission rather than at the start
        refused = fill_and_submit(client, drafts.get())
    shown = refusals(refused)
    assert any("第九条第（一）项" in line and "6" in line and "5" in line for line in shown), shown
    assert not Application.objects.filter(edition=edition, owner__username="quancheng-young", state="submitted")

    # 第十二条: a unit operating 10 years applies to its district.
    register_unit(
        client, username="quancheng-jinggong", name="济南泉城精工机械有限公司",
        operating_since=(today() - timedelta(days=10 * 365)).isoformat(),
    )
    response = start_application(client, edition)
    application = Application.objects.get(edition=edition, owner__username="quancheng-jinggong")
    response = fill_and_submit(client, application)
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED, errors_of(response)
    assert application.number == f"JN-{edition.year}-0001"
    assert application.recommender.code == LIXIA

    # 第十二条: the district's coordinator recommends it from the inbox.
    client.force_login(coordinator)
    assert f'data-application="{application.pk}"' in client.get(reverse("applications:inbox")).content.decode()
    response = client.post(
        reverse("applications:decide", args=[application.pk]),
        {"decision": "recommend", "opinion": "该单位质量管理成效显著，同意推荐。"},
    )
    application.refresh_from_db()
    assert application.state == ApplicationState.RECOMMENDED, errors_of(response)

    # 第十三条: the office sets up the qualification check and the material review, starts the review.
    client.force_login(office)
    sheet = ScoreSheetTemplate.objects.get(code="gbt19580-2012-unit")
    for kind, template in (("qualification_check", None), ("material_review", sheet)):
        response = client.post(
            reverse("reviews:stage_create"),
            {
                "edition": edition.pk,
                "stage": Stage.objects.get(rulebook=rulebook, kind=kind).pk,
                "opens": (today() - timedelta(days=3)).isoformat(),
                "sheets_due": (today() + timedelta(days=30)).isoformat(),
                "experts_per_application": "1",
                "score_sheet": template.pk if template else "",
            },
        )
        assert response.status_code == 302, errors_of(response)
    gate = EditionStage.objects.get(edition=edition, stage__kind="qualification_check")
    material = EditionStage.objects.get(edition=edition, stage__kind="material_review")
    dossier = client.get(reverse("office:application", args=[application.pk])).content.decode()
    assert reverse("office:application_start_review", args=[application.pk]) in dossier
    response = client.post(reverse("office:application_start_review", args=[application.pk]))
    application.refresh_from_db()
    assert (application.state, application.current_stage.kind) == ("in_review", "qualification_check"), errors_of(
        response
    )
    response = client.post(
        reverse("reviews:gate", args=[gate.pk]),
        {
            "application": application.pk,
            f"gate-{application.pk}-outcome": "pass",
            f"gate-{application.pk}-note": "符合第九条各项条件。",
        },
    )
    assert response.status_code == 302, errors_of(response)
    application.refresh_from_db()
    assert application.current_stage.kind == "material_review"
    response = client.post(reverse("reviews:board_assign", args=[material.pk]), {"method": "optimal"})
    assert response.status_code == 302, errors_of(response)
    assignment = Assignment.objects.get(edition_stage=material, application=application)

    expert_scores(client, expert, assignment.pk, application.pk)

    client.force_login(office)
    response = client.post(
        reverse("reviews:stage_progress", args=[material.pk]), {"shown": [application.pk], "pass": [application.pk]}
    )
    assert response.status_code == 302, errors_of(response)

    # 第十四条: the office proposes the candidate list within the quotas of 第五条.
    response = client.post(reverse("reviews:ranking_propose", args=[edition.pk]))
    assert response.status_code == 302, errors_of(response)
    assert list(CandidateProposal.objects.filter(edition=edition).values_list("application", "tier")) == [
        (application.pk, "award")
    ]
    client.get(reverse("decisions:editions"))
    keep = {f"keep_{application.pk}": "on"}
    record_step(client, edition, "candidate_list", minutes="市质量强市办提出候选名单。", **keep)
    # 第十五条: the leading group fixes the list.
    record_step(client, edition, "leading_group", minutes="领导小组审议通过拟表彰名单。", **keep)

    # 第十六条: the notice runs 7 working days (the rulebook's own number, not the 5 of the other cities).
    record_step(client, edition, "public_notice", starts_on=today().isoformat(),
                how_to_object="对公示对象有异议的，请于公示期内向市质量强市办书面反映。")
    notice = PublicNotice.objects.get(edition=edition)
    assert notice.ends_on == seventh_working_day_from(notice.starts_on)
    public = client.get(reverse("public:notice_detail", args=[notice.pk])).content.decode()
    assert "济南泉城精工机械有限公司" in public and notice.ends_on.isoformat() in public
    assert notice_sweep(now=notice.ends_at) == 1

    # 第十七条: the city government approves and announces.
    response = client.post(
        step_url(edition, "government_approval"),
        {"held_on": today().isoformat(), "document_number": "济政字〔2026〕50号", "document": pdf("批复.pdf")},
    )
    assert response.status_code == 302, errors_of(response)
    approval = Stage.objects.get(rulebook=rulebook, kind="government_approval")
    response = client.post(
        reverse("decisions:approve", kwargs={"edition_id": edition.pk, "stage_id": approval.pk}), {"all": "1"}
    )
    assert response.status_code == 302, errors_of(response)
    record_step(client, edition, "announcement", document_number="济政发〔2026〕60号")
    application.refresh_from_db()
    assert application.state == ApplicationState.AWARDED
    # 第十八条: the certificate carries the scheme's name and verifies.
    certificate = Certificate.objects.get(application=application)
    assert certificate.title == NAME
    client.logout()
    verified = client.get(reverse("decisions:verify", args=[certificate.token])).content.decode()
    assert NAME in verified and "济南泉城精工机械有限公司" in verified

    # 第六条: the winner of the edition of Y may apply again from the edition of Y + 3, not before.
    client.force_login(office)
    later = office_adds_and_opens_edition(client, scheme, rulebook, edition.year + 2)
    again = office_adds_and_opens_edition(client, scheme, rulebook, edition.year + 3)
    client.force_login(application.owner)
    refused = start_application(client, later)
    drafts = Application.objects.filter(edition=later, owner=application.owner)
    if drafts.exists():  # the rules may be checked on submission rather than at the start
        refused = fill_and_submit(client, drafts.get())
    shown = refusals(refused)
    assert any(
        "第六条" in line and str(edition.year) in line and str(edition.year + 3) in line for line in shown
    ), shown
    assert not Application.objects.filter(edition=later, owner=application.owner, state="submitted").exists()
    start_application(client, again)
    response = fill_and_submit(client, Application.objects.get(edition=again, owner=application.owner))
    assert Application.objects.get(edition=again, owner=application.owner).state == "submitted", errors_of(response)


def seventh_working_day_from(start):
    """The last day of a notice of 7 working days published on `start` (the day of publication not counted), by the
    calendar service's working days."""
    from awards.calendar import is_working_day

    day, counted = start, 0
    while True:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
            if counted == 7:
                return day
