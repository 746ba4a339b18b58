import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .enums import AuditAction, AuditResult
from .signals import SESSION_LAST_SEEN, SESSION_LOGIN_AT


class SessionTimeoutMiddleware:
    """Ends a session after SESSION_IDLE_TIMEOUT without a request or SESSION_ABSOLUTE_TIMEOUT after login."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            login_at = request.session.get(SESSION_LOGIN_AT, now)
            last_seen = request.session.get(SESSION_LAST_SEEN, now)
            idle = now - last_seen > settings.SESSION_IDLE_TIMEOUT.total_seconds()
            too_long = now - login_at > settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
            if idle or too_long:
                from .services import audit_record

                audit_record(
                    action=AuditAction.SESSION_EXPIRED,
                    actor=user,
                    request=request,
                    detail="idle timeout" if idle else "absolute timeout",
                )
                request._portal_session_expired = True
                logout(request)
                messages.info(request, _("Your session has ended. Please log in again."))
                return redirect_to_login(request.get_full_path())
            request.session.setdefault(SESSION_LOGIN_AT, login_at)
            request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)


class AuditRefusalMiddleware:
    """Writes an audit row for every permission refusal raised by a view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            from .services import audit_record

            audit_record(
                action=AuditAction.PERMISSION_REFUSED,
                result=AuditResult.REFUSED,
                request=request,
                detail=f"{request.method} {request.path}: {exception}"[:2000],
            )
        return None
