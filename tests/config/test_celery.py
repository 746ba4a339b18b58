import os

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker

from config.celery import ping


def test_ping_task_eager():
    assert ping.delay("你好").get(timeout=5) == "你好"


def _app_for(kind: str, tmp_path) -> Celery:
    """A Celery app configured like the portal's (from Django settings), but not eager and on a real broker."""
    app = Celery(f"portal-{kind}", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.task_always_eager = False
    if kind == "redis":
        url = os.environ.get("REDIS_URL")
        if not url:
            pytest.skip("REDIS_URL is not set")
        app.conf.update(broker_url=url, result_backend=url, broker_transport_options={})
    else:
        queue = tmp_path / "queue"
        queue.mkdir()
        app.conf.update(
            broker_url="filesystem://",
            result_backend=f"file://{tmp_path}",
            broker_transport_options={
                "data_folder_in": str(queue),
                "data_folder_out": str(queue),
                "control_folder": str(tmp_path / "control"),
            },
        )
    app.task(name="portal.ping")(ping.run)
    return app


@pytest.mark.parametrize("kind", [pytest.param("redis", marks=pytest.mark.redis), "filesystem"])
def test_ping_round_trip_through_real_worker(kind, tmp_path):
    app = _app_for(kind, tmp_path)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        result = app.send_task("portal.ping", args=["质量奖"])
        assert result.get(timeout=20) == "质量奖"
    assert result.status == "SUCCESS"
