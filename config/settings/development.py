"""Settings for `make run` on a developer's or a demo machine."""

from .base import *  # noqa: F403
from .env import env_bool, env_list

DEBUG = env_bool("DEBUG", True)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
DEMO_USERS_ALLOWED = True
SAMPLE_SEEDS_ALLOWED = True
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
