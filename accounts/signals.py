import time

from axes.signals import user_locked_out
from django.apps import apps
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from .enums import AuditAction, AuditResult

SESSION_LOGIN_AT = "portal_login_at"
SESSION_LAST_SEEN = "portal_last_seen"


@receiver(user_logged_in)
def on_logged_in(sender, request, user, **kwargs):
    from .services import audit_record

    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SESSION_LOGIN_AT] = now
        request.session[SESSION_LAST_SEEN] = now
    audit_record(action=AuditAction.LOGIN, actor=user, request=request)


@receiver(user_logged_out)
def on_logged_out(sender, request, user, **kwargs):
    from .services import audit_record

    if user is not None and not getattr(request, "_portal_session_expired", False):
        audit_record(action=AuditAction.LOGOUT, actor=user, request=request)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    from .services import audit_record

    audit_record(
        action=AuditAction.LOGIN_FAILED,
        result=AuditResult.FAILURE,
        username=str(credentials.get("username", ""))[:150],
        request=request,
    )


@receiver(user_locked_out)
def on_locked_out(sender, request, username, ip_address, **kwargs):
    from .services import audit_record

    audit_record(
        action=AuditAction.LOGIN_LOCKED,
        result=AuditResult.REFUSED,
        username=str(username or "")[:150],
        request=request,
        detail="account locked after repeated failed logins",
    )


@receiver(post_migrate)
def on_post_migrate(sender, **kwargs):
    # Permissions of every app exist only once the last app has migrated, so sync the role groups then.
    configs = list(apps.get_app_configs())
    if sender.label != configs[-1].label:
        return
    from .services import roles_sync

    roles_sync()
