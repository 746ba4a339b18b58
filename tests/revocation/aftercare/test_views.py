"""The aftercare pages: what each shows, who may open it (the outsider cases), and list pages whose query count
does not grow with their rows."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from reviews.enums import CreditRecordKind
from reviews.models import ExpertCreditRecord
from revocation.aftercare import services
from revocation.aftercare.enums import Attendance, EvaluationState, MemberKind
from revocation.aftercare.models import Evaluation, SupervisionMember, SupervisionOpinion
from revocation.models import RevocationCase
from tests.applications.conftest import pdf_bytes
from tests.decisions import make_edition, unit_winner
from tests.factories import UserFactory
from tests.reviews.conftest import make_expert
from tests.revocation.conftest import cites

from .conftest import due_in, make_group, people

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(zibo, office, sitting_group):
    """Zibo's holders, a round with a named evaluator, the sitting group with an opinion and a report, an event."""
    evaluator = UserFactory(roles=[Role.EXPERT])
    evaluation_round = services.evaluation_round_launch(
        scheme=zibo["edition"].scheme, title="2026年定期评估", report_due=due_in(10), evaluators=[evaluator], by=office
    )
    evaluation = evaluation_round.evaluations.get(application=zibo["unit"])
    services.evaluation_report_file(
        evaluation=evaluation,
        text="坚持依法经营。",
        uploaded=_pdf(),
        by=zibo["unit"].owner,
    )
    opinion = services.supervision_opinion_file(
        group=sitting_group["group"], text="建议公开评分细则。", by=sitting_group["account"]
    )
    expert = make_expert("周专家")
    report = services.misconduct_report_file(
        group=sitting_group["group"], expert=expert, text="接受宴请。", by=sitting_group["account"]
    )
    event = services.sharing_event_create(
        scheme=zibo["edition"].scheme,
        title="质量经验交流会",
        held_on=timezone.localdate() - timedelta(days=2),
        place="淄博市会展中心",
        by=office,
    )
    services.sharing_event_invite(event=event, applications=[zibo["unit"], zibo["person"]], by=office)
    return {
        **zibo,
        **sitting_group,
        "office": office,
        "evaluator": evaluator,
        "round": evaluation_round,
        "evaluation": evaluation,
        "other_evaluation": evaluation_round.evaluations.get(application=zibo["person"]),
        "opinion": opinion,
        "report": report,
        "expert": expert,
        "event": event,
        "invitation": event.invitations.get(application=zibo["unit"]),
    }


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("自评报告.pdf", pdf_bytes(), "application/pdf")


# --- who may open what ----------------------------------------------------------------------------------------

# (name, kwargs from the world, method). Every page, with its own object.
PAGES = {
    "mine": (lambda w: {}, "get"),
    "rounds": (lambda w: {}, "get"),
    "round": (lambda w: {"pk": w["round"].pk}, "get"),
    "report": (lambda w: {"pk": w["evaluation"].pk}, "get"),
    "assess": (lambda w: {"pk": w["evaluation"].pk}, "get"),
    "report_file": (lambda w: {"pk": w["evaluation"].pk}, "get"),
    "groups": (lambda w: {}, "get"),
    "group": (lambda w: {"edition_id": w["edition"].pk}, "get"),
    "member_add": (lambda w: {"edition_id": w["edition"].pk}, "post"),
    "member_remove": (lambda w: {"pk": w["member"].pk}, "post"),
    "group_confirm": (lambda w: {"edition_id": w["edition"].pk}, "post"),
    "group_dissolve": (lambda w: {"edition_id": w["edition"].pk}, "post"),
    "opinion_new": (lambda w: {"edition_id": w["edition"].pk}, "get"),
    "misconduct_new": (lambda w: {"edition_id": w["edition"].pk}, "get"),
    "opinion_answer": (lambda w: {"pk": w["opinion"].pk}, "post"),
    "misconduct_decide": (lambda w: {"pk": w["report"].pk}, "post"),
    "removals": (lambda w: {}, "get"),
    "events": (lambda w: {}, "get"),
    "event": (lambda w: {"pk": w["event"].pk}, "get"),
    "attendance": (lambda w: {"pk": w["invitation"].pk}, "post"),
    "holders": (lambda w: {}, "get"),
    "holder": (lambda w: {"application_id": w["unit"].pk}, "get"),
}


def _url(world, name):
    kwargs, _method = PAGES[name]
    return reverse(f"aftercare:{name}", kwargs=kwargs(world))


