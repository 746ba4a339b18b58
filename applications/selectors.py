"""Every read of applications a view uses, already scoped to the user who asks: what is not theirs is a 404."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from guardian.shortcuts import get_objects_for_user

from accounts.enums import Role
from accounts.models import District
from accounts.rules import has_any_role
from awards.enums import EditionStatus
from awards.models import Edition

from . import formspec
from .eligibility import ApplicantFacts, PastAward
from .enums import (
    AWAITING_RECOMMENDATION,
    RECOMMENDED_OR_LATER,
    VISIBLE_TO_COORDINATOR,
    ApplicationState,
    RecommendingBodyKind,
)
from .models import (
    Application,
    ApplicationFile,
    ApplicationTransition,
    CityProposal,
    CitySubmission,
    Recommendation,
    RecommendingBody,
    RequiredMaterial,
)

_RELATED = (
    "edition",
    "edition__scheme",
    "edition__rulebook",
    "organisation",
    "individual",
    "recommender",
    "recommender__parent",
    "current_stage",
    "city_proposal__city",
    "city_proposal__body",
)


def coordinator_districts(user) -> QuerySet[District]:
    if not has_any_role(user, Role.DISTRICT_COORDINATOR):
        return District.objects.none()
    return get_objects_for_user(
        user, "accounts.recommend_in_district", klass=District, accept_global_perms=False
    ).select_related("parent")


def applications_visible_to(user) -> QuerySet[Application]:
    """Applications the user may see: their unit's or their own; their districts' once submitted; all for the
    office. Nobody else sees any."""
    if not user.is_authenticated or not user.is_active:
        return Application.objects.none()
    if has_any_role(user, Role.OFFICE_STAFF):
        return Application.objects.all()
    scope = Q(pk__in=[])
    if has_any_role(user, Role.APPLICANT):
        scope |= Q(owner=user)
        if user.organisation_id:
            scope |= Q(organisation_id=user.organisation_id)
    if has_any_role(user, Role.DISTRICT_COORDINATOR):
        scope |= Q(
            recommender__in=coordinator_districts(user),
            state__in=sorted(VISIBLE_TO_COORDINATOR),
            submitted_at__isnull=False,  # a draft withdrawn before submission never reached the district
        )
    return Application.objects.filter(scope)


def _audit_hidden(*, user, model, pk: int) -> None:
    """A logged-in user asked for an object that exists but is not theirs: the answer stays a 404 (nothing is
    admitted), but the attempt goes into the audit trail as a refusal."""
    if user.is_authenticated and model.objects.filter(pk=pk).exists():
        from accounts.enums import AuditAction, AuditResult
        from accounts.services import audit_record

        audit_record(
            action=AuditAction.PERMISSION_REFUSED,
            result=AuditResult.REFUSED,
            actor=user,
            detail=f"{model._meta.label} #{pk} is outside the user's scope",
        )


def application_for(*, user, pk: int) -> Application:
    try:
        return _application_for(user=user, pk=pk)
    except Http404:
        _audit_hidden(user=user, model=Application, pk=pk)
        raise


def _application_for(*, user, pk: int) -> Application:
    return get_object_or_404(
        applications_visible_to(user)
        .select_related(*_RELATED, "owner")
        .prefetch_related(
            Prefetch("files", queryset=ApplicationFile.objects.select_related("uploaded_by")),
            Prefetch("transitions", queryset=ApplicationTransition.objects.select_related("actor", "stage")),
            Prefetch("recommendations", queryset=Recommendation.objects.select_related("signed_by", "letter")),
        ),
        pk=pk,
    )


def file_for(*, user, pk: int) -> ApplicationFile:
    try:
        return get_object_or_404(
            ApplicationFile.objects.select_related("application").filter(application__in=applications_visible_to(user)),
            pk=pk,
        )
    except Http404:
        _audit_hidden(user=user, model=ApplicationFile, pk=pk)
        raise


def applicant_applications(*, user) -> QuerySet[Application]:
    return (
        applications_visible_to(user)
        .filter(Q(owner=user) | Q(organisation_id=user.organisation_id) if user.organisation_id else Q(owner=user))
        .select_related(*_RELATED)
        .order_by("-created_at")
    )


def open_editions(*, on=None) -> QuerySet[Edition]:
    today = on or timezone.localdate()
    return (
        Edition.objects.filter(status=EditionStatus.OPEN, application_opens__lte=today, application_closes__gte=today)
        .select_related("scheme", "rulebook", "scheme__region")
        .order_by("application_closes")
    )


def open_edition(*, pk) -> Edition | None:
    """The edition `pk` (an id as typed: digits or not) if it takes applications today; else None."""
    if not str(pk).isdigit():
        return None
    return open_editions().filter(pk=pk).first()


def coordinator_inbox(*, user, edition_id=None, state=None, district_id=None, query="") -> QuerySet[Application]:
    districts = coordinator_districts(user)
    applications = Application.objects.filter(
        recommender__in=districts, state__in=sorted(VISIBLE_TO_COORDINATOR), submitted_at__isnull=False
    ).select_related(*_RELATED)
    if edition_id:
        applications = applications.filter(edition_id=edition_id)
    if state:
        applications = applications.filter(state=state)
    if district_id:
        applications = applications.filter(recommender_id=district_id)
    if query:
        applications = applications.filter(
            Q(number__icontains=query)
            | Q(organisation__name__icontains=query)
            | Q(individual__full_name__icontains=query)
        )
    return applications.order_by("submitted_at", "id")


def coordinator_counts(*, user, edition_id=None) -> dict[str, int]:
    applications = Application.objects.filter(
        recommender__in=coordinator_districts(user),
        state__in=sorted(VISIBLE_TO_COORDINATOR),
        submitted_at__isnull=False,
    )
    if edition_id:
        applications = applications.filter(edition_id=edition_id)
    counts = {row["state"]: row["n"] for row in applications.values("state").annotate(n=Count("id"))}
    counts["awaiting"] = sum(counts.get(s, 0) for s in AWAITING_RECOMMENDATION)
    counts["all"] = sum(v for k, v in counts.items() if k != "awaiting")
    return counts


def applicant_facts(*, application: Application) -> ApplicantFacts:
    """The facts the eligibility engine reads: the applicant's profile, the declarations on the form, and the
    awards this applicant held before (including revocations recorded by later stages)."""
    past = (
        Application.objects.filter(applicant_key=application.applicant_key, awarded_on__isnull=False)
        .exclude(pk=application.pk)
        .select_related("edition__scheme")
    )
    past_awards = tuple(
        PastAward(
            scheme_code=a.edition.scheme.code,
            edition_year=a.edition.year,
            awarded_on=a.awarded_on,
            revoked_on=a.revoked_on,
            scheme_id=a.edition.scheme_id,
        )
        for a in past
    )
    if application.organisation_id:
        profile = getattr(application.organisation, "unit_profile", None)
        return ApplicantFacts(
            category=application.category,
            operating_since=profile.operating_since if profile else None,
            four_new_field=bool(profile and profile.four_new_field),
            profitable_years=application.profitable_years,
            independent_legal_person=profile.independent_legal_person if profile else None,
            accident_free_declared=application.accident_free_declared,
            violation_free_declared=application.violation_free_declared,
            **formspec.form_facts(application.form_data),
            past_awards=past_awards,
        )
    return ApplicantFacts(
        category=application.category,
        quality_work_since=application.individual.quality_work_since,
        accident_free_declared=application.accident_free_declared,
        violation_free_declared=application.violation_free_declared,
        **formspec.form_facts(application.form_data),
        past_awards=past_awards,
    )


STATE_LABELS = dict(ApplicationState.choices)


def edition_for_export(*, pk: int) -> Edition:
    """Edition `pk` with its scheme (what the statistics export names); 404 if there is none."""
    return get_object_or_404(Edition.objects.select_related("scheme"), pk=pk)


def district_for_export(*, pk: int, within: QuerySet[District] | None = None) -> District:
    """District `pk` among `within` (a coordinator's own districts) or, for the office, among all; else 404."""
    pool = within if within is not None else District.objects.select_related("parent")
    return get_object_or_404(pool, pk=pk)


def required_materials(*, rulebook, category: str) -> list[RequiredMaterial]:
    """The pieces `rulebook` requires of an application of `category` before submission, in the text's order."""
    return list(
        RequiredMaterial.objects.filter(rulebook=rulebook)
        .filter(Q(category="") | Q(category=category))
        .order_by("position", "id")
    )


def applicant_district(application: Application) -> District | None:
    """Where the applicant is: its unit's district, or the person's."""
    if application.organisation_id:
        return application.organisation.district
    return application.individual.district if application.individual_id else None


def direct_route(*, rulebook) -> RecommendingBody | None:
    """The rulebook's route straight to the province for province-owned enterprises, if it has one."""
    return (
        RecommendingBody.objects.filter(rulebook=rulebook, kind=RecommendingBodyKind.DIRECT_SUBMISSION)
        .select_related("district")
        .first()
    )


def recommending_body(*, rulebook, district) -> RecommendingBody | None:
    """The rulebook's recommending body whose coordinators act in `district` (the national rules' provincial
    industry department for a province), if the rulebook lists its bodies."""
    return RecommendingBody.objects.filter(
        rulebook=rulebook,
        kind__in=[RecommendingBodyKind.PROVINCE_DEPARTMENT, RecommendingBodyKind.INDUSTRY_ASSOCIATION],
        district=district,
    ).first()


def preselection_for(*, edition, province) -> RecommendingBody | None:
    """The pre-selection by the cities (a provincial rulebook's CITY_PROPOSAL body) that feeds `province`'s
    recommendations to `edition`'s scheme, if there is one."""
    if province is None:
        return None
    return (
        RecommendingBody.objects.filter(
            kind=RecommendingBodyKind.CITY_PROPOSAL, towards_id=edition.scheme_id, district=province
        )
        .select_related("rulebook")
        .first()
    )


def city_proposal_candidates(*, user, edition_id=None) -> QuerySet[Application]:
    """Submitted applications a city coordinator may propose to its province's pre-selection: to a scheme that
    a CITY_PROPOSAL body feeds, from applicants within the coordinator's cities."""
    cities = [d for d in coordinator_districts(user) if d.level == "city"]
    if not cities:
        return Application.objects.none()
    bodies = RecommendingBody.objects.filter(kind=RecommendingBodyKind.CITY_PROPOSAL, towards__isnull=False)
    within = (
        Q(organisation__district__in=cities)
        | Q(organisation__district__parent__in=cities)
        | Q(individual__district__in=cities)
        | Q(individual__district__parent__in=cities)
    )
    applications = Application.objects.filter(
        within,
        edition__scheme__in=bodies.values("towards"),
        recommender__in=bodies.values("district"),
        submitted_at__isnull=False,
        state__in=sorted({ApplicationState.SUBMITTED} | RECOMMENDED_OR_LATER),
    ).select_related(*_RELATED, "organisation__district__parent")
    if edition_id:
        applications = applications.filter(edition_id=edition_id)
    return applications.order_by("-edition__year", "submitted_at", "id")


def city_proposal_target(*, user, pk: int) -> Application:
    """Application `pk` if the user's city may propose it; else 404."""
    return get_object_or_404(city_proposal_candidates(user=user), pk=pk)


def city_submissions_visible_to(*, user, edition_id=None) -> QuerySet[CitySubmission]:
    """What the cities submitted: all for the office, a coordinator's own cities' for a coordinator."""
    if has_any_role(user, Role.OFFICE_STAFF):
        submissions = CitySubmission.objects.all()
    elif has_any_role(user, Role.DISTRICT_COORDINATOR):
        submissions = CitySubmission.objects.filter(district__in=coordinator_districts(user))
    else:
        return CitySubmission.objects.none()
    if edition_id:
        submissions = submissions.filter(edition_id=edition_id)
    return (
        submissions.select_related("edition", "edition__scheme", "district", "submitted_by")
        .annotate(application_count=Count("applications"))
        .order_by("-submitted_at", "-id")
    )


def city_submission_for(*, user, pk: int) -> CitySubmission:
    return get_object_or_404(city_submissions_visible_to(user=user), pk=pk)


def city_submission_editions(*, user) -> list[tuple[Edition, District]]:
    """(edition, city) pairs for which the coordinator's cities have recommended applications they may send."""
    cities = [d for d in coordinator_districts(user) if d.level == "city"]
    if not cities:
        return []
    pairs = (
        Application.objects.filter(
            recommender__in=cities,
            edition__rulebook__recommender_level="city",
            state__in=sorted(RECOMMENDED_OR_LATER),
        )
        .values_list("edition_id", "recommender_id")
        .distinct()
    )
    pairs = list(pairs)
    editions = Edition.objects.select_related("scheme").in_bulk({e for e, _d in pairs})
    by_id = {c.pk: c for c in cities}
    return [(editions[e], by_id[d]) for e, d in sorted(pairs)]


def proposals_used(*, edition_id, city_id) -> int:
    return CityProposal.objects.filter(application__edition_id=edition_id, city_id=city_id).count()
