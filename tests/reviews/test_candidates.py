"""The ranking of an edition's candidates and the proposed candidate list within each scheme's quotas."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from accounts.enums import AuditAction, AuditResult, Role
from accounts.models import AuditEvent, District
from applications.models import Application, IndividualProfile
from awards.models import Quota, Stage
from reviews import candidates
from reviews.models import Assignment, CandidateProposal, ConsensusRecord, EditionStage, ScoreSheet
from tests.applications.conftest import make_edition, make_unit_applicant
from tests.factories import UserFactory
from tests.reviews.conftest import make_expert, three_criteria_sheet

pytestmark = pytest.mark.django_db

# Dates inside each rulebook's validity window.
EDITIONS = {
    "weihai-mayor": {
        "year": 2025,
        "opens": date(2025, 3, 1),
        "closes": date(2025, 4, 1),
        "recommend": date(2025, 5, 1),
    },
    "linyi-mayor": {"year": 2019, "opens": date(2019, 3, 1), "closes": date(2019, 4, 1), "recommend": date(2019, 5, 1)},
    "zibo-leading": {
        "year": 2023,
        "opens": date(2023, 3, 1),
        "closes": date(2023, 4, 1),
        "recommend": date(2023, 5, 1),
    },
}


class Scene:
    """An edition with scored stages, candidates and a small expert pool that scores them."""

    def __init__(self, code="weihai-mayor", kinds=("material_review",), experts=1):
        self.edition = make_edition(code, status="finished", **EDITIONS[code])
        self.office = UserFactory(roles=[Role.OFFICE_STAFF])
        self.template = three_criteria_sheet()
        self.stages = {
            kind: EditionStage.objects.create(
                edition=self.edition,
                stage=self.edition.rulebook.stages.get(kind=kind),
                opens=date(self.edition.year, 6, 1),
                sheets_due=date(self.edition.year, 6, 30),
                score_sheet=self.template,
            )
            for kind in kinds
        }
        self.experts = [make_expert(f"专家{n}") for n in range(experts)]
        self.count = 0

    def candidate(self, category="unit", *, tags=()):
        self.count += 1
        if category == "unit":
            owner = make_unit_applicant()
            owner.organisation.unit_profile.encouraged_tags = list(tags)
            owner.organisation.unit_profile.save()
            applicant = {"organisation": owner.organisation, "applicant_key": f"org:{owner.organisation_id}"}
        else:
            owner = UserFactory(roles=[Role.APPLICANT])
            person = IndividualProfile.objects.create(
                user=owner,
                full_name=f"个人{self.count}",
                employer_name="某公司",
                district=District.objects.get(code="371002"),
                quality_work_since=date(2005, 1, 1),
            )
            applicant = {"individual": person, "applicant_key": f"person:{person.pk}"}
        return Application.objects.create(
            edition=self.edition,
            category=category,
            owner=owner,
            recommender=District.objects.get(code="371002"),
            state="candidate",
            number=f"{self.edition.scheme.number_prefix}-{self.edition.year}-{self.count:04d}",
            **applicant,
        )

    def score(self, application, kind, *totals):
        """One submitted sheet per total, by the pool's experts in turn."""
        for expert, total in zip(self.experts, totals, strict=False):
            assignment = Assignment.objects.create(
                edition_stage=self.stages[kind],
                application=application,
                expert=expert,
                method="manual",
                assigned_by=self.office,
            )
            ScoreSheet.objects.create(
                assignment=assignment,
                template=self.template,
                state="submitted",
                total=Decimal(total),
                submitted_at=timezone.now(),
            )

    def ranked(self, category, *scores, **kwargs):
        """One candidate per score, scored once at the material review."""
        made = []
        for score in scores:
            application = self.candidate(category, **kwargs)
            self.score(application, "material_review", score)
            made.append(application)
        return made


def _by_number(entries):
    return {entry["application"].number: entry for entry in entries}


def _tiers(proposals):
    return [(p.application.number, p.rank, p.tier) for p in sorted(proposals, key=lambda p: (p.category, p.rank))]


# --- the ranking --------------------------------------------------------------------------------------------


@pytest.fixture
def worked():
    """Weihai, material review and oral defence, two experts each. Finals (the mean of two):
    A 80 / 90, B 95 / 70, C 75 / 86; D has no oral defence yet; E is an individual, 88 / 88."""
    scene = Scene(kinds=("material_review", "oral_defence"), experts=2)
    a = scene.candidate(tags=["own_ip"])
    b, c, d = scene.candidate(), scene.candidate(), scene.candidate()
    e = scene.candidate("individual")
    for application, material, oral in [(a, (78, 82), (92, 88)), (b, (95, 95), (60, 80)), (c, (70, 80), (86, 86))]:
        scene.score(application, "material_review", *material)
        scene.score(application, "oral_defence", *oral)
    scene.score(d, "material_review", 90, 90)
    scene.score(e, "material_review", 88, 88)
    scene.score(e, "oral_defence", 88, 88)
    scene.apps = {"A": a, "B": b, "C": c, "D": d, "E": e}
    return scene


