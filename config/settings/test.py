"""Settings for the test suite: the real stack where DATABASE_URL / REDIS_URL are set, SQLite otherwise."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import REDIS_URL

_TMP = Path(tempfile.mkdtemp(prefix="portal-test-"))
MEDIA_ROOT = _TMP / "media"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests run tasks in-process unless a test starts a real worker against Redis.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
if not REDIS_URL:
    CELERY_RESULT_BACKEND = "cache+memory://"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Static files come from the finders in tests; there is no collected STATIC_ROOT to scan.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
