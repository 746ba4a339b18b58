"""The undertaking of confidentiality and independence (Zibo art. 22, Weihai art. 24, Linyi art. 24, national art.
15): every expert and agency member signs it, once per edition, before seeing any of the edition's application
material. The text and the article are the rulebook's (``ReviewRules.undertaking_text``), copied onto the signed
row; a rulebook without the text asks for no undertaking.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.enums import AuditAction, AuditResult, Role
from accounts.rules import has_any_role
from accounts.services import audit_record
from awards.models import Edition

from .models import ReviewRules, Undertaking

SIGNERS = (Role.EXPERT, Role.AGENCY_STAFF)


def undertaking_rules(edition: Edition) -> ReviewRules | None:
    """The edition's rules when its rulebook asks for an undertaking; None when it does not."""
    rules = ReviewRules.objects.filter(rulebook_id=edition.rulebook_id).exclude(undertaking_text="").first()
    return rules


def has_signed(*, user, edition: Edition) -> bool:
    return Undertaking.objects.filter(edition=edition, user=user).exists()


def undertaking_problem(*, user, edition: Edition) -> str:
    """Why `user` may not see the edition's material yet (the undertaking is unsigned); empty when they may.
    At most two queries."""
    rules = undertaking_rules(edition)
    if rules is None or has_signed(user=user, edition=edition):
        return ""
    return _(
        "%(scheme)s %(article)s: sign the undertaking of confidentiality and independence for %(edition)s before "
        "you see its application material."
    ) % {"scheme": edition.scheme.name, "article": rules.undertaking_article, "edition": edition}


def undertaking_sign(*, edition: Edition, by, request=None) -> Undertaking:
    """The expert or agency member signs the edition's undertaking (its rulebook's text and article).

    Refuses anyone but an expert or agency staff (audited), an edition whose rulebook asks for none, a second
    signature. Side effects: inserts the Undertaking (who, when, text, article) and a CREATE audit row.
    """
    if not has_any_role(by, *SIGNERS):
        audit_record(
            action=AuditAction.PERMISSION_REFUSED,
            result=AuditResult.REFUSED,
            actor=by,
            obj=edition,
            detail="only experts and agency staff sign the undertaking",
            request=request,
        )
        raise PermissionDenied("only experts and agency staff sign the undertaking")
    rules = undertaking_rules(edition)
    if rules is None:
        raise ValidationError(
            _("%(rulebook)s asks for no undertaking of confidentiality.") % {"rulebook": edition.rulebook.title}
        )
    already = _("You have already signed the undertaking for %(edition)s.") % {"edition": edition}
    if has_signed(user=by, edition=edition):
        raise ValidationError(already)
    try:
        with transaction.atomic():
            undertaking = Undertaking.objects.create(
                edition=edition, user=by, article=rules.undertaking_article, text=rules.undertaking_text
            )
            audit_record(
                action=AuditAction.CREATE, actor=by, obj=undertaking, detail=rules.undertaking_article, request=request
            )
    except IntegrityError:  # signed concurrently
        raise ValidationError(already) from None
    return undertaking