def test_ranking_equal_weights_when_the_rulebook_sets_none(worked):
    # Equal shares of the two stages with results: A (80 + 90) / 2 = 85, B (95 + 70) / 2 = 82.5, C 80.5.
    entries = candidates.edition_ranking(edition=worked.edition)
    got = [(e["application"].pk, e["category"], e["score"], e["rank"]) for e in entries]
    apps = worked.apps
    assert got == [
        (apps["A"].pk, "unit", Decimal("85.00"), 1),
        (apps["B"].pk, "unit", Decimal("82.50"), 2),
        (apps["C"].pk, "unit", Decimal("80.50"), 3),
        (apps["D"].pk, "unit", None, None),
        (apps["E"].pk, "individual", Decimal("88.00"), 1),
    ]
    a = _by_number(entries)[apps["A"].number]
    assert a["finals"] == {"material_review": Decimal("80.00"), "oral_defence": Decimal("90.00")}
    d = _by_number(entries)[apps["D"].number]
    assert d["finals"] == {"material_review": Decimal("90.00"), "oral_defence": None}
    assert d["flags"] == {"outliers": 0, "consensus": False, "consensus_pending": False, "incomplete": True}


def test_ranking_uses_the_rulebook_weights_0_4_and_0_6(worked):
    # A 0.4 * 80 + 0.6 * 90 = 86; B 0.4 * 95 + 0.6 * 70 = 80; C 0.4 * 75 + 0.6 * 86 = 81.6: C overtakes B.
    rulebook = worked.edition.rulebook
    Stage.objects.filter(rulebook=rulebook, kind="material_review").update(weight=Decimal("0.4"))
    Stage.objects.filter(rulebook=rulebook, kind="oral_defence").update(weight=Decimal("0.6"))
    entries = candidates.edition_ranking(edition=worked.edition)
    got = [(e["application"].pk, e["score"], e["rank"]) for e in entries if e["category"] == "unit"]
    apps = worked.apps
    assert got == [
        (apps["A"].pk, Decimal("86.00"), 1),
        (apps["C"].pk, Decimal("81.60"), 2),
        (apps["B"].pk, Decimal("80.00"), 3),
        (apps["D"].pk, None, None),
    ]


def test_ranking_weights_not_adding_up_to_one_refused(worked):
    Stage.objects.filter(rulebook=worked.edition.rulebook, kind="material_review").update(weight=Decimal("0.4"))
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        candidates.edition_ranking(edition=worked.edition)
    assert caught.value.messages == ["The weights of the scored stages in the rulebook add up to 0.40, not 1."]


def test_ranking_weighted_stage_without_results_makes_everyone_incomplete(worked):
    rulebook = worked.edition.rulebook
    Stage.objects.filter(rulebook=rulebook, kind="material_review").update(weight=Decimal("0.5"))
    Stage.objects.filter(rulebook=rulebook, kind="onsite_review").update(weight=Decimal("0.5"))
    entries = candidates.edition_ranking(edition=worked.edition)
    assert {(e["score"], e["rank"], e["flags"]["incomplete"]) for e in entries} == {(None, None, True)}


def test_ranking_consensus_replaces_the_stage_result_and_is_flagged(worked):
    # B's oral defence agreed at 76 instead of the mean 70: (95 + 76) / 2 = 85.5, now first.
    stage = worked.stages["oral_defence"]
    stage.consensus_spread = Decimal("15")
    stage.save()
    ConsensusRecord.objects.create(
        edition_stage=stage,
        application=worked.apps["B"],
        agreed_score=Decimal("76"),
        rationale="合议",
        recorded_by=worked.office,
    )
    entries = _by_number(candidates.edition_ranking(edition=worked.edition))
    b = entries[worked.apps["B"].number]
    assert (b["score"], b["rank"], b["flags"]["consensus"], b["flags"]["consensus_pending"]) == (
        Decimal("85.50"),
        1,
        True,
        False,
    )
    assert entries[worked.apps["A"].number]["rank"] == 2


