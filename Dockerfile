# Production image: the portal served by gunicorn; the same image runs the Celery worker and beat
# (see docker-compose.yml). Build: docker build -t quality-award-portal .
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORTAL_VAR_DIR=/var/lib/portal

# WeasyPrint's libraries, the CJK font (a certificate without it shows boxes) and gettext for compilemessages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        libharfbuzz0b \
        fonts-noto-cjk \
        gettext \
    && rm -rf /var/lib/apt/lists/*

# The portal runs as an unprivileged user that owns only its data folder, not the code.
RUN groupadd --system --gid 10001 portal \
    && useradd --system --uid 10001 --gid portal --home-dir /app --no-create-home --shell /usr/sbin/nologin portal

WORKDIR /app

# Dependencies first, so a code change does not reinstall them. The lock pins every package with its hashes.
COPY requirements.lock ./
RUN pip install --require-hashes --no-deps -r requirements.lock

COPY . .

# Translations and static files are built into the image. The production settings refuse to load without
# their environment, so this one step gets throw-away values; none of them is kept in the image.
RUN DJANGO_SETTINGS_MODULE=config.settings.production \
    SECRET_KEY=build-only-placeholder-7Qm2Xv9Lk4Rt8Wz1Hc6Np3Bd5Fg0Js2Yu7Ea4Tk9Mr1Vx \
    ALLOWED_HOSTS=localhost \
    DATABASE_URL=postgres://build@localhost/build \
    REDIS_URL=redis://localhost:6379/0 \
    sh -c 'python manage.py compilemessages -v0 && python manage.py collectstatic --noinput -v0' \
    && mkdir -p "$PORTAL_VAR_DIR/media" \
    && chown portal:portal "$PORTAL_VAR_DIR" "$PORTAL_VAR_DIR/media"

USER portal

EXPOSE 8000

CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