@pytest.mark.parametrize("name", sorted(PAGES))
def test_anonymous_sent_to_login(client, world, name):
    url = _url(world, name)
    response = getattr(client, PAGES[name][1])(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


# What a user of another role gets: 403 where the page belongs to a role they lack, 404 where the page is open to
# their role but the object is not theirs to see.
WRONG_ROLE = {
    "rounds": (Role.APPLICANT, 403),
    "round": (Role.EXPERT, 404),  # an expert not named on the round
    "report": (Role.OFFICE_STAFF, 403),
    "assess": (Role.APPLICANT, 404),
    "report_file": (Role.EXPERT, 404),
    "groups": (Role.SUPERVISOR, 403),
    "group": (Role.APPLICANT, 404),
    "member_add": (Role.SUPERVISOR, 403),
    "member_remove": (Role.SUPERVISOR, 403),
    "group_confirm": (Role.SUPERVISOR, 403),
    "group_dissolve": (Role.SUPERVISOR, 403),
    "opinion_new": (Role.OFFICE_STAFF, 403),
    "misconduct_new": (Role.APPLICANT, 403),
    "opinion_answer": (Role.SUPERVISOR, 403),
    "misconduct_decide": (Role.SUPERVISOR, 403),
    "removals": (Role.SUPERVISOR, 403),
    "events": (Role.APPLICANT, 403),
    "event": (Role.APPLICANT, 403),
    "attendance": (Role.EXPERT, 403),
    "holders": (Role.APPLICANT, 403),
    "holder": (Role.APPLICANT, 403),
}


def test_every_page_has_a_wrong_role_case():
    assert set(WRONG_ROLE) == set(PAGES) - {"mine"}


@pytest.mark.parametrize("name", sorted(WRONG_ROLE))
def test_wrong_role_refused(client, world, name):
    role, status = WRONG_ROLE[name]
    client.force_login(UserFactory(roles=[role]))
    response = getattr(client, PAGES[name][1])(_url(world, name))
    assert response.status_code == status


def test_mine_shows_nothing_of_others(client, world):
    client.force_login(UserFactory(roles=[Role.APPLICANT]))
    response = client.get(reverse("aftercare:mine"))
    assert response.status_code == 200
    assert response.context["evaluations"].count() == 0
    assert response.context["invitations"].count() == 0
    assert "淄博精密制造有限公司" not in response.content.decode()


# Someone else's object: the same role, another holder's evaluation, another edition's group, …
def test_other_holders_evaluation_is_404(client, world):
    client.force_login(world["person"].owner)
    for name in ("report", "report_file", "assess"):
        response = client.get(reverse(f"aftercare:{name}", kwargs={"pk": world["evaluation"].pk}))
        assert response.status_code == 404, name


def test_evaluator_of_other_round_is_404(client, world, office):
    other = services.evaluation_round_launch(
        scheme=world["edition"].scheme, title="另一轮", report_due=due_in(3), by=office
    )
    client.force_login(world["evaluator"])
    evaluation = other.evaluations.first()
    assert client.get(reverse("aftercare:round", kwargs={"pk": other.pk})).status_code == 404
    assert client.get(reverse("aftercare:assess", kwargs={"pk": evaluation.pk})).status_code == 404


def test_member_of_other_group_is_404(client, world):
    other = make_edition("zibo-leading", 2024)
    make_group(other, members=people("旧", 3), confirmed=True)
    client.force_login(world["account"])
    for name in ("group", "opinion_new", "misconduct_new"):
        assert client.get(reverse(f"aftercare:{name}", kwargs={"edition_id": other.pk})).status_code == 404, name


def test_supervisor_not_on_group_is_404(client, world):
    client.force_login(UserFactory(roles=[Role.SUPERVISOR]))
    for name in ("group", "opinion_new", "misconduct_new"):
        assert client.get(_url(world, name)).status_code == 404, name


def test_office_unknown_objects_are_404(client, world):
    client.force_login(world["office"])
    assert client.get(reverse("aftercare:round", kwargs={"pk": 999999})).status_code == 404
    assert client.get(reverse("aftercare:event", kwargs={"pk": 999999})).status_code == 404
    assert client.post(reverse("aftercare:opinion_answer", kwargs={"pk": 999999})).status_code == 404
    assert client.post(reverse("aftercare:misconduct_decide", kwargs={"pk": 999999})).status_code == 404
    assert client.post(reverse("aftercare:attendance", kwargs={"pk": 999999})).status_code == 404
    assert client.post(reverse("aftercare:member_remove", kwargs={"pk": 999999})).status_code == 404
    # an application that was never awarded has no holder page
    assert client.get(reverse("aftercare:holder", kwargs={"application_id": world["rejected"].pk})).status_code == 404
    # an edition without a group: no member to add, nothing to confirm
    bare = make_edition("zibo-leading", 2023)
    assert client.post(reverse("aftercare:group_confirm", kwargs={"edition_id": bare.pk})).status_code == 404


def test_named_evaluator_posting_evaluators_refused(client, world):
    client.force_login(world["evaluator"])
    response = client.post(reverse("aftercare:round", kwargs={"pk": world["round"].pk}), {"evaluators": []})
    assert response.status_code == 403
    assert list(world["round"].evaluators.all()) == [world["evaluator"]]


def test_member_posting_group_setup_refused(client, world):
    client.force_login(world["account"])
    assert client.post(_url(world, "group")).status_code == 403


# --- what the pages do ----------------------------------------------------------------------------------------


def test_office_launches_round_from_page(client, world):
    client.force_login(world["office"])
    response = client.post(
        reverse("aftercare:rounds"),
        {"scheme": world["edition"].scheme_id, "title": "2027年定期评估", "report_due": due_in(20).isoformat()},
    )
    launched = Evaluation.objects.filter(round__title="2027年定期评估")
    assert response.status_code == 302
    assert response["Location"] == reverse("aftercare:round", kwargs={"pk": launched.first().round_id})
    assert set(launched.values_list("application_id", flat=True)) == {world["unit"].pk, world["person"].pk}


def test_evaluator_sees_only_own_rounds(client, world, office):
    services.evaluation_round_launch(
        scheme=world["edition"].scheme, title="别人的轮次", report_due=due_in(3), by=office
    )
    client.force_login(world["evaluator"])
    response = client.get(reverse("aftercare:rounds"))
    assert [r.title for r in response.context["rows"]] == ["2026年定期评估"]
    assert response.context["form"] is None


def test_holder_files_self_report_from_page(client, world):
    evaluation = world["other_evaluation"]
    client.force_login(world["person"].owner)
    response = client.post(reverse("aftercare:report", kwargs={"pk": evaluation.pk}), {"text": "本人坚持质量改进。"})
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert (evaluation.state, evaluation.report_text) == (EvaluationState.REPORTED, "本人坚持质量改进。")


def test_holder_downloads_own_report_file(client, world):
    client.force_login(world["unit"].owner)
    response = client.get(_url(world, "report_file"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == pdf_bytes()


def test_evaluator_fails_holder_from_page_and_case_opens(client, world):
    client.force_login(world["evaluator"])
    data = {
        "lawful_operation_verdict": "pass",
        "lawful_operation_comment": "无违法记录。",
        "exemplary_role_verdict": "fail",
        "exemplary_role_comment": "拒不参加交流活动。",
        "continuous_improvement_verdict": "pass",
        "continuous_improvement_comment": "指标提升。",
    }
    response = client.post(_url(world, "assess"), data)
    assert response.status_code == 302
    evaluation = Evaluation.objects.get(pk=world["evaluation"].pk)
    case = RevocationCase.objects.get()
    assert (evaluation.state, evaluation.case) == (EvaluationState.FAILED, case)
    page = client.get(_url(world, "assess")).content.decode()
    assert case.reference in page
    assert 'id="assess-form"' not in page


def test_assess_page_shows_sharing_record(client, world, office):
    services.sharing_attendance_record(invitation=world["invitation"], attendance=Attendance.ABSENT, by=office)
    client.force_login(office)
    response = client.get(_url(world, "assess"))
    assert response.context["sharing"]["absent"] == 1
    assert 'data-absent="1"' in response.content.decode()


def test_group_page_office_sees_rotation_members_and_unanswered(client, world):
    client.force_login(world["office"])
    response = client.get(_url(world, "group"))
    page = response.content.decode()
    assert [m.full_name for m, _new in response.context["members"]] == ["钱记者", "赵律师"]
    assert [o.pk for o in response.context["unanswered"]] == [world["opinion"].pk]
    assert 'id="unanswered-count"' in page
    assert "建议公开评分细则。" in page
    assert "接受宴请。" in page


def test_group_page_member_sees_opinions_not_forms(client, world):
    client.force_login(world["account"])
    response = client.get(_url(world, "group"))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="opinion-link"' in page
    assert 'id="member-form"' not in page
    assert "opinion_answer" not in page and 'name="answer"' not in page
    # the member's portal account is the office's business
    assert world["account"].username not in page


def test_confirm_refused_on_page_shows_counts(client, world, office):
    old = people("老", 9)
    make_group(make_edition("zibo-leading", 2023), members=old, confirmed=True)
    edition = make_edition("zibo-leading", 2024)
    make_group(edition, members=old[:7] + people("新", 2), by=office)
    client.force_login(office)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("aftercare:group_confirm", kwargs={"edition_id": edition.pk}), follow=True)
    page = response.content.decode()
    assert [str(m) for m in response.context["messages"]] == [
        "第十二条: 2 of the previous edition's group's 9 members were replaced, at least 3 required "
        "(members added do not count as rotated)."
    ]
    rotation = response.context["rotation"]
    assert (rotation.replaced, rotation.previous_total, rotation.required, rotation.ok) == (2, 9, 3, False)
    assert 'data-replaced="2" data-previous="9" data-total="9" data-required="3" data-ok="false"' in page
    assert edition.supervision_group.confirmed_at is None


def test_office_sets_up_group_and_appoints_member(client, world, office):
    edition = make_edition("zibo-leading", 2026)
    client.force_login(office)
    url = reverse("aftercare:group", kwargs={"edition_id": edition.pk})
    assert client.post(url).status_code == 302
    response = client.post(
        reverse("aftercare:member_add", kwargs={"edition_id": edition.pk}),
        {"kind": MemberKind.CPPCC_MEMBER, "full_name": "李委员", "organisation_name": "市政协", "position": "委员"},
    )
    assert response.status_code == 302
    assert list(SupervisionMember.objects.filter(group__edition=edition).values_list("full_name", "kind")) == [
        ("李委员", MemberKind.CPPCC_MEMBER)
    ]


def test_member_files_opinion_from_page_and_office_answers(client, world, office):
    client.force_login(world["account"])
    response = client.post(_url(world, "opinion_new"), {"text": "现场评审时间过短。"})
    assert response.status_code == 302
    opinion = SupervisionOpinion.objects.get(text="现场评审时间过短。")
    client.force_login(office)
    client.post(reverse("aftercare:opinion_answer", kwargs={"pk": opinion.pk}), {"answer": "已延长至两天。"})
    opinion.refresh_from_db()
    assert (opinion.answer, opinion.answered_by) == ("已延长至两天。", office)


@cites("Z21-zibo-art21-group-removal-and-referral-recorded-from-the-page")
def test_office_removes_expert_from_page(client, world, office):
    client.force_login(office)
    client.post(_url(world, "misconduct_decide"), {"decision": "remove", "note": "查证属实。", "referred_to": "某大学"})
    assert ExpertCreditRecord.objects.get(expert=world["expert"]).kind == CreditRecordKind.MISCONDUCT_REMOVAL
    world["report"].refresh_from_db()
    assert (world["report"].decided_by_body, world["report"].referred_to) == ("选树监督小组", "某大学")
    page = client.get(reverse("aftercare:removals")).content.decode()
    assert "选树监督小组" in page and "第二十一条" in page and "某大学" in page


@cites("Z21-zibo-art21-removal-without-referral-shows-the-error")
def test_office_removal_without_referral_flashes_the_reason(client, world, office):
    client.force_login(office)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(_url(world, "misconduct_decide"), {"decision": "remove", "note": "查证属实。"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "A removal is referred to the person's competent department or employer: name it."
    ]
    assert not ExpertCreditRecord.objects.filter(expert=world["expert"]).exists()


@pytest.mark.parametrize(
    ("code", "body", "article"),
    [
        pytest.param(
            "linyi-mayor", "评审委", "第二十六条", id="L26-linyi-art26-committee-removal-recorded-on-the-page"
        ),
        pytest.param(
            "weihai-mayor", "市强市办", "第二十五条", id="W25-weihai-art25-office-removal-recorded-on-the-page"
        ),
    ],
)
def test_office_records_a_removal_on_the_removals_page(client, office, code, body, article):
    edition = make_edition(code, 2025)
    expert = make_expert("陈专家")
    client.force_login(office)
    page = client.get(reverse("aftercare:removals"))
    assert [e.pk for e in page.context["form"].fields["edition"].queryset] == [edition.pk]  # no Zibo edition
    response = client.post(
        reverse("aftercare:removals"),
        {
            "edition": edition.pk,
            "staff_kind": "expert",
            "expert": expert.pk,
            "text": "评审中徇私舞弊。",
            "note": "查证属实。",
            "referred_to": "某研究院",
        },
    )
    assert response.status_code == 302
    record = ExpertCreditRecord.objects.get(expert=expert)
    assert (record.kind, record.article) == (CreditRecordKind.MISCONDUCT_REMOVAL, article)
    body_html = client.get(reverse("aftercare:removals")).content.decode()
    assert body in body_html and article in body_html and "某研究院" in body_html


def test_removals_page_query_count_constant(client, world, office):
    client.force_login(office)
    url = reverse("aftercare:removals")
    few = _queries(client, url)
    edition = make_edition("weihai-mayor", 2025)
    for i in range(30):
        services.staff_removal_record(
            edition=edition,
            staff_kind="agency_staff",
            staff_name=f"人员{i}",
            text="x",
            note="y",
            referred_to="某机构",
            by=office,
        )
    assert _queries(client, url) == few


def test_dissolved_group_page_hides_filing(client, world, office):
    services.supervision_group_dissolve(group=world["group"], on=timezone.localdate(), by=office)
    client.force_login(world["account"])
    page = client.get(_url(world, "group")).content.decode()
    assert 'id="opinion-link"' not in page
    response = client.post(_url(world, "opinion_new"), {"text": "解散后的意见"})
    assert response.status_code == 200
    assert not SupervisionOpinion.objects.filter(text="解散后的意见").exists()


def test_office_records_attendance_from_page(client, world, office):
    client.force_login(office)
    client.post(_url(world, "attendance"), {"attendance": Attendance.EXCUSED, "excuse": "设备检修"})
    world["invitation"].refresh_from_db()
    assert (world["invitation"].attendance, world["invitation"].excuse) == (Attendance.EXCUSED, "设备检修")


def test_holder_page_shows_sharing_record(client, world, office):
    services.sharing_attendance_record(invitation=world["invitation"], attendance=Attendance.ABSENT, by=office)
    client.force_login(office)
    response = client.get(_url(world, "holder"))
    assert response.context["sharing"]["invited"] == 1
    assert response.context["sharing"]["absent"] == 1
    assert 'data-invited="1" data-absent="1"' in response.content.decode()


def test_mine_shows_holders_obligations(client, world):
    client.force_login(world["unit"].owner)
    response = client.get(reverse("aftercare:mine"))
    assert [e.pk for e in response.context["evaluations"]] == [world["evaluation"].pk]
    assert [i.pk for i in response.context["invitations"]] == [world["invitation"].pk]
    page = response.content.decode()
    assert "2026年定期评估" in page and "质量经验交流会" in page


def test_mine_shows_members_group_and_evaluators_round(client, world):
    client.force_login(world["account"])
    assert [m.pk for m in client.get(reverse("aftercare:mine")).context["memberships"]] == [world["member"].pk]
    client.force_login(world["evaluator"])
    assert [r.pk for r in client.get(reverse("aftercare:mine")).context["evaluator_rounds"]] == [world["round"].pk]


# --- query counts: one row or many, the same number of queries -----------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def _more_holders(edition, count):
    return [unit_winner(edition, name=f"淄博扩展企业{i}") for i in range(count)]


def test_round_pages_query_count_constant(client, zibo, office):
    client.force_login(office)
    first = services.evaluation_round_launch(scheme=zibo["edition"].scheme, title="一", report_due=due_in(5), by=office)
    few_list = _queries(client, reverse("aftercare:rounds"))
    few_detail = _queries(client, reverse("aftercare:round", kwargs={"pk": first.pk}))
    _more_holders(zibo["edition"], 6)
    for i in range(5):
        services.evaluation_round_launch(scheme=zibo["edition"].scheme, title=f"轮{i}", report_due=due_in(5), by=office)
    many = services.evaluation_round_launch(scheme=zibo["edition"].scheme, title="多", report_due=due_in(5), by=office)
    for evaluation in many.evaluations.all()[:3]:
        services.evaluation_report_file(evaluation=evaluation, text="自评", by=evaluation.application.owner)
    assert _queries(client, reverse("aftercare:rounds")) == few_list
    assert _queries(client, reverse("aftercare:round", kwargs={"pk": many.pk})) == few_detail


def test_group_pages_query_count_constant(client, world, office):
    client.force_login(office)
    url = _url(world, "group")
    previous = make_group(make_edition("zibo-leading", 2024), members=people("旧", 1), confirmed=True)
    few_group = _queries(client, url)
    few_list = _queries(client, reverse("aftercare:groups"))
    for year in (2021, 2022, 2023):
        make_group(make_edition("zibo-leading", year), members=people(f"旧{year}", 4), confirmed=True)
    SupervisionMember.objects.bulk_create(
        SupervisionMember(group=previous, kind=MemberKind.DEPUTY, full_name=f"代表{i}", organisation_name="市人大")
        for i in range(5)
    )
    group = world["group"]
    for i in range(6):
        SupervisionMember.objects.create(
            group=group, kind=MemberKind.OFFICIAL, full_name=f"官员{i}", organisation_name="市政府"
        )
        services.supervision_opinion_file(group=group, text=f"意见{i}", by=world["account"])
        services.misconduct_report_file(group=group, expert=make_expert(f"专家{i}"), text="x", by=world["account"])
    services.supervision_opinion_answer(opinion=world["opinion"], answer="已答", by=office)
    assert _queries(client, url) == few_group
    assert _queries(client, reverse("aftercare:groups")) == few_list


def test_event_pages_query_count_constant(client, world, office):
    client.force_login(office)
    few_list = _queries(client, reverse("aftercare:events"))
    few_detail = _queries(client, _url(world, "event"))
    holders = _more_holders(world["edition"], 6)
    services.sharing_event_invite(event=world["event"], applications=holders, by=office)
    for invitation in world["event"].invitations.all()[:4]:
        services.sharing_attendance_record(invitation=invitation, attendance=Attendance.ATTENDED, by=office)
    for i in range(5):
        services.sharing_event_create(
            scheme=world["edition"].scheme, title=f"交流会{i}", held_on=due_in(i), place="会场", by=office
        )
    assert _queries(client, reverse("aftercare:events")) == few_list
    assert _queries(client, _url(world, "event")) == few_detail


def test_holder_pages_query_count_constant(client, world, office):
    client.force_login(office)
    few_list = _queries(client, reverse("aftercare:holders"))
    few_holder = _queries(client, _url(world, "holder"))
    holders = _more_holders(world["edition"], 6)
    for i in range(4):
        event = services.sharing_event_create(
            scheme=world["edition"].scheme, title=f"交流会{i}", held_on=due_in(-i - 5), place="会场", by=office
        )
        services.sharing_event_invite(event=event, applications=[world["unit"], *holders], by=office)
    services.evaluation_round_launch(scheme=world["edition"].scheme, title="再评", report_due=due_in(5), by=office)
    assert _queries(client, reverse("aftercare:holders")) == few_list
    assert _queries(client, _url(world, "holder")) == few_holder


def test_mine_query_count_constant(client, world, office):
    client.force_login(world["unit"].owner)
    few = _queries(client, reverse("aftercare:mine"))
    for i in range(4):
        services.evaluation_round_launch(
            scheme=world["edition"].scheme, title=f"轮{i}", report_due=due_in(5), by=office
        )
        event = services.sharing_event_create(
            scheme=world["edition"].scheme, title=f"交流会{i}", held_on=due_in(-i - 5), place="会场", by=office
        )
        services.sharing_event_invite(event=event, applications=[world["unit"]], by=office)
    assert _queries(client, reverse("aftercare:mine")) == few


def test_form_pages_render_for_their_users(client, world):
    client.force_login(world["person"].owner)
    page = client.get(reverse("aftercare:report", kwargs={"pk": world["other_evaluation"].pk})).content.decode()
    assert 'id="report-form"' in page
    client.force_login(world["evaluator"])
    page = client.get(_url(world, "assess")).content.decode()
    assert 'id="assess-form"' in page
    assert page.count('data-criterion="') == 3
    client.force_login(world["account"])
    assert 'id="opinion-form"' in client.get(_url(world, "opinion_new")).content.decode()
    assert 'id="misconduct-form"' in client.get(_url(world, "misconduct_new")).content.decode()


def test_groups_list_shows_editions_without_group(client, world, office):
    bare = make_edition("zibo-leading", 2023)
    client.force_login(office)
    response = client.get(reverse("aftercare:groups"))
    rows = {edition.pk: edition for edition in response.context["rows"]}
    assert rows[bare.pk].member_count == 0
    assert rows[world["edition"].pk].member_count == 2
    assert rows[world["edition"].pk].unanswered_count == 1
    page = response.content.decode()
    assert f'data-edition="{bare.pk}"' in page
    assert 'id="no-group"' in client.get(reverse("aftercare:group", kwargs={"edition_id": bare.pk})).content.decode()