@pytest.mark.parametrize(
    "_row",
    [
        pytest.param(None, id="Z8-zibo-art8-encouraged-types-shown"),
        pytest.param(None, id="W11-weihai-art11-encouraged-types-shown"),
    ],
)
def test_ranking_shows_encouraged_types(_row, worked):
    with translation.override("en"):
        entries = _by_number(candidates.edition_ranking(edition=worked.edition))
    a, b, e = (entries[worked.apps[k].number] for k in "ABE")
    assert (a["encouraged"], a["encouraged_labels"]) == (True, ["Own intellectual property"])
    assert (b["encouraged"], b["encouraged_labels"], e["encouraged"]) == (False, [], False)


def test_ranking_leaves_out_applications_not_candidates(worked):
    Application.objects.filter(pk=worked.apps["B"].pk).update(state="in_review")
    entries = candidates.edition_ranking(edition=worked.edition)
    assert worked.apps["B"].pk not in {e["application"].pk for e in entries}


def test_ranking_query_count_constant_from_1_to_many():
    scene = Scene(kinds=("material_review", "oral_defence"))
    first = scene.candidate(tags=["sme"])
    scene.score(first, "material_review", 80)
    scene.score(first, "oral_defence", 80)
    with CaptureQueriesContext(connection) as one:
        assert len(candidates.edition_ranking(edition=scene.edition)) == 1
    for n in range(8):
        application = scene.candidate("individual" if n % 2 else "unit", tags=["sme"])
        scene.score(application, "material_review", 70 + n)
        scene.score(application, "oral_defence", 75 + n)
    with CaptureQueriesContext(connection) as many:
        assert len(candidates.edition_ranking(edition=scene.edition)) == 9
    assert len(many.captured_queries) == len(one.captured_queries)


# --- the proposed list, per scheme --------------------------------------------------------------------------


def test_propose_weihai_art6_five_units_and_empty_individual_place():
    scene = Scene()
    units = scene.ranked("unit", 90, 89, 88, 87, 86, 85, 84)
    people = scene.ranked("individual", 80, 79)
    proposals = candidates.candidate_list_propose(edition=scene.edition, by=scene.office)
    assert _tiers(proposals) == [
        (people[0].number, 1, "award"),
        (people[1].number, 2, "award"),
        *[(u.number, n, "award") for n, u in enumerate(units[:5], start=1)],
        (units[5].number, 6, ""),
        (units[6].number, 7, ""),
    ]
    assert CandidateProposal.objects.filter(edition=scene.edition).count() == 9
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="awards.Edition")
    assert event.detail == "proposed: award 7 (unit 5, individual 2); nomination 0; outside 2 (unit 2)"


def test_propose_linyi_art2_award_and_nomination_tiers():
    scene = Scene("linyi-mayor")
    units = scene.ranked("unit", *range(95, 83, -1))  # 12 units, 95 … 84
    proposals = candidates.candidate_list_propose(edition=scene.edition, by=scene.office)
    tiers = [tier for _n, _r, tier in _tiers(proposals)]
    assert tiers == ["award"] * 5 + ["nomination"] * 5 + [""] * 2
    assert [p.application_id for p in sorted(proposals, key=lambda p: p.rank)] == [u.pk for u in units]


def test_propose_zibo_art4_category_caps_within_the_total_of_8():
    scene = Scene("zibo-leading")
    units = scene.ranked("unit", 90, 89, 88, 87, 86, 85)
    people = scene.ranked("individual", 80, 79, 78, 77)
    proposals = {
        p.application_id: p.tier for p in candidates.candidate_list_propose(edition=scene.edition, by=scene.office)
    }
    assert [proposals[u.pk] for u in units] == ["award"] * 5 + [""]
    assert [proposals[p.pk] for p in people] == ["award"] * 3 + [""]
    assert list(proposals.values()).count("award") == 8


def test_propose_total_quota_trims_the_lowest_score_across_categories():
    # Total lowered to 7: after the caps (5 + 3) the lowest of the eight, the individual with 78, goes out.
    scene = Scene("zibo-leading")
    Quota.objects.filter(rulebook=scene.edition.rulebook, scope="total").update(max_count=7)
    units = scene.ranked("unit", 90, 89, 88, 87, 86, 85)
    people = scene.ranked("individual", 80, 79, 78, 77)
    proposals = {p.application_id: p for p in candidates.candidate_list_propose(edition=scene.edition, by=scene.office)}
    assert [proposals[u.pk].tier for u in units] == ["award"] * 5 + [""]
    assert [proposals[p.pk].tier for p in people] == ["award", "award", "", ""]
    assert not any(p.tied_at_cut for p in proposals.values())


