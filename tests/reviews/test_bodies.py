"""Review bodies per edition (issue 4, item 2): Linyi's committee of an odd size (art. 9), the national committee's
one chair and one or two vice chairs (art. 13) and its specialty groups with one leader each (art. 14)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.enums import AuditAction, AuditResult, Role
from accounts.models import AuditEvent
from awards.enums import EditionStatus
from awards.models import Rulebook
from reviews import bodies, services
from reviews.enums import CreditRecordKind, MemberRole, ReviewBodyKind
from reviews.models import ReviewBody, ReviewBodyMember
from tests.applications.conftest import make_edition
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CHAIR, VICE, MEMBER, LEADER = MemberRole.CHAIR, MemberRole.VICE_CHAIR, MemberRole.MEMBER, MemberRole.LEADER


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def office(make_user):
    return make_user(Role.OFFICE_STAFF)


@pytest.fixture
def linyi_edition(db):
    # The Linyi rulebook is in force 2017-09-01..2022-08-31; the services do not need the edition open.
    return make_edition(
        "linyi-mayor",
        year=2019,
        status=EditionStatus.FINISHED,
        opens=date(2019, 3, 1),
        closes=date(2019, 4, 30),
        recommend=date(2019, 5, 31),
    )


@pytest.fixture
def national_edition(db):
    return make_edition(
        "national-benchmark",
        year=2022,
        status=EditionStatus.DRAFT,
        opens=date(2022, 5, 1),
        closes=date(2022, 6, 30),
        recommend=date(2022, 7, 15),
    )


@pytest.fixture
def make_expert(office):
    def make(name: str = "专家"):
        return services.expert_register(user=UserFactory(), full_name=name, employer_name="山东某大学", by=office)

    return make


@pytest.fixture
def make_body(office, make_expert):
    def make(edition, roles=(), *, kind=ReviewBodyKind.REVIEW_COMMITTEE, name="评审委员会"):
        body = bodies.body_create(edition=edition, kind=kind, name=name, by=office)
        for i, role in enumerate(roles):
            bodies.body_member_add(body=body, expert=make_expert(f"专家{i}"), role=role, by=office)
        return body

    return make


def refusals(actor):
    return AuditEvent.objects.filter(
        action=AuditAction.PERMISSION_REFUSED, result=AuditResult.REFUSED, actor=actor
    ).count()


# --- the rules as data --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        pytest.param(
            "linyi-mayor", (True, 1, 1, None, "第九条", ""), id="L9-linyi-art9-odd-1-chair-vice-chairs-several"
        ),
        pytest.param(
            "national-benchmark",
            (False, 1, 1, 2, "第十三条", "第十四条"),
            id="N13-national-art13-1-chair-1to2-vice-art14",
        ),
        pytest.param("weihai-mayor", (False, 1, None, None, "", ""), id="weihai-art14-review-group-defaults"),
        pytest.param("zibo-leading", (False, 1, None, None, "", ""), id="zibo-no-committee-defaults"),
    ],
)
def test_rulebook_committee_rules_are_data(code, expected):
    rulebook = Rulebook.objects.get(scheme__code=code)
    assert (
        rulebook.committee_size_odd,
        rulebook.committee_chairs,
        rulebook.committee_vice_chairs_min,
        rulebook.committee_vice_chairs_max,
        rulebook.committee_article,
        rulebook.group_article,
    ) == expected


# --- Linyi art. 9: an odd number in total -------------------------------------------------------------------


def test_body_confirm_linyi_committee_of_6_refused_art9(make_body, linyi_edition, office):
    body = make_body(linyi_edition, [CHAIR, VICE, VICE, MEMBER, MEMBER, MEMBER])

    with pytest.raises(ValidationError) as refused:
        bodies.body_confirm(body=body, by=office)

    assert refused.value.messages == [
        "临沂市市长质量奖 第九条: the review committee must have an odd number of members; it has 6."
    ]
    body.refresh_from_db()
    assert (body.confirmed_at, body.confirmed_by) == (None, None)


def test_body_confirm_linyi_committee_of_7_confirmed_art9(make_body, linyi_edition, office):
    body = make_body(linyi_edition, [CHAIR, VICE, VICE, MEMBER, MEMBER, MEMBER, MEMBER])

    bodies.body_confirm(body=body, by=office)

    body.refresh_from_db()
    assert body.confirmed_by == office
    assert body.confirmed_at is not None
    audit = AuditEvent.objects.get(action=AuditAction.STATE_CHANGE, object_type="reviews.ReviewBody")
    assert (audit.actor, audit.object_id, audit.detail) == (office, str(body.pk), "confirmed with 7 members")


def test_body_confirm_linyi_committee_without_vice_chair_refused_art9(make_body, linyi_edition, office):
    body = make_body(linyi_edition, [CHAIR, MEMBER, MEMBER])

    with pytest.raises(ValidationError) as refused:
        bodies.body_confirm(body=body, by=office)

    assert refused.value.messages == [
        "临沂市市长质量奖 第九条: the review committee must have at least 1 vice chair(s); it has 0."
    ]


def test_body_composition_problems_lists_every_problem(make_body, linyi_edition):
    body = make_body(linyi_edition, [MEMBER, MEMBER])

    assert bodies.body_composition_problems(body) == [
        "临沂市市长质量奖 第九条: the review committee must have 1 chair(s); it has 0.",
        "临沂市市长质量奖 第九条: the review committee must have at least 1 vice chair(s); it has 0.",
        "临沂市市长质量奖 第九条: the review committee must have an odd number of members; it has 2.",
    ]


# --- national art. 13–14: one chair, one or two vice chairs; one leader per specialty group --------------------


@pytest.mark.parametrize(
    ("roles", "problems"),
    [
        pytest.param(
            [CHAIR, MEMBER, MEMBER],
            ["全国质量标杆 第十三条: the review committee must have 1 to 2 vice chairs; it has 0."],
            id="N13-national-art13-0-vice-chairs-refused",
        ),
        pytest.param([CHAIR, VICE, MEMBER], [], id="N13-national-art13-1-vice-chair-accepted"),
        pytest.param([CHAIR, VICE, VICE, MEMBER], [], id="N13-national-art13-2-vice-chairs-accepted-even-size"),
        pytest.param(
            [CHAIR, VICE, VICE, VICE, MEMBER],
            ["全国质量标杆 第十三条: the review committee must have 1 to 2 vice chairs; it has 3."],
            id="N13-national-art13-3-vice-chairs-refused",
        ),
        pytest.param(
            [CHAIR, CHAIR, VICE, MEMBER],
            ["全国质量标杆 第十三条: the review committee must have 1 chair(s); it has 2."],
            id="N13-national-art13-2-chairs-refused",
        ),
    ],
)
def test_body_confirm_national_committee(make_body, national_edition, office, roles, problems):
    body = make_body(national_edition, roles)

    if problems:
        with pytest.raises(ValidationError) as refused:
            bodies.body_confirm(body=body, by=office)
        assert refused.value.messages == problems
        body.refresh_from_db()
        assert body.confirmed_at is None
    else:
        bodies.body_confirm(body=body, by=office)
        body.refresh_from_db()
        assert (body.confirmed_by, body.confirmed_at is not None) == (office, True)


@pytest.mark.parametrize(
    ("roles", "problems"),
    [
        pytest.param(
            [MEMBER, MEMBER],
            ["全国质量标杆 第十四条: a specialty group must have exactly one leader; it has 0."],
            id="N14-national-art14-no-leader-refused",
        ),
        pytest.param(
            [LEADER, LEADER, MEMBER],
            ["全国质量标杆 第十四条: a specialty group must have exactly one leader; it has 2."],
            id="N14-national-art14-two-leaders-refused",
        ),
        pytest.param([LEADER, MEMBER, MEMBER], [], id="N14-national-art14-one-leader-accepted"),
    ],
)
def test_body_confirm_national_specialty_group(make_body, national_edition, office, roles, problems):
    body = make_body(national_edition, roles, kind=ReviewBodyKind.SPECIALTY_GROUP, name="智能制造专业组")

    assert bodies.body_composition_problems(body) == problems
    if problems:
        with pytest.raises(ValidationError):
            bodies.body_confirm(body=body, by=office)
    else:
        bodies.body_confirm(body=body, by=office)
        assert body.confirmed_by == office


def test_body_composition_problems_review_group_without_article_cites_rulebook(make_body, office):
    edition = make_edition("weihai-mayor", status=EditionStatus.DRAFT)
    body = make_body(edition, [MEMBER], kind=ReviewBodyKind.REVIEW_GROUP, name="评审组")

    rulebook = edition.rulebook
    assert bodies.body_composition_problems(body) == [
        f"威海市市长质量奖 {rulebook}: a review group must have exactly one leader; it has 0."
    ]


# --- members --------------------------------------------------------------------------------------------------


def test_body_member_add_records_member_and_audit(make_body, make_expert, linyi_edition, office):
    body = make_body(linyi_edition)
    expert = make_expert("李专家")

    member = bodies.body_member_add(body=body, expert=expert, role=CHAIR, by=office)

    assert list(body.members.values_list("expert__full_name", "role")) == [("李专家", "chair")]
    audit = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="reviews.ReviewBodyMember")
    assert (audit.actor, audit.object_id) == (office, str(member.pk))


def test_body_member_add_same_expert_twice_refused(make_body, make_expert, linyi_edition, office):
    body = make_body(linyi_edition)
    expert = make_expert("李专家")
    bodies.body_member_add(body=body, expert=expert, role=MEMBER, by=office)

    with pytest.raises(ValidationError) as refused:
        bodies.body_member_add(body=body, expert=expert, role=VICE, by=office)

    assert refused.value.messages == ["李专家 is already a member of 评审委员会."]
    assert ReviewBodyMember.objects.filter(body=body).count() == 1


@pytest.mark.parametrize(
    ("kind", "role"),
    [
        pytest.param(ReviewBodyKind.REVIEW_COMMITTEE, LEADER, id="committee-has-no-leader"),
        pytest.param(ReviewBodyKind.SPECIALTY_GROUP, CHAIR, id="group-has-no-chair"),
        pytest.param(ReviewBodyKind.REVIEW_GROUP, VICE, id="group-has-no-vice-chair"),
    ],
)
def test_body_member_add_role_the_body_lacks_refused(make_body, make_expert, national_edition, office, kind, role):
    body = make_body(national_edition, kind=kind, name="机构")

    with pytest.raises(ValidationError) as refused:
        bodies.body_member_add(body=body, expert=make_expert(), role=role, by=office)

    assert refused.value.messages == [f"A body of the kind {kind.label} has no role {role.label}."]
    assert not body.members.exists()


def test_body_member_add_barred_expert_refused(make_body, make_expert, linyi_edition, office):
    body = make_body(linyi_edition)
    expert = make_expert("王专家")
    services.expert_credit_record_add(
        expert=expert, kind=CreditRecordKind.MISCONDUCT_REMOVAL, note="泄露评审信息", article="第二十六条", by=office
    )

    with pytest.raises(ValidationError) as refused:
        bodies.body_member_add(body=body, expert=expert, role=MEMBER, by=office)

    assert refused.value.messages == ["王专家 was removed from review work and may not be engaged again."]
    assert not body.members.exists()


def test_body_member_add_unavailable_expert_refused(make_body, make_expert, linyi_edition, office):
    body = make_body(linyi_edition)
    expert = make_expert("赵专家")
    expert.available = False
    expert.save(update_fields=["available"])

    with pytest.raises(ValidationError) as refused:
        bodies.body_member_add(body=body, expert=expert, role=MEMBER, by=office)

    assert refused.value.messages == ["赵专家 is marked unavailable."]


def test_body_member_change_withdraws_confirmation(make_body, make_expert, linyi_edition, office):
    body = make_body(linyi_edition, [CHAIR, VICE, MEMBER])
    bodies.body_confirm(body=body, by=office)
    newcomer = make_expert("新专家")

    bodies.body_member_add(body=body, expert=newcomer, role=MEMBER, by=office)

    body.refresh_from_db()
    assert (body.confirmed_at, body.confirmed_by) == (None, None)
    assert bodies.body_composition_problems(body) == [
        "临沂市市长质量奖 第九条: the review committee must have an odd number of members; it has 4."
    ]
    bodies.body_member_remove(body=body, expert=newcomer, by=office)
    bodies.body_confirm(body=body, by=office)
    body.refresh_from_db()
    assert body.confirmed_by == office
    withdrawn = AuditEvent.objects.filter(
        action=AuditAction.STATE_CHANGE, detail="confirmation withdrawn: members changed", object_id=str(body.pk)
    )
    assert withdrawn.count() == 1


def test_body_member_remove_deletes_and_audits(make_body, make_expert, linyi_edition, office):
    body = make_body(linyi_edition)
    expert = make_expert("钱专家")
    bodies.body_member_add(body=body, expert=expert, role=MEMBER, by=office)

    bodies.body_member_remove(body=body, expert=expert, by=office)

    assert not body.members.exists()
    audit = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="reviews.ReviewBody")
    assert (audit.actor, audit.detail) == (office, f"member removed: expert {expert.pk} (member)")
    with pytest.raises(ValidationError):
        bodies.body_member_remove(body=body, expert=expert, by=office)


def test_body_confirm_twice_refused(make_body, linyi_edition, office):
    body = make_body(linyi_edition, [CHAIR, VICE, MEMBER])
    bodies.body_confirm(body=body, by=office)

    with pytest.raises(ValidationError) as refused:
        bodies.body_confirm(body=body, by=office)

    assert refused.value.messages == ["评审委员会 is already confirmed."]


# --- who may: office staff only; a refusal is audited and its audit row survives ---------------------------------


@pytest.mark.parametrize("role", [Role.EXPERT, Role.APPLICANT, Role.DISTRICT_COORDINATOR, Role.AUDITOR])
def test_body_services_wrong_role_refused_and_audited(make_user, make_body, make_expert, linyi_edition, role):
    outsider = make_user(role)
    body = make_body(linyi_edition, [CHAIR, VICE, MEMBER])
    expert = make_expert()
    seated = body.members.first().expert

    calls = [
        lambda: bodies.body_create(edition=linyi_edition, kind=ReviewBodyKind.REVIEW_GROUP, name="另一组", by=outsider),
        lambda: bodies.body_member_add(body=body, expert=expert, role=MEMBER, by=outsider),
        lambda: bodies.body_member_remove(body=body, expert=seated, by=outsider),
        lambda: bodies.body_confirm(body=body, by=outsider),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()

    # Each refusal's audit row was written outside the service's transaction, so the refusal did not roll it back.
    assert refusals(outsider) == 4
    assert ReviewBody.objects.count() == 1
    assert body.members.count() == 3
    body.refresh_from_db()
    assert body.confirmed_at is None


def test_body_create_by_office_audited(office, linyi_edition):
    body = bodies.body_create(
        edition=linyi_edition, kind=ReviewBodyKind.REVIEW_COMMITTEE, name=" 评审委员会 ", field="", by=office
    )

    assert (body.edition, body.kind, body.name, body.confirmed_at) == (
        linyi_edition,
        "review_committee",
        "评审委员会",
        None,
    )
    audit = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="reviews.ReviewBody")
    assert (audit.actor, audit.object_id) == (office, str(body.pk))
    with pytest.raises(ValidationError) as refused:
        bodies.body_create(edition=linyi_edition, kind=ReviewBodyKind.REVIEW_GROUP, name="评审委员会", by=office)
    assert refused.value.messages == ["This edition already has a review body named 评审委员会."]


# --- admin ------------------------------------------------------------------------------------------------------


def test_review_body_changelist_query_count_constant_and_shows_problems(make_body, linyi_edition, client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    make_body(linyi_edition, [CHAIR, VICE, MEMBER], name="委员会甲")

    def load() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("admin:reviews_reviewbody_changelist"))
        assert response.status_code == 200
        return len(queries), response.content.decode()

    one, content = load()
    make_body(linyi_edition, [CHAIR, VICE, VICE, MEMBER], name="委员会乙")
    make_body(linyi_edition, [MEMBER], kind=ReviewBodyKind.REVIEW_GROUP, name="评审组")
    three, content = load()
    assert three == one
    assert "委员会甲" in content and "委员会乙" in content
    assert content.count("第九条") == 1  # only 委员会乙 (4 members) breaks art. 9


def test_review_body_change_page_loads_for_superuser(make_body, linyi_edition, client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    body = make_body(linyi_edition, [CHAIR, VICE, MEMBER])

    response = client.get(reverse("admin:reviews_reviewbody_change", args=[body.pk]))

    assert response.status_code == 200
    assert "专家0" in response.content.decode()
