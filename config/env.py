"""Typed readers for settings taken from the environment.

Each reader fails loudly, naming the variable, so a bad deployment stops at start-up instead of
misbehaving later.
"""

import os
from urllib.parse import urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str | None:
    value = _raw(name)
    if value is None:
        if required:
            raise ImproperlyConfigured(f"Environment variable {name} is required but not set.")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"Environment variable {name}={value!r} is not a boolean (use true or false).")


def env_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"Environment variable {name}={value!r} is not a whole number.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"Environment variable {name}={number} is below the minimum {minimum}.")
    if maximum is not None and number > maximum:
        raise ImproperlyConfigured(f"Environment variable {name}={number} is above the maximum {maximum}.")
    return number


def env_list(name: str, default: list[str] | None = None, *, required: bool = False) -> list[str]:
    value = _raw(name)
    if value is None:
        if required:
            raise ImproperlyConfigured(f"Environment variable {name} is required but not set.")
        return list(default or [])
    items = [item.strip() for item in value.split(",") if item.strip()]
    if not items:
        raise ImproperlyConfigured(f"Environment variable {name} holds no values.")
    return items


def env_database(name: str, default: str | None = None) -> dict:
    value = _raw(name) or default
    if value is None:
        raise ImproperlyConfigured(f"Environment variable {name} is required but not set.")
    scheme = urlparse(value).scheme
    if scheme not in {"postgres", "postgresql", "sqlite"}:
        raise ImproperlyConfigured(
            f"Environment variable {name} has the unsupported scheme {scheme!r}: use postgres:// or sqlite://."
        )
    try:
        config = dj_database_url.parse(value, conn_max_age=60, conn_health_checks=True)
    except Exception as exc:  # the parser raises several kinds; all mean a bad URL
        raise ImproperlyConfigured(
            f"Environment variable {name} is not a valid database URL: {exc}"
        ) from None
    if scheme != "sqlite" and not config.get("NAME"):
        raise ImproperlyConfigured(f"Environment variable {name} names no database.")
    return config


def _masked(url: str) -> str:
    parsed = urlparse(url)
    if parsed.password:
        return url.replace(f":{parsed.password}@", ":***@", 1)
    return url


def env_redis_url(name: str) -> str | None:
    value = _raw(name)
    if value is None:
        return None
    parsed = urlparse(value)
    shown = _masked(value)
    if parsed.scheme not in {"redis", "rediss"} or not parsed.hostname:
        raise ImproperlyConfigured(
            f"Environment variable {name}={shown!r} is not a Redis URL (redis://host:port/db)."
        )
    try:
        parsed.port  # noqa: B018 - raises ValueError on a non-numeric port
    except ValueError:
        raise ImproperlyConfigured(f"Environment variable {name}={shown!r} has a bad port.") from None
    return value


def env_email(name: str, default: str | None = None) -> str | None:
    value = env_str(name, default)
    if value is not None and ("@" not in value or value.startswith("@") or value.endswith("@")):
        raise ImproperlyConfigured(f"Environment variable {name}={value!r} is not an e-mail address.")
    return value
