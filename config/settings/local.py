"""The embedded default used by `make run`: SQLite, media under var/, Celery on the file system, console mail."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env_bool

DEBUG = env_bool("DEBUG", True)

for folder in ("media", "celery/queue", "celery/processed", "celery/results", "celery/control"):
    (VAR_DIR / folder).mkdir(parents=True, exist_ok=True)

# The development server serves static files from the app folders; nothing needs collecting.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
