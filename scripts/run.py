"""Serve the portal for `make run`: a Celery worker with an embedded beat, and the web server.

The web server is gunicorn, as in production, with the embedded settings (config.settings.local: DEBUG off,
static files from WhiteNoise, SQLite in WAL mode). PORTAL_HOST and PORTAL_PORT say where it listens; the settings
read the same two variables, so PORTAL_BASE_URL (the address in certificates' QR codes) follows them unless set.
With no REDIS_URL, Celery uses a broker on the local file system (under var/), so nothing else has to run.
Stops both when interrupted.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST, PORT = os.environ.get("PORTAL_HOST", "127.0.0.1"), int(os.environ.get("PORTAL_PORT", "8000"))


def port_open() -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((HOST, PORT)) == 0


def main() -> int:
    if port_open():
        print(f"Port {PORT} on {HOST} is already in use: stop what is serving there, or set PORTAL_PORT.")
        return 1
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.local"),
    }
    celery = [
        PYTHON,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--beat",
        "--pool",
        "solo",
        "--loglevel",
        "info",
        "--scheduler",
        "django_celery_beat.schedulers:DatabaseScheduler",
    ]
    web = [
        PYTHON,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--bind",
        f"[{HOST}]:{PORT}" if ":" in HOST else f"{HOST}:{PORT}",
        "--workers",
        os.environ.get("PORTAL_WEB_WORKERS", "2"),
        "--threads",
        "4",
        "--access-logfile",
        "-",
        # No control socket under the home folder: two checkouts can each serve on their own port.
        "--no-control-socket",
    ]
    children = [subprocess.Popen(celery, cwd=ROOT, env=env), subprocess.Popen(web, cwd=ROOT, env=env)]

    def stop(*_args):
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    for _ in range(120):
        if any(child.poll() is not None for child in children):
            print("A process stopped during start-up; see the messages above.")
            stop()
        if port_open():
            break
        time.sleep(0.5)
    print(
        f"\n  The portal is ready: http://{HOST}:{PORT}/\n  Demo logins are listed in README.md. Ctrl-C stops it.\n",
        flush=True,
    )
    while all(child.poll() is None for child in children):
        time.sleep(1)
    stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