def test_propose_total_quota_tie_across_categories_leaves_both_out():
    # Total 7, the fifth unit and the third individual both at 85: freeing one place would split a tie.
    scene = Scene("zibo-leading")
    Quota.objects.filter(rulebook=scene.edition.rulebook, scope="total").update(max_count=7)
    units = scene.ranked("unit", 90, 89, 88, 87, 85)
    people = scene.ranked("individual", 95, 94, 85)
    proposals = {p.application_id: p for p in candidates.candidate_list_propose(edition=scene.edition, by=scene.office)}
    assert [proposals[u.pk].tier for u in units] == ["award"] * 4 + [""]
    assert [proposals[p.pk].tier for p in people] == ["award", "award", ""]
    assert {pk for pk, p in proposals.items() if p.tied_at_cut} == {units[4].pk, people[2].pk}


def test_propose_tie_at_the_cut_leaves_the_tied_out_and_a_place_empty():
    # Ranks 1, 2, 3, 4, 5, 5, 7 for five places: the two fifth-placed do not both fit, so neither enters,
    # and the seventh is not placed above them.
    scene = Scene()
    units = scene.ranked("unit", 90, 89, 88, 87, 86, 86, 80)
    proposals = candidates.candidate_list_propose(edition=scene.edition, by=scene.office)
    assert [(rank, tier) for _n, rank, tier in _tiers(proposals)] == [
        (1, "award"),
        (2, "award"),
        (3, "award"),
        (4, "award"),
        (5, ""),
        (5, ""),
        (7, ""),
    ]
    assert {p.application_id for p in proposals if p.tied_at_cut} == {units[4].pk, units[5].pk}
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="awards.Edition")
    assert event.detail.endswith(f"tied at a cut: {units[4].pk}, {units[5].pk}")


def test_propose_tie_that_fits_stays_inside():
    scene = Scene()
    scene.ranked("unit", 90, 89, 88, 87, 87, 80)
    proposals = candidates.candidate_list_propose(edition=scene.edition, by=scene.office)
    assert [(rank, tier) for _n, rank, tier in _tiers(proposals)] == [
        (1, "award"),
        (2, "award"),
        (3, "award"),
        (4, "award"),
        (4, "award"),
        (6, ""),
    ]
    assert not any(p.tied_at_cut for p in proposals)


def test_propose_linyi_tie_at_the_award_cut_moves_on_to_the_nomination_tier():
    scene = Scene("linyi-mayor")
    scene.ranked("unit", 95, 94, 93, 92, 91, 91, 90)
    proposals = candidates.candidate_list_propose(edition=scene.edition, by=scene.office)
    assert [tier for _n, _r, tier in _tiers(proposals)] == ["award"] * 4 + ["nomination"] * 3


@pytest.mark.parametrize("_row", [pytest.param(None, id="L11-linyi-art11-encouraged-type-shown-not-weighted")])
def test_propose_shows_the_encouraged_type_without_reordering_art11(
    _row,
):
    scene = Scene("linyi-mayor")
    plain = scene.ranked("unit", 95, 94, 93, 92, 91)
    favoured = scene.ranked("unit", 90, tags=["own_ip", "leading_standards"])[0]
    proposals = {p.application_id: p for p in candidates.candidate_list_propose(edition=scene.edition, by=scene.office)}
    assert (proposals[favoured.pk].encouraged, proposals[favoured.pk].rank, proposals[favoured.pk].tier) == (
        True,
        6,
        "nomination",
    )
    assert [proposals[u.pk].tier for u in plain] == ["award"] * 5
    assert not any(proposals[u.pk].encouraged for u in plain)


def test_propose_again_replaces_an_unchanged_list():
    scene = Scene()
    scene.ranked("unit", 90, 89)
    first = candidates.candidate_list_propose(edition=scene.edition, by=scene.office)
    second = candidates.candidate_list_propose(edition=scene.edition, by=scene.office)
    assert CandidateProposal.objects.filter(edition=scene.edition).count() == 2
    assert {p.pk for p in first}.isdisjoint({p.pk for p in second})


def test_propose_refused_once_the_office_changed_the_list():
    scene = Scene()
    scene.ranked("unit", 90, 89)
    proposal = candidates.candidate_list_propose(edition=scene.edition, by=scene.office)[0]
    candidates.candidate_change(proposal=proposal, tier="", reason="舆情", by=scene.office)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        candidates.candidate_list_propose(edition=scene.edition, by=scene.office)
    assert caught.value.messages == ["The office has changed the proposed list; clear those changes first."]
    assert CandidateProposal.objects.get(pk=proposal.pk).tier == ""


def test_propose_refused_while_a_candidate_is_incomplete(worked):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        candidates.candidate_list_propose(edition=worked.edition, by=worked.office)
    assert caught.value.messages == [
        f"These candidates have no result yet at every weighted stage: {worked.apps['D'].number}."
    ]
    assert not CandidateProposal.objects.exists()


