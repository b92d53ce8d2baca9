"""The production settings, plus the bare page's URL and the query-count middleware (benchmarks only)."""

from config.settings.production import *  # noqa: F403
from config.settings.production import MIDDLEWARE

ROOT_URLCONF = "tests.benchmarks.baseline.urls"
# Outermost, so the count and the time take in every other middleware (session, user, CSP...).
MIDDLEWARE = ["tests.benchmarks.baseline.middleware.QueryCountMiddleware", *MIDDLEWARE]
