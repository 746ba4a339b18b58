import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from accounts.enums import AuditAction, AuditResult, Role
from accounts.models import AuditEvent
from accounts.signals import SESSION_LAST_SEEN, SESSION_LOGIN_AT

LOGIN = "/accounts/login/"


def post_login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR="10.1.2.3")


def test_login_success_is_audited_with_ip(client, make_user, password):
    user = make_user(Role.APPLICANT, username="alice")
    response = post_login(client, "alice", password)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:dashboard")
    event = AuditEvent.objects.get(action=AuditAction.LOGIN)
    assert (event.actor_id, event.actor_username, event.result, event.ip_address) == (
        user.pk,
        "alice",
        AuditResult.SUCCESS,
        "10.1.2.3",
    )


def test_login_failure_is_audited_and_keeps_username(client, make_user):
    make_user(Role.APPLICANT, username="alice")
    response = post_login(client, "alice", "wrong-Password-1")
    assert response.status_code == 200
    assert response.context["form"]["username"].value() == "alice"
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert (event.actor_id, event.actor_username, event.result) == (None, "alice", AuditResult.FAILURE)


def test_login_locks_after_five_failures_for_fifteen_minutes(client, make_user, password):
    make_user(Role.APPLICANT, username="alice")
    for _ in range(4):
        assert post_login(client, "alice", "wrong-Password-1").status_code == 200
    # The fifth failure locks the account.
    assert post_login(client, "alice", "wrong-Password-1").status_code == 429
    # Now even the right password is refused.
    locked = post_login(client, "alice", password)
    assert locked.status_code == 429
    assert "15" in locked.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_LOCKED).count() >= 1
    # After the cool-off the account opens again.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=15, seconds=1))
    assert post_login(client, "alice", password).status_code == 302


def test_login_lock_is_per_account(client, make_user, password):
    make_user(Role.APPLICANT, username="alice")
    make_user(Role.APPLICANT, username="bob")
    for _ in range(5):
        post_login(client, "alice", "wrong-Password-1")
    assert post_login(client, "bob", password).status_code == 302


def test_login_four_failures_do_not_lock(client, make_user, password):
    make_user(Role.APPLICANT, username="alice")
    for _ in range(4):
        post_login(client, "alice", "wrong-Password-1")
    assert post_login(client, "alice", password).status_code == 302


def _age_session(client, *, login_ago: float, idle: float):
    session = client.session
    now = time.time()
    session[SESSION_LOGIN_AT] = now - login_ago
    session[SESSION_LAST_SEEN] = now - idle
    session.save()


@pytest.mark.parametrize(
    ("login_ago", "idle", "expired", "reason"),
    [
        pytest.param(60 * 60, 29 * 60, False, "", id="idle-29-minutes-kept"),
        pytest.param(60 * 60, 31 * 60, True, "idle timeout", id="idle-31-minutes-ends"),
        pytest.param(11.9 * 3600, 60, False, "", id="active-11h54-kept"),
        pytest.param(12 * 3600 + 60, 60, True, "absolute timeout", id="active-12h01-ends"),
    ],
)
def test_session_timeouts(client, make_user, login_ago, idle, expired, reason):
    user = make_user(Role.APPLICANT)
    client.force_login(user)
    _age_session(client, login_ago=login_ago, idle=idle)
    response = client.get(reverse("accounts:dashboard"))
    if expired:
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)
        event = AuditEvent.objects.get(action=AuditAction.SESSION_EXPIRED)
        assert (event.actor_id, event.detail) == (user.pk, reason)
        assert client.get(reverse("accounts:dashboard")).status_code == 302
    else:
        assert response.status_code == 200
        assert not AuditEvent.objects.filter(action=AuditAction.SESSION_EXPIRED).exists()


def test_logout_is_post_only_and_audited(client, make_user):
    user = make_user(Role.APPLICANT)
    client.force_login(user)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.LOGOUT, actor=user).count() == 1


def test_password_change_enforces_rules_and_is_audited(client, make_user, password):
    user = make_user(Role.APPLICANT)
    client.force_login(user)
    weak = client.post(
        "/accounts/password/",
        {"old_password": password, "new_password1": "short1A", "new_password2": "short1A"},
    )
    assert weak.status_code == 200
    assert weak.context["form"].errors["new_password2"]
    good = client.post(
        "/accounts/password/",
        {"old_password": password, "new_password1": "Better-Quality-9", "new_password2": "Better-Quality-9"},
    )
    assert good.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Better-Quality-9")
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGE, actor=user).count() == 1
