"""The deployment files: docker-compose.yml, the Dockerfile and the vendored front-end assets.

Docker cannot run here, so these read the files: they need neither a database nor a container engine.
"""

import re
import shlex
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
PORTAL_SERVICES = ("web", "worker", "beat")
DATABASE_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"


@pytest.fixture(scope="module")
def compose() -> dict:
    with (ROOT / "docker-compose.yml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="module")
def dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text(encoding="utf-8")


def dockerfile_instructions(text: str) -> list[str]:
    """The instructions, continuation lines joined and comments dropped."""
    instructions, current = [], ""
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        instructions.append(current + stripped)
        current = ""
    if current:
        instructions.append(current)
    return instructions


def command_words(service: dict) -> list[str]:
    command = service.get("command")
    assert command, "the service sets no command"
    return shlex.split(command) if isinstance(command, str) else [str(word) for word in command]


# docker-compose.yml


def test_compose_has_exactly_the_five_services(compose):
    assert set(compose["services"]) == {"web", "worker", "beat", "postgres", "redis"}


@pytest.mark.parametrize("name", PORTAL_SERVICES)
def test_portal_services_build_the_image_and_use_the_production_settings(compose, name):
    service = compose["services"][name]
    assert "build" in service
    environment = service["environment"]
    assert environment["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    assert environment["DATABASE_URL"] == "postgres://portal:portal@postgres:5432/portal"
    assert environment["REDIS_URL"] == "redis://redis:6379/0"
    assert environment["PORTAL_VAR_DIR"] == "/var/lib/portal"
    # Compose refuses to start without them instead of running with an empty secret.
    assert environment["SECRET_KEY"].startswith("${SECRET_KEY:?")
    assert environment["ALLOWED_HOSTS"].startswith("${ALLOWED_HOSTS:?")
    assert environment["SECURE_SSL_REDIRECT"] == "${SECURE_SSL_REDIRECT:-true}"


@pytest.mark.parametrize("name", PORTAL_SERVICES)
def test_portal_services_wait_for_healthy_postgres_and_redis(compose, name):
    depends_on = compose["services"][name]["depends_on"]
    assert depends_on["postgres"]["condition"] == "service_healthy"
    assert depends_on["redis"]["condition"] == "service_healthy"


def test_web_migrates_then_runs_gunicorn(compose):
    script = " ".join(command_words(compose["services"]["web"]))
    migrate = script.index("python manage.py migrate --noinput")
    gunicorn = script.index("gunicorn config.wsgi:application")
    assert migrate < gunicorn
    assert "&&" in script[migrate:gunicorn], "gunicorn must not start when the migrations fail"


def test_worker_runs_a_celery_worker(compose):
    words = command_words(compose["services"]["worker"])
    assert words[:4] == ["celery", "-A", "config", "worker"]


def test_beat_runs_celery_beat_with_the_database_scheduler(compose):
    words = command_words(compose["services"]["beat"])
    assert words[:4] == ["celery", "-A", "config", "beat"]
    assert words[words.index("--scheduler") + 1] == DATABASE_SCHEDULER


def test_web_and_worker_share_the_uploads_volume(compose):
    def media_volumes(name):
        return {
            volume.split(":")[0]
            for volume in compose["services"][name].get("volumes", [])
            if volume.split(":")[1] == "/var/lib/portal/media"
        }

    shared = media_volumes("web") & media_volumes("worker")
    assert shared, "web and worker must mount the same volume on the uploads folder"
    assert shared <= set(compose["volumes"]), "the uploads volume must be a named volume"


def test_postgres_and_redis_have_healthchecks(compose):
    services = compose["services"]
    assert services["postgres"]["image"].split(":")[1] == "16"
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert any(volume.endswith(":/var/lib/postgresql/data") for volume in services["postgres"]["volumes"])
    assert services["redis"]["image"].split(":")[1] == "7"
    assert "redis-cli ping" in " ".join(services["redis"]["healthcheck"]["test"])


# Dockerfile


def test_dockerfile_base_image(dockerfile):
    assert dockerfile_instructions(dockerfile)[0] == "FROM python:3.11-slim-bookworm"


def test_dockerfile_installs_weasyprint_libraries_and_the_cjk_font(dockerfile):
    apt = " ".join(line for line in dockerfile_instructions(dockerfile) if "apt-get install" in line).split()
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "libharfbuzz0b",
                    "fonts-noto-cjk", "gettext"):
        assert package in apt


def test_dockerfile_installs_from_the_hashed_lock(dockerfile):
    pip = [line for line in dockerfile_instructions(dockerfile) if "pip install" in line]
    assert len(pip) == 1
    words = pip[0].split()
    assert "--require-hashes" in words
    assert "--no-deps" in words
    assert words[words.index("-r") + 1] == "requirements.lock"


def test_dockerfile_build_step_uses_production_settings_and_throwaway_values(dockerfile):
    instructions = dockerfile_instructions(dockerfile)
    build = [line for line in instructions if "collectstatic" in line]
    assert len(build) == 1 and build[0].startswith("RUN ")
    assert "compilemessages" in build[0]
    assert "DJANGO_SETTINGS_MODULE=config.settings.production" in build[0]
    # The placeholder must pass the production settings' own strength check...
    secret = re.search(r"SECRET_KEY=(\S+)", build[0]).group(1)
    assert len(secret) >= 50 and len(set(secret)) >= 5 and not secret.startswith("insecure")
    # ...and must not outlive that one step.
    persistent = [line for line in instructions if line.split()[0] in {"ENV", "ARG"}]
    assert not any("SECRET_KEY" in line for line in persistent)


def test_dockerfile_runs_gunicorn_as_a_non_root_user(dockerfile):
    instructions = dockerfile_instructions(dockerfile)
    users = [line.split()[1] for line in instructions if line.startswith("USER ")]
    assert users and users[-1] not in {"root", "0"}
    assert instructions[-1].startswith("CMD ")
    assert "gunicorn" in instructions[-1] and "config.wsgi:application" in instructions[-1]


def test_dockerignore_keeps_local_state_out(dockerfile):
    patterns = {line.strip() for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()}
    for pattern in (".venv", "var", ".git", "test-results"):
        assert pattern in patterns
    assert patterns & {"__pycache__", "**/__pycache__"}
    assert patterns & {"node_modules", "**/node_modules"}


# Front-end assets


def test_bootstrap_5_is_vendored():
    css = ROOT / "static/vendor/bootstrap/css/bootstrap.min.css"
    assert css.is_file()
    banner = re.search(r"Bootstrap\s+v(\d+)\.(\d+)\.(\d+)", css.read_text(encoding="utf-8")[:300])
    assert banner, "bootstrap.min.css does not start with the Bootstrap banner"
    assert banner.group(1) == "5"
    for path in ("css/bootstrap.min.css.map", "js/bootstrap.bundle.min.js", "js/bootstrap.bundle.min.js.map",
                 "LICENSE"):
        assert (ROOT / "static/vendor/bootstrap" / path).is_file(), path


def test_bootstrap_icons_font_is_where_its_css_looks():
    font_dir = ROOT / "static/vendor/bootstrap-icons/font"
    css = (font_dir / "bootstrap-icons.min.css").read_text(encoding="utf-8")
    urls = re.findall(r"url\(\"?([^\")?]+)", css)
    assert urls
    for url in urls:
        assert (font_dir / url).is_file(), url
    assert (ROOT / "static/vendor/bootstrap-icons/LICENSE").is_file()


REMOTE_ASSET = re.compile(
    r"<script\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//"
    r"|<link\b[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//"
    r"|@import\s+(?:url\()?[\"']?(?:https?:)?//",
    re.IGNORECASE,
)


def test_no_template_or_static_file_loads_css_or_js_from_a_cdn():
    vendor = ROOT / "static" / "vendor"
    offenders = []
    for folder in (ROOT / "templates", ROOT / "static"):
        for path in folder.rglob("*"):
            if not path.is_file() or path.is_relative_to(vendor):
                continue
            if path.suffix not in {".html", ".txt", ".css", ".js"}:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            name = path.relative_to(ROOT)
            offenders += [f"{name}: {match.group(0)}" for match in REMOTE_ASSET.finditer(text)]
    assert not offenders, offenders
