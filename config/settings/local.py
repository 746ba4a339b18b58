"""The embedded default used by `make run`: SQLite, media under var/, Celery on the file system, console mail.

It behaves like the product: DEBUG is off unless DEBUG=true is set, so an unknown address gets the portal's own
404 page, and WhiteNoise serves the static files straight from the source folders (nothing needs collecting).
"""

from .base import *  # noqa: F403
from .base import PORTAL_HOST, VAR_DIR, env_bool, env_list

DEBUG = env_bool("DEBUG", False)

# The embedded server answers on the loopback names; bound to every interface, it answers any host name the
# machine is reached by (a test run on a LAN), which only the embedded run may allow.
_LOOPBACK = ["127.0.0.1", "localhost", "[::1]"]
if PORTAL_HOST in {"0.0.0.0", "::"}:  # noqa: S104 - a comparison, the bind is scripts/run.py
    _HOSTS = ["*"]
else:
    _HOSTS = _LOOPBACK + ([PORTAL_HOST] if PORTAL_HOST not in _LOOPBACK else [])
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", _HOSTS)

for folder in ("media", "staticfiles", "celery/queue", "celery/processed", "celery/results", "celery/control"):
    (VAR_DIR / folder).mkdir(parents=True, exist_ok=True)

# WhiteNoise finds the static files in the source folders when the server starts; with DEBUG on it looks again
# on every request, so an edited style sheet shows without a restart.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
