"""The embedded run (`make run`, config.settings.local) behaves like the product."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]
_DROPPED = {"DATABASE_URL", "REDIS_URL", "DEBUG", "PORTAL_BASE_URL", "PORTAL_PORT", "PORTAL_HOST", "ALLOWED_HOSTS"}


def _local(code: str, tmp_path, **variables) -> dict:
    """Run `code` under config.settings.local in a fresh interpreter; it prints one JSON document."""
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.local", PORTAL_VAR_DIR=str(tmp_path), **variables)
    result = subprocess.run(
        [sys.executable, "-c", "import django, json; django.setup(); from django.conf import settings as s; " + code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_local_settings_open_sqlite_in_wal_mode_with_busy_timeout(tmp_path):
    found = _local(
        "from django.db import connection; c = connection.cursor(); "
        "c.execute('PRAGMA journal_mode'); mode = c.fetchone()[0]; "
        "c.execute('PRAGMA busy_timeout'); busy = c.fetchone()[0]; "
        "print(json.dumps({'mode': mode, 'busy': busy, 'begin': connection.transaction_mode, "
        "'file': str(s.DATABASES['default']['NAME'])}))",
        tmp_path,
    )
    assert found == {
        "mode": "wal",
        "busy": 30000,
        "begin": "IMMEDIATE",
        "file": str(tmp_path / "portal.sqlite3"),
    }


def test_local_settings_have_debug_off_unless_asked(tmp_path):
    code = "print(json.dumps([s.DEBUG, s.WHITENOISE_USE_FINDERS, s.WHITENOISE_AUTOREFRESH, s.ALLOWED_HOSTS]))"
    assert _local(code, tmp_path) == [False, True, False, ["127.0.0.1", "localhost", "[::1]"]]
    assert _local(code, tmp_path, DEBUG="true")[:3] == [True, True, True]


@pytest.mark.parametrize(
    ("variables", "base_url", "hosts"),
    [
        pytest.param({}, "http://127.0.0.1:8000", ["127.0.0.1", "localhost", "[::1]"], id="defaults"),
        pytest.param({"PORTAL_PORT": "8790"}, "http://127.0.0.1:8790", ["127.0.0.1", "localhost", "[::1]"], id="port"),
        pytest.param(
            {"PORTAL_HOST": "192.168.1.20", "PORTAL_PORT": "9000"},
            "http://192.168.1.20:9000",
            ["127.0.0.1", "localhost", "[::1]", "192.168.1.20"],
            id="host-and-port",
        ),
        pytest.param({"PORTAL_HOST": "0.0.0.0", "PORTAL_PORT": "8080"}, "http://127.0.0.1:8080", ["*"], id="all"),
        pytest.param(
            {"PORTAL_PORT": "8790", "PORTAL_BASE_URL": "https://award.example.cn"},
            "https://award.example.cn",
            ["127.0.0.1", "localhost", "[::1]"],
            id="explicit-base-url-wins",
        ),
    ],
)
def test_portal_base_url_follows_portal_port(tmp_path, variables, base_url, hosts):
    assert _local("print(json.dumps([s.PORTAL_BASE_URL, s.ALLOWED_HOSTS]))", tmp_path, **variables) == [
        base_url,
        hosts,
    ]


def test_bad_portal_port_stops_start_up(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED}
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings.local"],
        cwd=ROOT,
        env={**env, "PORTAL_VAR_DIR": str(tmp_path), "PORTAL_PORT": "eighty"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "PORTAL_PORT='eighty' is not a whole number" in result.stderr


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_unknown_url_gets_the_portals_chinese_404_with_debug_off(client):
    response = client.get("/no-such-page/at/all/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    body = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in body
    assert '<html lang="zh-hans">' in body
    assert "URLconf" not in body


@override_settings(DEBUG=False)
@pytest.mark.parametrize(
    ("path", "content_type", "start"),
    [
        pytest.param("/favicon.ico", "image/x-icon", b"\x00\x00\x01\x00", id="favicon-ico"),
        pytest.param("/static/favicon.svg", "image/svg+xml", b"<svg", id="favicon-svg"),
        pytest.param("/static/css/portal.css", "text/css", b"", id="stylesheet"),
    ],
)
def test_static_files_and_favicon_are_served_with_debug_off(client, path, content_type, start):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == content_type
    assert b"".join(response.streaming_content).startswith(start)


@pytest.mark.django_db
def test_every_page_links_the_favicon(client):
    body = client.get("/accounts/login/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in body


@pytest.mark.django_db
def test_periodic_tasks_have_chinese_names_and_are_found_by_task_path():
    from django_celery_beat.models import PeriodicTask

    tasks = dict(PeriodicTask.objects.values_list("task", "name"))
    assert tasks == {
        "reviews.remind_due_assignments": "提醒专家按时提交评分表",
        "decisions.close_due_notices": "结束已到期的公示",
        "applications.send_unmailed_transitions": "补发未发出的状态通知邮件",
    }
    descriptions = list(PeriodicTask.objects.values_list("description", "enabled"))
    assert [(any("\u4e00" <= char <= "\u9fff" for char in text), enabled) for text, enabled in descriptions] == [
        (True, True)
    ] * 3
