"""Conflicts of interest computed from data (issue 4, item 4): one case per rule, the set fed to the assignment,
and a query count that does not grow with the pool or the stage."""

from datetime import date

import pytest

from accounts.enums import Role
from accounts.models import District
from applications.models import Application, IndividualProfile
from reviews.conflicts import conflict_reasons, conflicted_pairs, is_conflicted, normalise_name
from reviews.enums import ConflictReason, TieKind
from reviews.models import ExpertProfile, ExpertTie
from reviews.selectors import experts_assignable
from tests.applications.conftest import make_edition
from tests.factories import OrganisationFactory, UserFactory

R = ConflictReason
ON = date(2026, 6, 15)
pytestmark = pytest.mark.django_db

# Two units in two districts of Weihai; the names are what experts and individuals type in.
UNITS = {
    "A": ("威海示范精工有限公司", "371002"),
    "B": ("文登测试机械有限公司", "371003"),
}


@pytest.fixture
def units():
    return {
        key: OrganisationFactory(name=name, district=District.objects.get(code=code))
        for key, (name, code) in UNITS.items()
    }


@pytest.fixture
def edition():
    return make_edition()


def make_expert(*, units=None, employer=None, employer_name="山东某大学", district=None, ties=()):
    """employer / tie units are keys of `units`; ties are (unit, since, until)."""
    expert = ExpertProfile.objects.create(
        user=UserFactory(roles=[Role.EXPERT]),
        full_name="张专家",
        employer=units[employer] if employer else None,
        employer_name=employer_name,
        district=District.objects.get(code=district) if district else None,
    )
    for unit, since, until in ties:
        ExpertTie.objects.create(
            expert=expert, organisation=units[unit], kind=TieKind.CONSULTING, since=since, until=until
        )
    return expert


def unit_application(edition, organisation):
    return Application.objects.create(
        edition=edition,
        category="unit",
        owner=UserFactory(roles=[Role.APPLICANT], organisation=organisation),
        organisation=organisation,
        applicant_key=f"org:{organisation.pk}",
        recommender=organisation.district,
    )


def individual_application(edition, *, employer=None, employer_name="", district="371002"):
    user = UserFactory(roles=[Role.APPLICANT])
    individual = IndividualProfile.objects.create(
        user=user,
        full_name="李质量",
        employer=employer,
        employer_name=employer_name or (employer.name if employer else ""),
        district=District.objects.get(code=district),
        quality_work_since=date(2010, 5, 1),
    )
    return Application.objects.create(
        edition=edition,
        category="individual",
        owner=user,
        individual=individual,
        applicant_key=f"person:{user.pk}",
        recommender=individual.district,
    )


def make_application(edition, units, spec):
    """("unit", key) or ("individual", employer key or None, employer name typed in, district code)."""
    if spec[0] == "unit":
        return unit_application(edition, units[spec[1]])
    _kind, employer, employer_name, district = spec
    return individual_application(
        edition, employer=units[employer] if employer else None, employer_name=employer_name, district=district
    )


