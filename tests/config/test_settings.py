import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config import env

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 20 + "Q7#xZp!2mLw9@vRt5^bNc8&dHf3*jYs"


@pytest.mark.parametrize(
    ("reader", "name", "value", "fragment"),
    [
        pytest.param(
            lambda n: env.env_bool(n, False), "DEBUG", "maybe", "DEBUG='maybe' is not a boolean", id="bool"
        ),
        pytest.param(
            lambda n: env.env_int(n, 1),
            "EMAIL_PORT",
            "twenty",
            "EMAIL_PORT='twenty' is not a whole",
            id="int",
        ),
        pytest.param(
            lambda n: env.env_int(n, 1, maximum=65535),
            "EMAIL_PORT",
            "70000",
            "above the maximum",
            id="int-range",
        ),
        pytest.param(
            lambda n: env.env_list(n), "ALLOWED_HOSTS", " , ", "ALLOWED_HOSTS holds no values", id="list"
        ),
        pytest.param(
            env.env_database,
            "DATABASE_URL",
            "mysql://u@h/db",
            "DATABASE_URL has the unsupported scheme",
            id="db-scheme",
        ),
        pytest.param(
            env.env_database,
            "DATABASE_URL",
            "postgres://u@h:5432/",
            "DATABASE_URL names no database",
            id="db-name",
        ),
        pytest.param(
            env.env_redis_url,
            "REDIS_URL",
            "localhost:6379",
            "REDIS_URL='localhost:6379' is not a Redis",
            id="redis-scheme",
        ),
        pytest.param(
            env.env_redis_url, "REDIS_URL", "redis://localhost:port/0", "has a bad port", id="redis-port"
        ),
        pytest.param(env.env_email, "DEFAULT_FROM_EMAIL", "office", "is not an e-mail address", id="email"),
    ],
)
def test_env_bad_value_names_variable(monkeypatch, reader, name, value, fragment):
    monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured) as caught:
        reader(name)
    assert fragment in str(caught.value)


def test_env_database_parses_postgres(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://portal:secret@db.example:5433/awards")
    config = env.env_database("DATABASE_URL")
    assert (config["ENGINE"], config["NAME"], config["HOST"], config["PORT"], config["USER"]) == (
        "django.db.backends.postgresql",
        "awards",
        "db.example",
        5433,
        "portal",
    )


def _import_settings(module: str, **variables) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS", "EMAIL_HOST", "DEBUG"}
    }
    return subprocess.run(
        [sys.executable, "-c", f"import {module}"],
        cwd=ROOT,
        env={**clean, **variables},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


PRODUCTION_OK = {
    "SECRET_KEY": GOOD_KEY,
    "ALLOWED_HOSTS": "portal.example.gov.cn",
    "DATABASE_URL": "postgres://portal@db/portal",
    "REDIS_URL": "redis://redis:6379/0",
}


@pytest.mark.parametrize(
    ("missing_or_bad", "fragment"),
    [
        pytest.param({"SECRET_KEY": None}, "SECRET_KEY is required", id="no-secret-key"),
        pytest.param({"SECRET_KEY": "short"}, "SECRET_KEY is too weak", id="weak-secret-key"),
        pytest.param({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS is required", id="no-allowed-hosts"),
        pytest.param({"DATABASE_URL": None}, "DATABASE_URL is required", id="no-database"),
        pytest.param({"REDIS_URL": None}, "REDIS_URL is required", id="no-redis"),
        pytest.param({"REDIS_URL": "http://x"}, "REDIS_URL='http://x' is not a Redis URL", id="bad-redis"),
        pytest.param(
            {"EMAIL_HOST": "smtp.example", "EMAIL_PORT": "abc"}, "EMAIL_PORT='abc'", id="bad-mail-port"
        ),
    ],
)
def test_production_settings_refuse_bad_environment(missing_or_bad, fragment):
    variables = {**PRODUCTION_OK, **missing_or_bad}
    result = _import_settings(
        "config.settings.production", **{k: v for k, v in variables.items() if v is not None}
    )
    assert result.returncode != 0
    assert fragment in result.stderr


def test_production_settings_load_with_good_environment():
    result = _import_settings("config.settings.production", **PRODUCTION_OK)
    assert result.returncode == 0, result.stderr


def test_local_settings_need_no_variables():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from config.settings import local as s; "
            "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.EMAIL_BACKEND)",
        ],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "EMAIL_HOST"}},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "filesystem://",
        "django.core.mail.backends.console.EmailBackend",
    ]


def test_check_deploy_has_no_warning():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            **PRODUCTION_OK,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_time_settings():
    assert (settings.TIME_ZONE, settings.USE_TZ, settings.LANGUAGE_CODE) == ("Asia/Shanghai", True, "zh-hans")


def test_session_and_lockout_settings():
    assert settings.SESSION_IDLE_TIMEOUT.total_seconds() == 30 * 60
    assert settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds() == 12 * 3600
    assert (settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME.total_seconds()) == (5, 15 * 60)
