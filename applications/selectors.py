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

from .eligibility import ApplicantFacts, PastAward
from .enums import AWAITING_RECOMMENDATION, VISIBLE_TO_COORDINATOR, ApplicationState
from .models import Application, ApplicationFile, ApplicationTransition, Recommendation

_RELATED = (
    "edition",
    "edition__scheme",
    "edition__rulebook",
    "organisation",
    "individual",
    "recommender",
    "recommender__parent",
    "current_stage",
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
            past_awards=past_awards,
        )
    return ApplicantFacts(
        category=application.category,
        quality_work_since=application.individual.quality_work_since,
        accident_free_declared=application.accident_free_declared,
        violation_free_declared=application.violation_free_declared,
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