# id, expert, applicant, same_district, expected reasons
CASES = [
    ("works-for-applicant-by-fk", {"employer": "A"}, ("unit", "A"), False, [R.WORKS_FOR_APPLICANT]),
    (
        "works-for-applicant-by-name",
        {"employer_name": " 威海示范精工 有限公司 "},
        ("unit", "A"),
        False,
        [R.WORKS_FOR_APPLICANT],
    ),
    (
        "works-for-applicant-employer-row-wins-over-typed-name",
        {"employer": "B", "employer_name": "威海示范精工有限公司"},
        ("unit", "A"),
        False,
        [],
    ),
    ("works-for-other-unit-no-conflict", {"employer": "B"}, ("unit", "A"), False, []),
    ("same-employer-individual", {"employer": "A"}, ("individual", "A", "", "371003"), False, [R.SAME_EMPLOYER]),
    (
        "same-employer-individual-by-name",
        {"employer": "A"},
        ("individual", None, "威海示范精工有限公司", "371003"),
        False,
        [R.SAME_EMPLOYER],
    ),
    (
        "same-employer-individual-both-by-name",
        {"employer_name": "威海示范精工（集团）"},
        ("individual", None, "威海示范精工(集团)", "371003"),
        False,
        [R.SAME_EMPLOYER],
    ),
    ("individual-other-employer-no-conflict", {"employer": "B"}, ("individual", "A", "", "371003"), False, []),
    ("same-district-only-when-scheme-asks", {"district": "371002"}, ("unit", "A"), True, [R.SAME_DISTRICT]),
    ("same-district-ignored-when-scheme-does-not-ask", {"district": "371002"}, ("unit", "A"), False, []),
    ("other-district-no-conflict", {"district": "371003"}, ("unit", "A"), True, []),
    (
        "same-district-individual-own-district",
        {"district": "371003"},
        ("individual", "A", "", "371003"),
        True,
        [R.SAME_DISTRICT],
    ),
    ("expert-without-district-no-district-conflict", {}, ("unit", "A"), True, []),
    (
        "declared-consulting-tie-2-years-ago-conflicts",
        {"ties": [("A", date(2022, 1, 1), date(2024, 6, 15))]},
        ("unit", "A"),
        False,
        [R.DECLARED_TIE],
    ),
    (
        "declared-tie-ended-exactly-3-years-ago-conflicts",
        {"ties": [("A", None, date(2023, 6, 15))]},
        ("unit", "A"),
        False,
        [R.DECLARED_TIE],
    ),
    ("tie-ended-4-years-ago-no-conflict", {"ties": [("A", None, date(2022, 6, 14))]}, ("unit", "A"), False, []),
    ("declared-open-tie-conflicts", {"ties": [("A", None, None)]}, ("unit", "A"), False, [R.DECLARED_TIE]),
    ("tie-starting-later-no-conflict", {"ties": [("A", date(2026, 7, 1), None)]}, ("unit", "A"), False, []),
    ("tie-with-other-unit-no-conflict", {"ties": [("B", None, None)]}, ("unit", "A"), False, []),
    (
        "declared-tie-with-individuals-employer-conflicts",
        {"ties": [("A", date(2025, 1, 1), None)]},
        ("individual", "A", "", "371003"),
        False,
        [R.DECLARED_TIE],
    ),
    (
        "declared-tie-with-individuals-employer-by-name-conflicts",
        {"ties": [("A", None, None)]},
        ("individual", None, "威海示范精工有限公司", "371003"),
        False,
        [R.DECLARED_TIE],
    ),
    ("unrelated-expert-no-conflict", {"employer": "B", "district": "371003"}, ("unit", "A"), True, []),
    (
        "every-rule-at-once-lists-each-reason",
        {"employer": "A", "district": "371002", "ties": [("A", None, None)]},
        ("unit", "A"),
        True,
        [R.WORKS_FOR_APPLICANT, R.SAME_DISTRICT, R.DECLARED_TIE],
    ),
]