@pytest.mark.parametrize("role", [Role.EXPERT, Role.APPLICANT, Role.DISTRICT_COORDINATOR, Role.AUDITOR])
def test_propose_wrong_role_refused_and_audited(role):
    scene = Scene()
    scene.ranked("unit", 90)
    outsider = UserFactory(roles=[role])
    with pytest.raises(PermissionDenied):
        candidates.candidate_list_propose(edition=scene.edition, by=outsider)
    assert not CandidateProposal.objects.exists()
    event = AuditEvent.objects.get(actor=outsider)
    assert (event.action, event.result, event.object_type) == (
        AuditAction.PERMISSION_REFUSED,
        AuditResult.REFUSED,
        "awards.Edition",
    )


# --- the office's changes -----------------------------------------------------------------------------------


@pytest.fixture
def proposed():
    scene = Scene()
    scene.units = scene.ranked("unit", 90, 89, 88, 87, 86, 86, 80)  # the two 86 are tied at the cut
    scene.proposals = {
        p.application_id: p for p in candidates.candidate_list_propose(edition=scene.edition, by=scene.office)
    }
    return scene


def test_change_needs_a_reason(proposed):
    proposal = proposed.proposals[proposed.units[4].pk]
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        candidates.candidate_change(proposal=proposal, tier="award", reason="  ", by=proposed.office)
    assert caught.value.messages == ["Write the reason for the change."]
    assert CandidateProposal.objects.get(pk=proposal.pk).tier == ""


def test_change_into_the_empty_place_then_the_full_tier_refused_citing_art6(proposed):
    first, second = proposed.proposals[proposed.units[4].pk], proposed.proposals[proposed.units[5].pk]
    changed = candidates.candidate_change(proposal=first, tier="award", reason="现场评审表现更好", by=proposed.office)
    assert (changed.tier, changed.changed_by, changed.change_reason) == ("award", proposed.office, "现场评审表现更好")
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="reviews.CandidateProposal")
    assert event.detail == "tier outside → award: 现场评审表现更好"
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        candidates.candidate_change(proposal=second, tier="award", reason="并列", by=proposed.office)
    assert caught.value.messages == ["The tier Award is full: Units at most 5 (第六条第一款)."]
    assert CandidateProposal.objects.filter(edition=proposed.edition, tier="award").count() == 5


def test_change_to_a_tier_the_scheme_lacks_refused(proposed):
    proposal = proposed.proposals[proposed.units[6].pk]
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        candidates.candidate_change(proposal=proposal, tier="nomination", reason="提名", by=proposed.office)
    assert caught.value.messages == ["The rules of this scheme have no places in the tier Nomination award."]


def test_change_out_of_the_list_always_allowed(proposed):
    proposal = proposed.proposals[proposed.units[0].pk]
    changed = candidates.candidate_change(proposal=proposal, tier="", reason="舆情调查发现问题", by=proposed.office)
    assert CandidateProposal.objects.get(pk=changed.pk).tier == ""
    assert AuditEvent.objects.get(action=AuditAction.UPDATE).detail == "tier award → outside: 舆情调查发现问题"


def test_change_total_quota_full_refused_citing_zibo_art4():
    scene = Scene("zibo-leading")
    Quota.objects.filter(rulebook=scene.edition.rulebook, scope="total").update(max_count=6)
    scene.ranked("unit", 90, 89, 88, 87)
    people = scene.ranked("individual", 80, 79, 78)
    proposals = {p.application_id: p for p in candidates.candidate_list_propose(edition=scene.edition, by=scene.office)}
    assert proposals[people[2].pk].tier == ""
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        candidates.candidate_change(proposal=proposals[people[2].pk], tier="award", reason="理由", by=scene.office)
    assert caught.value.messages == ["The tier Award is full: Units and individuals together at most 6 (第四条)."]


@pytest.mark.parametrize("role", [Role.EXPERT, Role.APPLICANT])
def test_change_wrong_role_refused_and_audited(proposed, role):
    outsider = UserFactory(roles=[role])
    proposal = proposed.proposals[proposed.units[4].pk]
    with pytest.raises(PermissionDenied):
        candidates.candidate_change(proposal=proposal, tier="award", reason="理由", by=outsider)
    assert CandidateProposal.objects.get(pk=proposal.pk).tier == ""
    event = AuditEvent.objects.get(actor=outsider)
    assert (event.action, event.object_type) == (AuditAction.PERMISSION_REFUSED, "reviews.CandidateProposal")
