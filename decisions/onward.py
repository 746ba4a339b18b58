"""The recommendation of an edition's winners on to the award their rulebook names (Zibo 第二十六条, Weihai 第二十条:
山东省省长质量奖): the office chooses winners still holding the award, and the portal makes the list (.xlsx) and the
letter (PDF). What the award is called and the article come from the rule data (OnwardAward); a rulebook without
one (Linyi says nothing of it) has no onward recommendation.

The headings of the list and the letter are in the portal's default language (the documents go to a Chinese
authority whatever the reader's interface language)."""

import io
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from accounts.enums import AuditAction, AuditResult
from accounts.services import audit_record
from applications.enums import ApplicationState
from applications.models import Application
from applications.pdf import render_pdf
from applications.rules import is_office
from awards.enums import Category
from awards.models import Edition

from .models import Certificate, OnwardAward, OnwardNominee, OnwardRecommendation

LETTER_TEMPLATE = "decisions/onward/letter.html"


def _refuse(by, obj, reason: str, request=None):
    audit_record(
        action=AuditAction.PERMISSION_REFUSED,
        result=AuditResult.REFUSED,
        actor=by,
        obj=obj,
        detail=reason,
        request=request,
    )
    raise PermissionDenied(reason)


def onward_award(edition: Edition) -> OnwardAward | None:
    """The award the edition's rulebook has its winners recommended on to, or None if its text names none."""
    return OnwardAward.objects.filter(rulebook_id=edition.rulebook_id).first()


def eligible_winners(edition: Edition):
    """The edition's winners who hold the award: announced (AWARDED) and not revoked, by category and number."""
    return (
        Application.objects.filter(edition=edition, state=ApplicationState.AWARDED, revoked_on__isnull=True)
        .select_related("organisation", "individual", "individual__employer")
        .order_by("category", "number", "pk")
    )


def _names(application: Application) -> tuple[str, str]:
    if application.category == Category.INDIVIDUAL and application.individual_id:
        person = application.individual
        return person.full_name, (person.employer.name if person.employer_id else person.employer_name)
    return application.applicant_name, ""


def onward_recommendation_make(
    *,
    edition: Edition,
    application_ids: list[int],
    addressee: str,
    made_on: date,
    document_number: str = "",
    by,
    request=None,
) -> OnwardRecommendation:
    """Recommend the chosen winners of the edition on to the award its rulebook names.

    Refuses anyone but the office (audited); a rulebook that names no onward award; no winner chosen; a chosen
    application that is not a winner holding the award (revoked, not announced, another edition); an empty
    addressee; a future date. Side effects: one OnwardRecommendation with an OnwardNominee per winner (names,
    unit, category and certificate number copied as they are now) and a CREATE audit row."""
    if not is_office(by):
        _refuse(by, edition, "only the award office makes an onward recommendation", request)
    rule = onward_award(edition)
    if rule is None:
        raise ValidationError(
            _("The rulebook of %(scheme)s names no award its winners are recommended on to.")
            % {"scheme": edition.scheme.short_name}
        )
    addressee = (addressee or "").strip()
    if not addressee:
        raise ValidationError(_("Say to whom the recommendation is addressed."))
    if made_on is None or made_on > timezone.localdate():
        raise ValidationError(_("The date of the recommendation cannot be in the future."))
    chosen = sorted({int(pk) for pk in application_ids})
    if not chosen:
        raise ValidationError(_("Choose at least one winner to recommend."))
    with transaction.atomic():
        winners = list(eligible_winners(edition).filter(pk__in=chosen))
        if len(winners) != len(chosen):
            raise ValidationError(
                _("Only winners of this edition who hold the award (not revoked) can be recommended (%(article)s).")
                % {"article": rule.article}
            )
        numbers = dict(Certificate.objects.filter(application_id__in=chosen).values_list("application_id", "number"))
        recommendation = OnwardRecommendation.objects.create(
            edition=edition,
            award_name=rule.award_name,
            article=rule.article,
            addressee=addressee[:120],
            document_number=(document_number or "").strip()[:60],
            made_on=made_on,
            made_by=by,
        )
        nominees = []
        for position, application in enumerate(winners, start=1):
            name, unit = _names(application)
            nominees.append(
                OnwardNominee(
                    recommendation=recommendation,
                    application=application,
                    position=position,
                    name=name,
                    unit_name=unit,
                    category=application.category,
                    certificate_number=numbers.get(application.pk, ""),
                )
            )
        OnwardNominee.objects.bulk_create(nominees)
        audit_record(
            action=AuditAction.CREATE,
            actor=by,
            obj=recommendation,
            request=request,
            detail=f"onward recommendation to {rule.award_name} ({rule.article}), {len(nominees)} winners",
        )
    return recommendation


def onward_filename(recommendation: OnwardRecommendation, suffix: str) -> str:
    edition = recommendation.edition
    prefix = f"{edition.scheme.number_prefix}-{edition.year}"
    return f"{prefix}-{recommendation.award_name}-推荐-{recommendation.pk}.{suffix}"


LIST_COLUMNS = (("序号", 6), ("名称/姓名", 36), ("所在单位", 30), ("类别", 8), ("证书编号", 22))


def build_onward_xlsx(recommendation: OnwardRecommendation) -> bytes:
    """The list of the winners recommended, one row each, headed with the award, the article and the date."""
    with override(settings.LANGUAGE_CODE):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "推荐名单"
        edition = recommendation.edition
        sheet.append(
            [
                f"{edition.scheme.name}{edition.title} → {recommendation.award_name}"
                f"（{edition.rulebook.title}{recommendation.article}）"
            ]
        )
        sheet["A1"].font = Font(bold=True)
        made = recommendation.made_on.isoformat()
        sheet.append([f"{recommendation.addressee} {recommendation.document_number} {made}".replace("  ", " ")])
        sheet.append([heading for heading, _width in LIST_COLUMNS])
        for cell in sheet[3]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center")
        for column, (_heading, width) in zip("ABCDE", LIST_COLUMNS, strict=True):
            sheet.column_dimensions[column].width = width
        for nominee in recommendation.nominees.all():
            sheet.append(
                [
                    nominee.position,
                    nominee.name,
                    nominee.unit_name,
                    str(Category(nominee.category).label),
                    nominee.certificate_number,
                ]
            )
        buffer = io.BytesIO()
        workbook.save(buffer)
    return buffer.getvalue()


def onward_letter_context(recommendation: OnwardRecommendation) -> dict:
    edition = recommendation.edition
    rule = OnwardAward.objects.filter(rulebook_id=edition.rulebook_id).first()
    return {
        "recommendation": recommendation,
        "edition": edition,
        "scheme": edition.scheme,
        "rulebook": edition.rulebook,
        "rule_text": rule.text if rule else "",
        "nominees": list(recommendation.nominees.all()),
    }


def build_onward_pdf(recommendation: OnwardRecommendation) -> bytes:
    """The letter of recommendation as a PDF with the CJK font (applications.pdf.render_pdf)."""
    with override(settings.LANGUAGE_CODE):
        return render_pdf(LETTER_TEMPLATE, onward_letter_context(recommendation))