@pytest.mark.parametrize(
    ("expert_spec", "applicant_spec", "same_district", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_conflict_reasons_rule(units, edition, expert_spec, applicant_spec, same_district, expected):
    expert = make_expert(units=units, **expert_spec)
    application = make_application(edition, units, applicant_spec)

    assert conflict_reasons(expert=expert, application=application, same_district=same_district, on=ON) == expected
    assert is_conflicted(expert=expert, application=application, same_district=same_district, on=ON) is bool(expected)
    # The batch computation agrees with the one-pair answer.
    pairs = conflicted_pairs(experts=[expert], applications=[application], same_district=same_district, on=ON)
    assert pairs == (frozenset({(application.pk, expert.pk)}) if expected else frozenset())


def test_conflict_reasons_tie_window_defaults_to_today(units, edition):
    expert = make_expert(units=units, ties=[("A", None, date(2000, 1, 1))])
    application = unit_application(edition, units["A"])

    assert conflict_reasons(expert=expert, application=application) == []
    assert conflict_reasons(expert=expert, application=application, on=date(2002, 12, 31)) == [R.DECLARED_TIE]


def test_normalise_name_ignores_width_spaces_and_case():
    assert normalise_name(" 威海 精工（集团）Co ") == normalise_name("威海精工(集团)co") == "威海精工(集团)co"


def test_conflicted_pairs_exact_set(units, edition):
    works_for_a = make_expert(units=units, employer="A")
    tied_to_b = make_expert(units=units, ties=[("B", None, date(2024, 1, 1))])
    in_weihai_huancui = make_expert(units=units, district="371002")
    unrelated = make_expert(units=units, employer_name="济南某研究院")
    unit_a = unit_application(edition, units["A"])
    unit_b = unit_application(edition, units["B"])
    person_at_a = individual_application(edition, employer=units["A"], district="371003")
    experts = [works_for_a, tied_to_b, in_weihai_huancui, unrelated]
    applications = [unit_a, unit_b, person_at_a]

    assert conflicted_pairs(experts=experts, applications=applications, on=ON) == {
        (unit_a.pk, works_for_a.pk),
        (person_at_a.pk, works_for_a.pk),
        (unit_b.pk, tied_to_b.pk),
    }
    assert conflicted_pairs(experts=experts, applications=applications, same_district=True, on=ON) == {
        (unit_a.pk, works_for_a.pk),
        (person_at_a.pk, works_for_a.pk),
        (unit_b.pk, tied_to_b.pk),
        (unit_a.pk, in_weihai_huancui.pk),
    }
    # Querysets and ids give the same answer as instances.
    assert conflicted_pairs(
        experts=ExpertProfile.objects.all(), applications=[a.pk for a in applications], on=ON
    ) == conflicted_pairs(experts=experts, applications=applications, on=ON)


def scenario(edition, n):
    """n unit applications and n experts: each expert works for one unit, is tied to the next, lives in a district."""
    organisations = [OrganisationFactory() for _ in range(n)]
    applications = [unit_application(edition, organisation) for organisation in organisations]
    for i in range(n // 2):  # half the applicants are individuals working for one of the units
        applications.append(individual_application(edition, employer=organisations[i], district="371003"))
    experts = []
    for i in range(n):
        expert = ExpertProfile.objects.create(
            user=UserFactory(roles=[Role.EXPERT]),
            full_name=f"专家{i}",
            employer=organisations[i] if i % 2 else None,
            employer_name=organisations[i].name,
            district=District.objects.get(code="371002"),
        )
        ExpertTie.objects.create(
            expert=expert, organisation=organisations[(i + 1) % n], kind=TieKind.CONSULTING, until=date(2025, 1, 1)
        )
        experts.append(expert)
    return experts, applications


@pytest.mark.parametrize("n", [2, 10])
def test_conflicted_pairs_query_count_constant(edition, django_assert_num_queries, n):
    experts, applications = scenario(edition, n)

    # The experts with their employers, their ties with the tied units, the applications with their applicants.
    with django_assert_num_queries(3):
        pairs = conflicted_pairs(experts=experts, applications=applications, same_district=True, on=ON)
    # Each expert: own unit, the tied unit; the individual employed by either; every unit shares their district.
    assert len(pairs) == n * n + sum(1 for i in range(n) for j in range(n // 2) if j in (i, (i + 1) % n))


@pytest.mark.parametrize("n", [2, 10])
def test_conflicted_pairs_query_count_constant_from_selectors(edition, django_assert_num_queries, n):
    scenario(edition, n)

    with django_assert_num_queries(3):
        conflicted_pairs(experts=experts_assignable(), applications=Application.objects.all(), on=ON)
