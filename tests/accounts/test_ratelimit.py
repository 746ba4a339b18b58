"""The per-address request counter of public forms."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory, override_settings

from accounts.ratelimit import limit_for, over_limit


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def request_from(address: str):
    return RequestFactory().post("/", REMOTE_ADDR=address)


def test_over_limit_false_up_to_the_limit_then_true():
    request = request_from("10.0.0.1")
    assert [over_limit(request, "form", 3, 60) for _i in range(5)] == [False, False, False, True, True]


def test_over_limit_counts_each_address_apart():
    for _i in range(2):
        over_limit(request_from("10.0.0.1"), "form", 2, 60)
    assert over_limit(request_from("10.0.0.1"), "form", 2, 60) is True
    assert over_limit(request_from("10.0.0.2"), "form", 2, 60) is False


def test_over_limit_counts_each_scope_apart():
    request = request_from("10.0.0.1")
    over_limit(request, "one", 1, 60)
    assert over_limit(request, "one", 1, 60) is True
    assert over_limit(request, "two", 1, 60) is False


def test_over_limit_starts_again_when_the_window_expired():
    request = request_from("10.0.0.1")
    over_limit(request, "form", 1, 60)
    assert over_limit(request, "form", 1, 60) is True
    cache.delete("ratelimit:form:10.0.0.1")
    assert over_limit(request, "form", 1, 60) is False


@override_settings(RATE_LIMITS={"form": (1, 30)})
def test_over_limit_settings_override_the_caller():
    request = request_from("10.0.0.1")
    assert limit_for("form", 10, 60) == (1, 30)
    assert limit_for("other", 10, 60) == (10, 60)
    assert [over_limit(request, "form", 10, 60) for _i in range(2)] == [False, True]


@override_settings(AUDIT_TRUST_X_FORWARDED_FOR=True)
def test_over_limit_keys_on_the_forwarded_address_when_trusted():
    first = RequestFactory().post("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="203.0.113.5")
    second = RequestFactory().post("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert over_limit(first, "form", 1, 60) is False
    assert over_limit(first, "form", 1, 60) is True
    assert over_limit(second, "form", 1, 60) is False
