"""The review rules of the rulebooks, each test citing its checklist row, scheme and article: the approval of the
Linyi committee before it acts (art. 7(四), 9, 16), the national sheets' written comments and office-set points
(art. 8, 19, 20), members of matching fields (national art. 12), the undertaking of confidentiality (Zibo art. 22,
Weihai art. 24, Linyi art. 24, national art. 15), the body that removes review staff (Zibo art. 21, Weihai art. 25,
Linyi art. 26) and which rulebooks score on which sheet."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from accounts.enums import Role
from awards.confirmations import office_set_value_confirm, score_sheet_key
from awards.models import OfficeSetValue, Rulebook
from decisions.services import CandidateDecision, decision_step_record
from reviews import scoring
from reviews.bodies import acting_committee, body_approval_record, body_create, body_member_add
from reviews.enums import ConflictDecision, CreditRecordKind, MemberRole
from reviews.models import (
    Assignment,
    ConflictDeclaration,
    DefenceSession,
    EditionStage,
    ReviewRules,
    ScoreSheetTemplate,
    Undertaking,
)
from reviews.services import expert_credit_record_add
from reviews.stages import edition_stage_create
from reviews.undertakings import undertaking_sign
from tests.applications.conftest import make_edition
from tests.decisions.scenes import chain_scene, stage_of
from tests.factories import UserFactory
from tests.reviews.committees import acting_committee as form_committee
from tests.reviews.conftest import _application, make_expert, three_criteria_sheet

pytestmark = pytest.mark.django_db

NATIONAL_SHEET = "national-benchmark-2022"
DAY = date(2026, 9, 20)


@pytest.fixture
def office(db):
    return UserFactory(roles=[Role.OFFICE_STAFF])


# --- L7, L9, L16b: the Linyi committee, approved by the leading group, holds the plenary --------------------


def _plenary(edition, office, present=7, total=None):
    return decision_step_record(
        edition=edition,
        stage=stage_of(edition, "review_committee"),
        by=office,
        held_on=DAY,
        minutes="评审委全体会议",
        members_total=total,
        members_present=present,
        decisions={},
    )


def _linyi_at_plenary(office):
    edition, applications = chain_scene("linyi-mayor", units=1, individuals=0, at="review_committee")
    return edition, applications


@pytest.mark.parametrize(
    "approve, size, expected",
    [
        pytest.param(False, 9, "第七条第（四）项", id="L7-linyi-art7-4-unapproved-committee-cannot-hold-the-plenary"),
        pytest.param(None, 9, "第九条", id="L9-linyi-art9-plenary-without-a-confirmed-committee-refused"),
    ],
)
def test_plenary_refused_without_an_acting_committee(office, approve, size, expected):
    edition, applications = _linyi_at_plenary(office)
    if approve is not None:
        form_committee(edition, size=size, approve=approve, office=office)

    with pytest.raises(ValidationError) as raised:
        _plenary(edition, office)

    assert expected in raised.value.messages[0]
    assert "临沂市市长质量奖" in raised.value.messages[0]
    assert [a.state for a in type(applications[0]).objects.filter(pk=applications[0].pk)] == ["candidate"]


@pytest.mark.parametrize(
    "total, ok",
    [
        pytest.param(None, True, id="L16b-linyi-art16-plenary-member-count-taken-from-the-approved-committee"),
        pytest.param(8, False, id="L9-linyi-art9-plenary-with-an-even-typed-count-refused"),
    ],
)
def test_plenary_member_count_is_the_committees(office, total, ok):
    edition, applications = _linyi_at_plenary(office)
    form_committee(edition, size=9, office=office)
    votes = {applications[0].pk: CandidateDecision(votes_for=7, votes_against=0, votes_abstain=0)}

    def record():
        return decision_step_record(
            edition=edition,
            stage=stage_of(edition, "review_committee"),
            by=office,
            held_on=DAY,
            minutes="评审委全体会议",
            members_total=total,
            members_present=7,
            decisions=votes,
        )

    if ok:
        assert record().members_total == 9
    else:
        with translation.override("en"), pytest.raises(ValidationError, match="has 9 members, not 8"):
            record()


def test_L9_linyi_art9_even_committee_is_never_acting_after_a_member_leaves(office):
    """A member taken off withdraws the confirmation and the approval: the committee of 8 cannot act."""
    from reviews.bodies import body_member_remove

    edition, _applications = _linyi_at_plenary(office)
    body = form_committee(edition, size=9, office=office)
    body_member_remove(body=body, expert=body.members.last().expert, by=office)

    body.refresh_from_db()
    assert (body.confirmed_at, body.approved_on) == (None, None)
    with pytest.raises(ValidationError, match="第九条"):
        acting_committee(edition)


@pytest.mark.parametrize(
    "case",
    [
        pytest.param("recorded", id="L7-linyi-art7-4-leading-group-approval-recorded-with-date-document-and-office"),
        pytest.param("unconfirmed", id="L7-linyi-art7-4-approval-before-the-composition-is-confirmed-refused"),
        pytest.param("future", id="L7-linyi-art7-4-approval-dated-in-the-future-refused"),
        pytest.param("no-document", id="L7-linyi-art7-4-approval-without-document-refused"),
    ],
)
def test_committee_approval(office, case):
    edition = make_edition("linyi-mayor")
    if case == "unconfirmed":
        body = body_create(edition=edition, kind="review_committee", name="评审委员会", by=office)
    else:
        body = form_committee(edition, size=3, approve=False, office=office)
    on = timezone.localdate() + timedelta(days=1) if case == "future" else date(2026, 1, 5)
    document = "" if case == "no-document" else "领导小组纪要〔2026〕1号"

    if case != "recorded":
        with pytest.raises(ValidationError):
            body_approval_record(body=body, approved_on=on, document=document, by=office)
        body.refresh_from_db()
        assert body.approved_on is None
        return
    body_approval_record(body=body, approved_on=on, document=document, by=office)
    body.refresh_from_db()
    assert (body.approved_on, body.approval_document, body.approval_recorded_by) == (on, document, office)
    rules = ReviewRules.objects.get(rulebook=edition.rulebook)
    assert (rules.committee_approved_by, rules.committee_approval_article) == (
        "质量强市工作领导小组",
        "第七条第（四）项",
    )
    assert acting_committee(edition) == body


def test_L7_linyi_art7_4_approval_on_the_bodies_page(client, office):
    edition = make_edition("linyi-mayor")
    body = form_committee(edition, size=3, approve=False, office=office)
    client.force_login(office)
    url = reverse("reviews:bodies", args=[edition.pk])
    page = client.get(url).content.decode()
    assert 'data-approved="false"' in page and "第七条第（四）项" in page and "质量强市工作领导小组" in page

    response = client.post(
        reverse("reviews:body_approval", args=[edition.pk, body.pk]),
        {"approved_on": "2026-01-05", "document": "领导小组纪要〔2026〕1号"},
    )

    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert 'data-approved="true"' in page and "领导小组纪要〔2026〕1号" in page


def test_L7_linyi_art7_4_approval_page_refuses_other_roles(client):
    edition = make_edition("linyi-mayor")
    body = body_create(
        edition=edition, kind="review_committee", name="评审委员会", by=UserFactory(roles=[Role.OFFICE_STAFF])
    )
    client.force_login(UserFactory(roles=[Role.EXPERT]))
    response = client.post(
        reverse("reviews:body_approval", args=[edition.pk, body.pk]), {"approved_on": "2026-01-05", "document": "x"}
    )
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        body_approval_record(body=body, approved_on=date(2026, 1, 5), document="x", by=UserFactory(roles=[Role.EXPERT]))


# --- N12: members of the matching field -------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields, ok",
    [
        pytest.param(["装备制造"], True, id="N12-national-art12-expert-of-the-group-field-seated"),
        pytest.param(["食品"], False, id="N12-national-art12-expert-of-another-field-refused"),
    ],
)
def test_specialty_group_member_field_match(office, fields, ok):
    edition = make_edition("national-benchmark")
    group = body_create(edition=edition, kind="specialty_group", name="装备组", field="装备制造", by=office)
    expert = make_expert()
    expert.fields = fields
    expert.save(update_fields=["fields"])

    if ok:
        assert body_member_add(body=group, expert=expert, role=MemberRole.LEADER, by=office).expert == expert
    else:
        with pytest.raises(ValidationError, match="第十二条"):
            body_member_add(body=group, expert=expert, role=MemberRole.LEADER, by=office)


# --- N8, N19, N20a: the national sheet ----------------------------------------------------------------------


def _national_sheet_scene(kind="material_review"):
    edition = make_edition("national-benchmark")
    application = _application(edition, kind)
    today = timezone.localdate()
    stage = EditionStage.objects.create(
        edition=edition,
        stage=edition.rulebook.stages.get(kind=kind),
        opens=today,
        sheets_due=today + timedelta(days=10),
        score_sheet=ScoreSheetTemplate.objects.get(code=NATIONAL_SHEET),
    )
    if kind == "oral_defence":
        session = DefenceSession.objects.create(
            edition_stage=stage, starts_at=timezone.now(), place="北京", scheduled_by=UserFactory()
        )
        session.applications.add(application)
    expert = make_expert()
    assignment = Assignment.objects.create(
        edition_stage=stage, application=application, expert=expert, method="manual", assigned_by=UserFactory()
    )
    ConflictDeclaration.objects.create(assignment=assignment, decision=ConflictDecision.NO_CONFLICT)
    return edition, assignment


def _all_items(template, points=(30, 30, 25)):
    return {item.pk: {"points": p} for item, p in zip(template.items.order_by("position"), points, strict=True)}


def _confirm_points(edition, office):
    value = OfficeSetValue.objects.get(rulebook=edition.rulebook, key=score_sheet_key(NATIONAL_SHEET))
    office_set_value_confirm(value=value, by=office, basis="全国质量标杆工作办公室评分细则〔2022〕")


def test_N8_national_art8_points_split_is_office_set_and_refused_until_confirmed(office):
    edition, assignment = _national_sheet_scene()
    template = assignment.edition_stage.score_sheet
    user = assignment.expert.user
    value = OfficeSetValue.objects.get(rulebook=edition.rulebook, key=score_sheet_key(NATIONAL_SHEET))
    assert (value.value, value.silence) == ("35/35/30", "第八条只列三项遴选标准，未给分值")

    with pytest.raises(ValidationError, match="35/35/30"):
        scoring.sheet_save(assignment=assignment, by=user, scores=_all_items(template), comments="评语")

    _confirm_points(edition, office)
    assert scoring.sheet_save(assignment=assignment, by=user, scores=_all_items(template), comments="评语").total == 85


@pytest.mark.parametrize(
    "kind, article",
    [
        pytest.param(
            "material_review", "第十九条", id="N19-national-art19-material-review-sheet-without-comments-refused"
        ),
        pytest.param("oral_defence", "第二十条", id="N20a-national-art20-defence-sheet-without-comments-refused"),
    ],
)
def test_national_sheet_needs_written_comments(office, kind, article):
    edition, assignment = _national_sheet_scene(kind)
    _confirm_points(edition, office)
    template = assignment.edition_stage.score_sheet
    user = assignment.expert.user
    assert template.requires_comments

    sheet = scoring.sheet_save(assignment=assignment, by=user, scores=_all_items(template), comments="  ")
    with pytest.raises(ValidationError) as raised:
        scoring.sheet_submit(sheet=sheet, by=user)
    assert any(article in message and "全国质量标杆" in message for message in raised.value.messages)

    sheet = scoring.sheet_save(assignment=assignment, by=user, scores={}, comments="创新体系完整，示范性强。")
    submitted = scoring.sheet_submit(sheet=sheet, by=user)
    assert (submitted.state, submitted.comments) == ("submitted", "创新体系完整，示范性强。")


def test_N19_national_art19_sheet_page_asks_for_the_comments(client, office):
    edition, assignment = _national_sheet_scene()
    _confirm_points(edition, office)
    client.force_login(assignment.expert.user)
    url = reverse("reviews:sheet", args=[assignment.pk])
    data = {f"points-{pk}": v["points"] for pk, v in _all_items(assignment.edition_stage.score_sheet).items()}

    response = client.post(url, {**data, "comments": "", "action": "submit"})
    assert response.status_code == 400 and "第十九条" in response.content.decode()

    response = client.post(url, {**data, "comments": "资料翔实。", "action": "submit"})
    assert response.status_code == 302
    assert assignment.sheet.comments == "资料翔实。"


# --- item 12: a sheet belongs to the rulebooks that use it ----------------------------------------------------


@pytest.mark.parametrize(
    "sheet, schemes",
    [
        pytest.param(
            "gbt19580-2012-unit", ["linyi-mayor", "weihai-mayor", "zibo-leading"], id="W14-gbt19580-sheet-city-awards"
        ),
        pytest.param(
            "individual-quality-person", ["linyi-mayor", "weihai-mayor", "zibo-leading"], id="Z9a-individual-sheet"
        ),
        pytest.param(NATIONAL_SHEET, ["national-benchmark"], id="N8-national-art8-sheet-national-only"),
    ],
)
def test_score_sheet_applicability_is_data(sheet, schemes):
    template = ScoreSheetTemplate.objects.get(code=sheet)
    assert sorted(template.rulebooks.values_list("scheme__code", flat=True)) == schemes


def test_N8_national_sheet_refused_for_a_weihai_stage(office):
    edition = make_edition("weihai-mayor")
    with pytest.raises(ValidationError) as raised:
        edition_stage_create(
            edition=edition,
            stage=edition.rulebook.stages.get(kind="material_review"),
            opens=timezone.localdate(),
            sheets_due=timezone.localdate() + timedelta(days=5),
            experts_per_application=3,
            score_sheet=ScoreSheetTemplate.objects.get(code=NATIONAL_SHEET),
            by=office,
        )
    # Names the sheet and the rulebook, both from data.
    (message,) = raised.value.message_dict["score_sheet"]
    assert "全国质量标杆遴选评分表" in message and edition.rulebook.title in message
    assert not EditionStage.objects.filter(edition=edition).exists()


# --- Z22, W24, L24, N15: the undertaking of confidentiality and independence -------------------------------


UNDERTAKINGS = [
    pytest.param(
        "zibo-leading", "第二十二条", "依法保守商业或技术秘密", id="Z22-zibo-art22-undertaking-before-material"
    ),
    pytest.param(
        "weihai-mayor", "第二十四条", "依法保守商业和技术秘密", id="W24-weihai-art24-undertaking-before-material"
    ),
    pytest.param("linyi-mayor", "第二十四条", "商业或技术秘密", id="L24-linyi-art24-undertaking-before-material"),
    pytest.param("national-benchmark", "第十五条", "严格保守秘密", id="N15-national-art15-undertaking-before-material"),
]


@pytest.mark.parametrize("code, article, words", UNDERTAKINGS)
def test_undertaking_signed_before_the_material(client, unsigned, code, article, words):
    edition = make_edition(code)
    application = _application(edition, "material_review")
    stage = EditionStage.objects.create(
        edition=edition,
        stage=edition.rulebook.stages.get(kind="material_review"),
        opens=timezone.localdate(),
        sheets_due=timezone.localdate() + timedelta(days=10),
        score_sheet=three_criteria_sheet(),
    )
    expert = make_expert()
    assignment = Assignment.objects.create(
        edition_stage=stage, application=application, expert=expert, method="manual", assigned_by=UserFactory()
    )
    ConflictDeclaration.objects.create(assignment=assignment, decision=ConflictDecision.NO_CONFLICT)
    client.force_login(expert.user)
    undertaking_url = reverse("reviews:undertaking", args=[edition.pk])

    # The queue says so and links the page; the material and the sheet send the expert there; the service refuses.
    queue = client.get(reverse("reviews:queue")).content.decode()
    assert 'data-undertaking="pending"' in queue and undertaking_url in queue and article in queue
    for url in (reverse("reviews:application", args=[application.pk]), reverse("reviews:sheet", args=[assignment.pk])):
        response = client.get(url)
        assert (response.status_code, response.url) == (302, f"{undertaking_url}?next={url}")
    with pytest.raises(ValidationError, match=article):
        scoring.sheet_save(assignment=assignment, by=expert.user, scores={})

    page = client.get(undertaking_url).content.decode()
    assert words in page and article in page
    sheet_url = reverse("reviews:sheet", args=[assignment.pk])
    assert client.post(undertaking_url, {"agree": "yes", "next": sheet_url}).url == sheet_url

    signed = Undertaking.objects.get(edition=edition, user=expert.user)
    assert (signed.article, words in signed.text, signed.signed_at is not None) == (article, True, True)
    assert client.get(sheet_url).status_code == 200
    assert client.get(reverse("reviews:application", args=[application.pk])).status_code == 200
    with pytest.raises(ValidationError, match="already signed"), translation.override("en"):
        undertaking_sign(edition=edition, by=expert.user)


def test_Z22_zibo_art22_undertaking_page_outsiders(client, unsigned):
    edition = make_edition("zibo-leading")
    url = reverse("reviews:undertaking", args=[edition.pk])
    assert client.get(url).status_code == 302  # anonymous: to the login
    client.force_login(make_expert().user)  # an expert with no assignment in the edition
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(roles=[Role.APPLICANT]))
    assert client.get(url).status_code == 403
    with pytest.raises(PermissionDenied):
        undertaking_sign(edition=edition, by=UserFactory(roles=[Role.APPLICANT]))


def test_shandong_asks_for_no_undertaking():
    edition = make_edition("shandong-benchmark")
    assert not ReviewRules.objects.filter(rulebook=edition.rulebook).exclude(undertaking_text="").exists()


# --- L26, W25, Z16: the body that removes misbehaving review staff -------------------------------------------


@pytest.mark.parametrize(
    "code, body, article",
    [
        pytest.param(
            "linyi-mayor", "评审委", "第二十六条", id="L26-linyi-art26-removal-is-the-review-committees-decision"
        ),
        pytest.param("weihai-mayor", "市强市办", "第二十五条", id="W25-weihai-art25-removal-by-the-office"),
        pytest.param(
            "zibo-leading", "选树监督小组", "第二十一条", id="Z21-zibo-art21-removal-by-the-supervision-group"
        ),
    ],
)
def test_removal_recorded_as_the_decision_of_the_rulebooks_body(office, code, body, article):
    edition = make_edition(code)
    committee = form_committee(edition, size=3, office=office) if code == "linyi-mayor" else None
    expert = make_expert("违纪专家")

    record = expert_credit_record_add(
        expert=expert,
        kind=CreditRecordKind.MISCONDUCT_REMOVAL,
        note="评审中私下联系申报单位。",
        article="typed",
        edition=edition,
        by=office,
    )

    assert (record.decided_by, record.article, record.edition, record.committee) == (body, article, edition, committee)
    expert.refresh_from_db()
    assert expert.barred and not expert.available


def test_L26_linyi_art26_removal_refused_without_an_approved_committee(office):
    edition = make_edition("linyi-mayor")
    form_committee(edition, size=3, approve=False, office=office)
    expert = make_expert()

    with pytest.raises(ValidationError, match="第七条第（四）项"):
        expert_credit_record_add(
            expert=expert, kind=CreditRecordKind.MISCONDUCT_REMOVAL, note="x", edition=edition, by=office
        )
    expert.refresh_from_db()
    assert expert.available and not expert.barred


def test_L26_linyi_art26_removal_on_the_expert_page_names_the_body(client, office):
    edition = make_edition("linyi-mayor")
    form_committee(edition, size=3, office=office)
    expert = make_expert()
    client.force_login(office)

    response = client.post(
        reverse("reviews:expert_credit_add", args=[expert.pk]),
        {
            "credit-kind": CreditRecordKind.MISCONDUCT_REMOVAL,
            "credit-note": "泄露评审信息。",
            "credit-edition": edition.pk,
        },
    )

    assert response.status_code == 302
    record = expert.credit_records.get()
    assert (record.decided_by, record.article) == ("评审委", "第二十六条")
    assert "评审委" in client.get(reverse("reviews:expert_detail", args=[expert.pk])).content.decode()


# --- rows already held, re-cited here with their ids -----------------------------------------------------------


@pytest.mark.parametrize(
    "code, kind, article",
    [
        pytest.param("zibo-leading", "material_review", "第十六条", id="Z16-zibo-art16-material-review-stage"),
        pytest.param("linyi-mayor", "material_review", "第十五条第二款", id="L15b-linyi-art15-third-party-material"),
        pytest.param("national-benchmark", "formal_check", "第十八条", id="N18-national-art18-formal-check"),
        pytest.param("national-benchmark", "onsite_review", "第二十条", id="N20b-national-art20-site-visit"),
    ],
)
def test_review_stage_articles_are_data(code, kind, article):
    stage = Rulebook.objects.get(scheme__code=code).stages.get(kind=kind)
    assert article in stage.article
    if kind == "onsite_review" and code == "national-benchmark":
        assert stage.conditional
