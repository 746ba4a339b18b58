"""Every write of the applications app. One function per transition: lock, check the right and the guard,
transition, save, write the history and audit rows, queue the mail on commit."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.bulk import BulkResult, bulk_apply
from accounts.enums import AuditAction, AuditResult, Role
from accounts.models import District, User
from accounts.rules import has_any_role
from accounts.services import audit_record
from awards import confirmations
from awards.enums import Category, EditionStatus, RecommenderLevel, StageKind, StagePhase
from awards.models import Edition

from . import formspec, pipeline
from .eligibility import APPLICATION_WINDOW, Failure, check_eligibility
from .enums import (
    APPLICANT_FILE_KINDS,
    EDITABLE_STATES,
    RECOMMENDED_OR_LATER,
    SINGLE_FILE_KINDS,
    ApplicationState,
    FileKind,
    MaterialKind,
    RecommendationDecision,
)
from .models import (
    Application,
    ApplicationCounter,
    ApplicationFile,
    ApplicationTransition,
    CityProposal,
    CitySubmission,
    Recommendation,
)
from .rules import can_recommend, can_run_stage, coordinates, is_applicant_of
from .selectors import (
    applicant_district,
    applicant_facts,
    direct_route,
    preselection_for,
    recommending_body,
    required_materials,
)
from .uploads import check_upload

S = ApplicationState


# --- helpers ---------------------------------------------------------------------------------------------


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("edition", "edition__scheme", "edition__rulebook", "organisation", "individual", "recommender")
        .get(pk=application.pk)
    )


def _refuse(by, application, reason: str, request=None):
    # Called before any transaction.atomic() block, so that the audit row is not rolled back with it.
    audit_record(
        action=AuditAction.PERMISSION_REFUSED,
        result=AuditResult.REFUSED,
        actor=by,
        obj=application,
        detail=reason,
        request=request,
    )
    raise PermissionDenied(reason)


def record_transition(
    *, application: Application, from_state: str, by, comment: str = "", request=None
) -> ApplicationTransition:
    """Save the new state, append the history and audit rows, and queue the mail once the transaction commits.

    The one way every app's transition service (decisions, revocation) finishes a transition it has made on a
    locked row; the caller holds the transaction."""
    application.state_changed_at = timezone.now()
    application.save(
        update_fields=[
            "state",
            "current_stage",
            "number",
            "submitted_at",
            "awarded_on",
            "revoked_on",
            "revocation_ground",
            "revocation_document",
            "state_changed_at",
            "recommender",
            "updated_at",
        ]
    )
    row = ApplicationTransition.objects.create(
        application=application,
        from_state=from_state,
        to_state=application.state,
        stage=application.current_stage,
        actor=by,
        comment=comment,
    )
    audit_record(
        action=AuditAction.STATE_CHANGE,
        actor=by,
        obj=application,
        request=request,
        detail=f"{from_state} → {application.state}" + (f": {comment}" if comment else ""),
    )
    from .tasks import send_transition_mail

    transaction.on_commit(lambda: send_transition_mail.delay(row.pk))
    return row


_record = record_transition


def _next_number(edition: Edition) -> str:
    counter, _created = ApplicationCounter.objects.get_or_create(edition=edition)
    counter = ApplicationCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{edition.scheme.number_prefix}-{edition.year}-{counter.last_number:04d}"


# --- creating and editing ---------------------------------------------------------------------------------


def application_create(*, edition: Edition, category: str, by: User, request=None) -> Application:
    """Start a draft application of `by` (a unit's account or an individual) to an open edition.

    Side effects: inserts the draft and a CREATE audit row. Refuses a second live application of the same
    applicant to the same edition, an edition not open for applications, a category the scheme does not have,
    and an applicant outside the scheme's region.
    """
    if not has_any_role(by, Role.APPLICANT):
        _refuse(by, edition, "only applicants create applications", request)
    today = timezone.localdate()
    scheme = edition.scheme
    errors = []
    if edition.status != EditionStatus.OPEN or not (edition.application_opens <= today <= edition.application_closes):
        errors.append(
            _("%(edition)s takes applications from %(opens)s to %(closes)s; it is not open now.")
            % {"edition": edition, "opens": edition.application_opens, "closes": edition.application_closes}
        )
    if category not in scheme.categories:
        errors.append(
            _("%(scheme)s does not take applications from individuals.") % {"scheme": scheme.short_name}
            if category == Category.INDIVIDUAL
            else _("%(scheme)s does not take applications from units.") % {"scheme": scheme.short_name}
        )
    if category == Category.UNIT:
        organisation = by.organisation
        profile = getattr(organisation, "unit_profile", None) if organisation else None
        if profile is None:
            errors.append(_("Register your unit's details before applying as a unit."))
        district, key, individual = (organisation.district if organisation else None), f"org:{by.organisation_id}", None
    else:
        individual = getattr(by, "individual_profile", None)
        organisation = None
        if individual is None:
            errors.append(_("Register your personal details before applying as an individual."))
        district, key = (individual.district if individual else None), f"person:{by.pk}"
    if errors:
        raise ValidationError(errors)
    if not district.is_within(scheme.region):
        raise ValidationError(
            _("%(scheme)s is open to applicants in %(region)s; your district is %(district)s.")
            % {"scheme": scheme.short_name, "region": scheme.region, "district": district}
        )
    recommender = district.recommender_at(edition.rulebook.recommender_level)
    if recommender is None:
        raise ValidationError(_("No recommending body is set up for your district; please contact the award office."))
    try:
        with transaction.atomic():
            application = Application.objects.create(
                edition=edition,
                category=category,
                owner=by,
                organisation=organisation,
                individual=individual,
                applicant_key=key,
                recommender=recommender,
            )
    except IntegrityError:
        existing = (
            Application.objects.filter(edition=edition, applicant_key=key)
            .exclude(state__in=[S.WITHDRAWN, S.NOT_RECOMMENDED, S.DISQUALIFIED, S.NOT_SELECTED, S.REVOKED])
            .first()
        )
        raise ValidationError(
            _("You already have an application to %(edition)s (%(number)s); continue that one.")
            % {"edition": edition, "number": (existing.number if existing and existing.number else _("draft"))}
        ) from None
    audit_record(action=AuditAction.CREATE, actor=by, obj=application, request=request)
    return application


def application_save_draft(
    *,
    application: Application,
    by: User,
    form_data: dict,
    profitable_years: int | None,
    accident_free_declared: bool,
    violation_free_declared: bool,
    request=None,
) -> Application:
    """Save the form as it is; nothing is required yet. Side effects: updates the application, audit row."""
    if not is_applicant_of(by, application):
        _refuse(by, application, "not the applicant", request)
    with transaction.atomic():
        application = _locked(application)
        if application.state not in EDITABLE_STATES:
            raise ValidationError(_("This application can no longer be changed."))
        application.form_data = formspec.stored_form_data(application.category, form_data)
        application.profitable_years = profitable_years
        application.accident_free_declared = accident_free_declared
        application.violation_free_declared = violation_free_declared
        application.save(
            update_fields=[
                "form_data",
                "profitable_years",
                "accident_free_declared",
                "violation_free_declared",
                "updated_at",
            ]
        )
        audit_record(action=AuditAction.UPDATE, actor=by, obj=application, detail="draft saved", request=request)
    return application


def application_set_route(
    *, application: Application, by: User, province_owned: bool, external_number: str = "", request=None
) -> Application:
    """The applicant says whether it is a province-owned enterprise (which a rulebook with a direct route lets
    submit straight to the province) and enters the number the national online system gave it (申报编号).

    Province-owned can change only while the application is editable; the number at any time, since the national
    system gives it after the province recommends. Side effects: updates the application, audit row."""
    if not is_applicant_of(by, application):
        _refuse(by, application, "not the applicant", request)
    external_number = (external_number or "").strip()[:40]
    with transaction.atomic():
        application = _locked(application)
        fields = []
        if bool(province_owned) != application.province_owned:
            if application.state not in EDITABLE_STATES:
                raise ValidationError(_("This application was already submitted; its route can no longer change."))
            if province_owned and direct_route(rulebook=application.edition.rulebook) is None:
                raise ValidationError(
                    _("%(scheme)s has no direct submission for province-owned enterprises; submit through your city.")
                    % {"scheme": application.edition.scheme.short_name}
                )
            application.province_owned = bool(province_owned)
            fields.append("province_owned")
        if external_number != application.external_number:
            application.external_number = external_number
            fields.append("external_number")
        if fields:
            application.save(update_fields=[*fields, "updated_at"])
            audit_record(
                action=AuditAction.UPDATE,
                actor=by,
                obj=application,
                detail=f"route: {', '.join(fields)}",
                request=request,
            )
    return application


def _store_file(*, application: Application, kind: str, uploaded, by: User) -> ApplicationFile:
    used = application.files.filter(superseded_at__isnull=True).aggregate(total=Sum("size"))["total"] or 0
    checked = check_upload(uploaded, used_bytes=used)
    now = timezone.now()
    if kind in SINGLE_FILE_KINDS:
        application.files.filter(kind=kind, superseded_at__isnull=True).update(superseded_at=now)
    stored = ApplicationFile(
        application=application,
        kind=kind,
        name=checked.name,
        size=checked.size,
        sha256=checked.sha256,
        content_type=checked.content_type,
        uploaded_by=by,
    )
    stored.file.save(checked.name, uploaded, save=False)
    stored.save()
    return stored


def application_file_upload(
    *, application: Application, by: User, kind: str, uploaded, request=None
) -> ApplicationFile:
    """Check an upload by its content and store it outside the web root.

    Side effects: writes the file, inserts an ApplicationFile (a single-file kind supersedes the current one,
    which stays as history), audit row. Nothing is stored when the upload is refused.
    """
    if kind not in APPLICANT_FILE_KINDS:
        raise ValidationError(_("Unknown kind of file."))
    if not is_applicant_of(by, application):
        _refuse(by, application, "not the applicant", request)
    with transaction.atomic():
        application = _locked(application)
        if application.state not in EDITABLE_STATES:
            raise ValidationError(_("This application can no longer be changed."))
        stored = _store_file(application=application, kind=kind, uploaded=uploaded, by=by)
        audit_record(action=AuditAction.CREATE, actor=by, obj=stored, detail=f"{kind} {stored.sha256}", request=request)
    return stored


def application_file_remove(*, file: ApplicationFile, by: User, request=None) -> None:
    """Take a file off the application (it stays as history). Side effects: marks it superseded, audit row."""
    if not is_applicant_of(by, file.application):
        _refuse(by, file.application, "not the applicant", request)
    with transaction.atomic():
        application = _locked(file.application)
        if application.state not in EDITABLE_STATES:
            raise ValidationError(_("This application can no longer be changed."))
        ApplicationFile.objects.filter(pk=file.pk, superseded_at__isnull=True).update(superseded_at=timezone.now())
        audit_record(action=AuditAction.UPDATE, actor=by, obj=file, detail="removed", request=request)


# --- transitions ------------------------------------------------------------------------------------------


def missing_materials(application: Application) -> list[str]:
    """One message per piece the rulebook requires (RequiredMaterial) that the application lacks, naming the
    piece as the rulebook does and its article; the online form also names its empty fields."""
    present = set(application.files.filter(superseded_at__isnull=True).values_list("kind", flat=True))
    messages = []
    for material in required_materials(rulebook=application.edition.rulebook, category=application.category):
        if material.kind == MaterialKind.ONLINE_FORM:
            missing = formspec.missing_fields(application.category, application.form_data)
            if missing:
                messages.append(
                    _("Fill in %(material)s (%(article)s): %(fields)s.")
                    % {"material": material.label, "article": material.article, "fields": "、".join(missing)}
                )
        elif material.kind not in present:
            messages.append(
                _("Upload %(material)s as “%(kind)s” (%(article)s).")
                % {"material": material.label, "kind": FileKind(material.kind).label, "article": material.article}
            )
    return messages


def application_submit(*, application: Application, by: User, request=None) -> Application:
    """Submit (or resubmit after a return) to the recommending district.

    Refuses, naming every reason: a closed window or passed deadline (the draft is kept), eligibility failures
    with their articles, missing required fields or files, and a second submission.
    Side effects: gives the application its number on first submission (no gaps, no duplicates), transition
    to SUBMITTED, history and audit rows, mail to the applicant and the district's coordinators.
    """
    if not is_applicant_of(by, application):
        _refuse(by, application, "not the applicant", request)
    with transaction.atomic():
        application = _locked(application)
        if application.state not in EDITABLE_STATES:
            raise ValidationError(
                _("This application was already submitted on %(date)s.")
                % {"date": timezone.localtime(application.submitted_at).strftime("%Y-%m-%d %H:%M")}
                if application.submitted_at
                else _("This application can no longer be submitted.")
            )
        today = timezone.localdate()
        failures = check_eligibility(
            edition=application.edition, facts=applicant_facts(application=application), on=today
        )
        edition = application.edition
        if application.state == S.RETURNED:
            # A district often returns an application after applications closed; the corrected one may come
            # back until the district's own deadline, while every other rule still applies.
            failures = [f for f in failures if f.kind != APPLICATION_WINDOW]
            if today > edition.recommendation_deadline:
                failures.insert(
                    0,
                    Failure(
                        kind=APPLICATION_WINDOW,
                        article="",
                        message=_(
                            "The district's deadline for %(edition)s was %(deadline)s; a returned application "
                            "can no longer be resubmitted."
                        )
                        % {"edition": edition, "deadline": edition.recommendation_deadline.isoformat()},
                    ),
                )
        errors = [failure.message for failure in failures]
        errors += missing_materials(application)
        direct = direct_route(rulebook=edition.rulebook) if application.province_owned else None
        if application.province_owned and direct is None:
            errors.append(
                _("%(scheme)s has no direct submission for province-owned enterprises; submit through your city.")
                % {"scheme": edition.scheme.short_name}
            )
        if errors:
            raise ValidationError(errors)
        from_state = application.state
        if not application.number:
            application.number = _next_number(application.edition)
        # The first submission's time is kept: the inbox and the statistics order by it.
        application.submitted_at = application.submitted_at or timezone.now()
        comment = ""
        if direct is not None:
            # A province-owned enterprise skips the city: it goes straight to the province's review.
            application.submit_direct(recommender=direct.district)
            comment = f"{direct.name}（{direct.article}）"
        else:
            application.submit()
        _record(application=application, from_state=from_state, by=by, comment=comment, request=request)
    return application


def application_withdraw(*, application: Application, by: User, reason: str = "", request=None) -> Application:
    """The applicant withdraws before the office takes over. Side effects: transition, history, audit, mail."""
    if not is_applicant_of(by, application):
        _refuse(by, application, "not the applicant", request)
    with transaction.atomic():
        application = _locked(application)
        if application.state not in (S.DRAFT, S.SUBMITTED, S.RETURNED):
            raise ValidationError(_("This application can no longer be withdrawn."))
        from_state = application.state
        application.withdraw()
        _record(application=application, from_state=from_state, by=by, comment=reason, request=request)
    return application


def _coordinator_decision(
    *, application: Application, by: User, decision: str, opinion: str, letter=None, request=None
) -> Application:
    opinion = (opinion or "").strip()
    if not opinion:
        raise ValidationError(_("Write the opinion (for a return or a refusal: the reason)."))
    if not can_recommend(by, application):
        _refuse(by, application, "not a coordinator of this district", request)
    with transaction.atomic():
        quota = None
        if decision == RecommendationDecision.RECOMMEND:
            # Lock the edition first: every recommendation of the edition queues here, so two coordinators
            # clicking at once cannot both take the last place.
            edition = Edition.objects.select_for_update().select_related("rulebook").get(pk=application.edition_id)
            quota = edition.rulebook.recommendation_quota
        application = _locked(application)
        if not pipeline.has_stage(application.edition.rulebook, StageKind.DISTRICT_RECOMMENDATION):
            raise ValidationError(
                _("The procedure of %(scheme)s has no recommendation stage; there is nothing to decide here.")
                % {"scheme": application.edition.scheme.short_name}
            )
        if application.state != S.SUBMITTED:
            raise ValidationError(
                _("This application is “%(state)s”; only submitted applications can be decided.")
                % {"state": application.get_state_display()}
            )
        deadline = application.edition.recommendation_deadline
        if timezone.localdate() > deadline:
            raise ValidationError(
                _("Recommendations for %(edition)s were due by %(deadline)s; please contact the award office.")
                % {"edition": application.edition, "deadline": deadline.isoformat()}
            )
        if decision == RecommendationDecision.RECOMMEND:
            quota, quota_article = _recommendation_quota(application, quota)
        if quota is not None:
            used = Application.objects.filter(
                edition_id=application.edition_id,
                recommender_id=application.recommender_id,
                state__in=sorted(RECOMMENDED_OR_LATER),
            ).count()
            if used >= quota:
                raise ValidationError(
                    _("%(district)s has already recommended %(used)d of its %(quota)d places (%(article)s).")
                    % {
                        "district": application.recommender,
                        "used": used,
                        "quota": quota,
                        "article": quota_article,
                    }
                )
        stored_letter = None
        if letter is not None:
            stored_letter = _store_file(
                application=application, kind=FileKind.RECOMMENDATION_LETTER, uploaded=letter, by=by
            )
        Recommendation.objects.create(
            application=application,
            district=application.recommender,
            decision=decision,
            opinion=opinion,
            letter=stored_letter,
            signed_by=by,
        )
        from_state = application.state
        {
            RecommendationDecision.RECOMMEND: application.recommend,
            RecommendationDecision.RETURN: application.return_for_correction,
            RecommendationDecision.DECLINE: application.decline,
        }[RecommendationDecision(decision)]()
        _record(application=application, from_state=from_state, by=by, comment=opinion, request=request)
    return application


def _recommendation_quota(application: Application, rulebook_quota: int | None) -> tuple[int | None, str]:
    """The quota the recommending body of `application` recommends within, and its article; refuses what a
    province's pre-selection has not proposed.

    A rulebook's recommending body (RecommendingBody) holds its own quota, or, when the text gives none, an
    office-set value that must be confirmed first; without a body, the rulebook's recommendation_quota."""
    edition = application.edition
    rulebook = edition.rulebook
    preselection = preselection_for(edition=edition, province=application.recommender)
    if preselection is not None and not CityProposal.objects.filter(application=application).exists():
        raise ValidationError(
            _(
                "Under %(rulebook)s %(article)s the province recommends only from what the cities proposed "
                "(%(selection)s); this application was not proposed by its city."
            )
            % {
                "rulebook": preselection.rulebook.title,
                "article": preselection.article,
                "selection": preselection.selection_article,
            }
        )
    body = recommending_body(rulebook=rulebook, district=application.recommender)
    if body is None:
        return rulebook_quota, rulebook.recommendation_quota_article
    if body.quota is not None:
        return body.quota, body.article
    confirmations.require_confirmed(rulebook, body.quota_key)
    value = rulebook.office_set_values.filter(key=body.quota_key).values_list("value", flat=True).first()
    if value is None:
        return None, body.article
    if not str(value).strip().isdigit():
        raise ValidationError(
            _("The award office has not entered the quota of %(body)s (%(article)s).")
            % {"body": body.name, "article": body.article}
        )
    return int(value), body.article


def application_recommend(
    *, application: Application, by: User, opinion: str, letter=None, request=None
) -> Application:
    """The district recommends, with a signed opinion and an optional scanned letter, within the scheme's
    recommendation quota. Side effects: recommendation row, letter file, transition, history, audit, mail."""
    return _coordinator_decision(
        application=application,
        by=by,
        decision=RecommendationDecision.RECOMMEND,
        opinion=opinion,
        letter=letter,
        request=request,
    )


def application_return(*, application: Application, by: User, opinion: str, request=None) -> Application:
    """The district returns the application for correction; the applicant edits and resubmits.
    Side effects: recommendation row, transition, history, audit, mail."""
    return _coordinator_decision(
        application=application, by=by, decision=RecommendationDecision.RETURN, opinion=opinion, request=request
    )


def application_decline(*, application: Application, by: User, reason: str, request=None) -> Application:
    """The district declines to recommend, with the reason. Side effects: as for a return."""
    return _coordinator_decision(
        application=application, by=by, decision=RecommendationDecision.DECLINE, opinion=reason, request=request
    )


# --- a province's pre-selection and the cities' submissions (Shandong 2021 notice) --------------------------


def application_city_propose(*, application: Application, by: User, opinion: str, request=None) -> CityProposal:
    """A city bureau proposes one of its applicants to its province's pre-selection for a national recommendation
    (Shandong 2021 notice 二（一）: at most the quota, 1, per city); the province then chooses (二（二）) by
    recommending through ``application_recommend``.

    Side effects: a CityProposal row (under the edition's row lock, so two clicks cannot both take the place),
    audit row. The application's state does not change: it waits for the province's choice."""
    opinion = (opinion or "").strip()
    if not opinion:
        raise ValidationError(_("Write the opinion."))
    district = applicant_district(application)
    city = district.recommender_at(RecommenderLevel.CITY) if district else None
    if city is None or not coordinates(by, city):
        _refuse(by, application, "not a coordinator of the applicant's city", request)
    with transaction.atomic():
        edition = Edition.objects.select_for_update().select_related("scheme").get(pk=application.edition_id)
        application = _locked(application)
        body = preselection_for(edition=edition, province=application.recommender)
        if body is None:
            raise ValidationError(
                _("%(scheme)s has no proposal by the cities; there is nothing to propose here.")
                % {"scheme": edition.scheme.short_name}
            )
        if application.state != S.SUBMITTED:
            raise ValidationError(
                _("This application is “%(state)s”; only submitted applications can be proposed.")
                % {"state": application.get_state_display()}
            )
        if timezone.localdate() > edition.recommendation_deadline:
            raise ValidationError(
                _("Proposals for %(edition)s were due by %(deadline)s (%(article)s).")
                % {"edition": edition, "deadline": edition.recommendation_deadline.isoformat(), "article": body.article}
            )
        if CityProposal.objects.filter(application=application).exists():
            raise ValidationError(_("This application has already been proposed."))
        used = CityProposal.objects.filter(body=body, city=city, application__edition=edition).count()
        if body.quota is not None and used >= body.quota:
            raise ValidationError(
                _("%(city)s has already proposed %(used)d of its %(quota)d (%(article)s).")
                % {"city": city, "used": used, "quota": body.quota, "article": body.article}
            )
        proposal = CityProposal.objects.create(
            application=application, body=body, city=city, opinion=opinion, proposed_by=by
        )
        audit_record(
            action=AuditAction.CREATE, actor=by, obj=proposal, detail=f"{body.article}: {opinion}", request=request
        )
    return proposal


def city_submission_submit(*, edition: Edition, district: District, by: User, letter, request=None) -> CitySubmission:
    """A city bureau sends the province its recommendation letter and the statistics table (annex 3) of the
    applicants it recommended (Shandong 2021 notice 一（三）3), by the edition's recommendation deadline.

    Side effects: stores the letter (checked by content) and the table as generated now, a CitySubmission row
    listing the applications it covers, audit row. A later submission is kept beside the earlier one."""
    if not coordinates(by, district):
        _refuse(by, edition, "not a coordinator of this city", request)
    rulebook = edition.rulebook
    if (
        rulebook.recommender_level != RecommenderLevel.CITY
        or district.recommender_at(RecommenderLevel.CITY) != district
    ):
        raise ValidationError(
            _("Only a city that recommends under %(scheme)s sends a submission.")
            % {"scheme": edition.scheme.short_name}
        )
    article = rulebook.submission_deadline_article
    if timezone.localdate() > edition.recommendation_deadline:
        raise ValidationError(
            _("Submissions for %(edition)s were due by %(deadline)s (%(article)s).")
            % {"edition": edition, "deadline": edition.recommendation_deadline.isoformat(), "article": article}
        )
    if letter is None:
        raise ValidationError(_("Attach the recommendation letter (%(article)s).") % {"article": article})
    from . import exports

    recommended = Application.objects.filter(
        edition=edition, recommender=district, state__in=sorted(RECOMMENDED_OR_LATER)
    )
    applications = list(exports.statistics_applications(recommended, edition=edition))
    if not applications:
        raise ValidationError(
            _("%(city)s has recommended no application to %(edition)s yet.") % {"city": district, "edition": edition}
        )
    checked = check_upload(letter)
    table = exports.build_statistics_xlsx(edition=edition, applications=applications)
    with transaction.atomic():
        submission = CitySubmission(
            edition=edition,
            district=district,
            letter_name=checked.name,
            letter_sha256=checked.sha256,
            submitted_by=by,
        )
        submission.letter.save(checked.name, letter, save=False)
        submission.statistics.save(exports.statistics_filename(edition, district), ContentFile(table), save=False)
        submission.save()
        submission.applications.set(applications)
        audit_record(
            action=AuditAction.CREATE,
            actor=by,
            obj=submission,
            detail=f"{article}: {len(applications)} applications, letter {checked.sha256}",
            request=request,
        )
    return submission


# --- review stages (run by the office or the agency; the reviews app calls these) ----------------------------


def _stage_guard(application: Application, stage, by, request) -> None:
    if not can_run_stage(by, stage):
        _refuse(by, application, "may not run this review stage", request)


def application_start_review(*, application: Application, by: User, request=None) -> Application:
    """A recommended application enters the first review stage of its rulebook's pipeline.

    Side effects: transition to IN_REVIEW with current_stage set, history, audit, mail.
    """
    rulebook = application.edition.rulebook
    first = pipeline.next_stage(rulebook, None, phase=StagePhase.REVIEW)
    _stage_guard(application, first, by, request)
    with transaction.atomic():
        application = _locked(application)
        if application.state != S.RECOMMENDED:
            raise ValidationError(
                _("This application is “%(state)s”; only recommended applications enter the review.")
                % {"state": application.get_state_display()}
            )
        if first is None:
            raise ValidationError(
                _("The procedure of %(scheme)s has no review stage.")
                % {"scheme": application.edition.scheme.short_name}
            )
        from_state = application.state
        application.start_review(stage=first)
        _record(application=application, from_state=from_state, by=by, request=request)
    return application


def application_pass_stage(
    *, application: Application, by: User, stage, comment: str = "", skipped: bool = False, request=None
) -> Application:
    """The application passed `stage` (or skipped it, where the rulebook runs the stage only where needed): it
    moves to the next review stage, or after the last one onto the candidate list at the first decision stage.

    `stage` must be the application's current stage, so a stale page or a double click cannot move it twice.
    Side effects: transition, history (with the comment), audit, mail.
    """
    _stage_guard(application, stage, by, request)
    with transaction.atomic():
        application = _locked(application)
        if application.state != S.IN_REVIEW or application.current_stage_id != stage.pk:
            raise ValidationError(
                _("This application is not at the stage “%(stage)s” any more; reload the page.")
                % {"stage": stage.get_kind_display()}
            )
        if skipped and not stage.conditional:
            raise ValidationError(
                _("“%(stage)s” is not a stage the rulebook runs only where needed; it cannot be skipped.")
                % {"stage": stage.get_kind_display()}
            )
        rulebook = application.edition.rulebook
        following = pipeline.next_stage(rulebook, stage)
        candidate = following is None or following.phase != StagePhase.REVIEW
        from_state = application.state
        application.pass_stage(next_stage=following, candidate=candidate)
        note = comment or ""
        if skipped:
            note = (_("Stage not needed: %(stage)s.") % {"stage": stage.get_kind_display()}) + (
                f" {note}" if note else ""
            )
        _record(application=application, from_state=from_state, by=by, comment=note, request=request)
    return application


def _leave_at_stage(*, application: Application, by: User, stage, reason: str, move, request=None) -> Application:
    """The application leaves the selection at its current `stage` through `move` (a callable making the
    transition on the locked row), with the reason the applicant reads. `stage` must be the application's
    current stage, so a stale page or a double click cannot act twice."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Write the reason the applicant will read."))
    _stage_guard(application, stage, by, request)
    with transaction.atomic():
        application = _locked(application)
        if application.state != S.IN_REVIEW or application.current_stage_id != stage.pk:
            raise ValidationError(
                _("This application is not at the stage “%(stage)s” any more; reload the page.")
                % {"stage": stage.get_kind_display()}
            )
        from_state = application.state
        move(application)
        _record(
            application=application,
            from_state=from_state,
            by=by,
            comment=f"{stage.get_kind_display()}: {reason}",
            request=request,
        )
    return application


def application_fail_stage(*, application: Application, by: User, stage, reason: str, request=None) -> Application:
    """The application failed the gate of `stage` and leaves the selection; the reason is shown to the applicant.
    Side effects: transition to DISQUALIFIED, history with the reason, audit, mail."""
    return _leave_at_stage(
        application=application,
        by=by,
        stage=stage,
        reason=reason,
        move=lambda application: application.disqualify(),
        request=request,
    )


def application_not_selected_at_stage(
    *, application: Application, by: User, stage, reason: str, request=None
) -> Application:
    """The application was not selected at the scored `stage` (material review, on-site review, oral defence)
    when the stage was closed: it leaves the selection, and the reason (its score and rank, as the office
    wrote them) is shown to the applicant.

    Unlike ``application_fail_stage`` (a gate failed: DISQUALIFIED), this is the lifecycle's ``reject``:
    IN_REVIEW -> NOT_SELECTED. Side effects: transition, history with the reason, audit, mail.
    """
    return _leave_at_stage(
        application=application,
        by=by,
        stage=stage,
        reason=reason,
        move=lambda application: application.reject(),
        request=request,
    )


# --- the office's bulk actions ----------------------------------------------------------------------------


def applications_start_review(*, applications, by: User, request=None) -> BulkResult:
    """Start the review of each of `applications` at once (the office's "start review for the selected" and "for
    all recommended of this edition"): each goes through ``application_start_review`` in its own transaction
    under its row lock, so it moves whole or not at all, and of two offices pressing at once only one moves it.
    Those that may not move (not recommended any more, no review stage, not the user's to run) are listed in
    the result with the reason instead of stopping the others.

    Side effects: those of ``application_start_review`` for every application moved; a refusal of the user's
    right also writes its PERMISSION_REFUSED audit row.
    """
    return bulk_apply(
        applications,
        lambda application: application_start_review(application=application, by=by, request=request),
    )
