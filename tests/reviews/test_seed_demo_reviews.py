"""The demo data of the review phase that `make run` loads: every role has something to do."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import AuditEvent, User
from applications.enums import ApplicationState
from applications.models import Application
from reviews import scoring
from reviews.models import (
    Assignment,
    DepartmentSignOff,
    EditionStage,
    ExpertProfile,
    GateRecord,
    ScoreSheet,
    SiteVisit,
)

pytestmark = pytest.mark.django_db

S = ApplicationState


def _seed():
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo_decisions", stdout=io.StringIO())
    call_command("seed_demo_reviews", stdout=io.StringIO())


def _counts():
    return {
        "applications": Application.objects.count(),
        "experts": ExpertProfile.objects.count(),
        "stages": EditionStage.objects.count(),
        "assignments": Assignment.objects.count(),
        "sheets": ScoreSheet.objects.count(),
        "gates": GateRecord.objects.count(),
        "sign_offs": DepartmentSignOff.objects.count(),
        "visits": SiteVisit.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def test_seed_demo_reviews_twice_gives_every_phase_and_every_role_work(db):
    # A seeding takes about ten seconds: one serves the checks of the phases and of the roles' work.
    _seed()
    before = _counts()
    call_command("seed_demo_reviews", stdout=io.StringIO())
    assert _counts() == before
    assert before["assignments"] == 15  # 4 applications × 3 at the material review, 1 × 3 on site
    _every_phase_has_an_application()
    _other_roles_have_work_waiting()


def test_seed_demo_reviews_without_seed_demo_says_so(db):
    out = io.StringIO()
    call_command("seed_demo_reviews", stdout=out)
    assert "seed_demo" in out.getvalue()
    assert ExpertProfile.objects.count() == 0


def test_seed_demo_reviews_gives_a_pool_and_demo_expert_a_sheet_to_fill_in(db):
    _seed()
    _the_pool_has_six_experts_with_chinese_profiles()
    _demo_expert_has_live_assignments_and_a_sheet_to_fill_in_an_open_stage()


def _every_phase_has_an_application():
    year = timezone.localdate().year
    phases = {
        (number, state, stage)
        for number, state, stage in Application.objects.values_list("number", "state", "current_stage__kind")
    }
    assert {
        (f"WH-{year}-0001", S.SUBMITTED, None),
        (f"WH-{year}-0002", S.RECOMMENDED, None),
        (f"WH-{year}-0003", S.IN_REVIEW, "public_opinion"),
        (f"WH-{year}-0004", S.IN_REVIEW, "qualification_check"),
        (f"WH-{year}-0005", S.IN_REVIEW, "material_review"),
        (f"WH-{year}-0006", S.IN_REVIEW, "material_review"),
        (f"WH-{year}-0007", S.IN_REVIEW, "material_review"),
        (f"WH-{year}-0008", S.IN_REVIEW, "onsite_review"),
        (f"WH-{year - 1}-0001", S.CANDIDATE, "public_notice"),
        (f"WH-{year - 1}-0002", S.CANDIDATE, "public_notice"),
        ("SD-2021-0001", S.APPROVED, "announcement"),
        ("SD-2021-0002", S.APPROVED, "announcement"),
        ("LY-2021-0001", S.AWARDED, "announcement"),
    } <= phases
    assert {state for _n, state, _s in phases} >= {
        S.SUBMITTED,
        S.RECOMMENDED,
        S.IN_REVIEW,
        S.CANDIDATE,
        S.IN_NOTICE,
        S.APPROVED,
        S.AWARDED,
    }


def _the_pool_has_six_experts_with_chinese_profiles():
    experts = list(ExpertProfile.objects.select_related("user").order_by("user__username"))
    assert len(experts) >= 5
    for expert in experts:
        assert expert.user.groups.filter(name="expert").exists()
        assert expert.full_name and expert.title and expert.employer_name and expert.fields and expert.industries
        assert all("\u4e00" <= char <= "\u9fff" for char in expert.full_name)
    assert ExpertProfile.objects.get(user__username="demo-expert").full_name == "张明远"


def _demo_expert_has_live_assignments_and_a_sheet_to_fill_in_an_open_stage():
    today = timezone.localdate()
    expert = ExpertProfile.objects.get(user__username="demo-expert")
    live = Assignment.objects.filter(expert=expert, withdrawn_at__isnull=True).select_related(
        "edition_stage__stage", "application"
    )
    material = [a for a in live if a.edition_stage.stage.kind == "material_review"]
    year = today.year
    assert sorted(a.application.number for a in material) == [f"WH-{year}-000{i}" for i in (5, 6, 7, 8)]
    stage = material[0].edition_stage
    assert (stage.closed_at, stage.opens <= today <= stage.sheets_due) == (None, True)
    open_sheets = [
        a for a in material if a.application.state == S.IN_REVIEW and a.application.current_stage_id == stage.stage_id
    ]
    declared = [a for a in open_sheets if hasattr(a, "declaration")]
    undeclared = [a for a in open_sheets if not hasattr(a, "declaration")]
    assert (len(declared), len(undeclared)) == (1, 2)
    window = scoring.sheet_window(assignment=declared[0])
    assert (window.can_save, window.can_submit) == (True, True)
    assert ScoreSheet.objects.get(assignment=declared[0]).state == "draft"


def _other_roles_have_work_waiting():
    year = timezone.localdate().year
    at_check = Application.objects.get(number=f"WH-{year}-0004")
    signed = set(DepartmentSignOff.objects.filter(application=at_check).values_list("department", flat=True))
    assert signed == {"市工业和信息化局"}  # 市发展改革委 (demo-qualification) and 市市场监督管理局 still to sign
    visit = SiteVisit.objects.get(application__number=f"WH-{year}-0008")
    assert visit.scheduled_on > timezone.localdate()
    assert visit.team.count() == 3
    coordinator = User.objects.get(username="demo-coordinator")
    assert coordinator.has_perm(
        "accounts.recommend_in_district", Application.objects.get(number=f"WH-{year}-0001").recommender
    )
