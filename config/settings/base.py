"""Settings shared by every environment."""

import datetime
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .env import env_admins, env_bool, env_choice, env_date, env_int, env_rate, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("SECRET_KEY", "insecure-development-key-not-for-production")
DEBUG = False
ALLOWED_HOSTS: list[str] = []

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "bootstrap",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "config.apps.AxesConfig",
    "csp",
    "ninja",
    "clusters",
    "assistance",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.sessions.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "config.once.SubmitOnceMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "config.middleware.PrivateCacheMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "config.navigation.navigation",
                "config.navigation.inbox_badge",
                "config.search.search_box",
                "config.navigation.bureau",
                "config.guide.help_link",
            ],
            # `{% url %}` with its addresses kept (config/links.py).
            "builtins": ["config.links"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}


# SQLite under concurrent writers: WAL lets readers carry on while one connection writes,
# IMMEDIATE takes the write lock when a transaction begins (so no transaction is refused
# half-way when it upgrades from reading to writing), and a writer waits for the lock up to
# the busy timeout instead of failing with "database is locked". PostgreSQL is left as it is.
SQLITE_OPTIONS = {
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "timeout": env_int("SQLITE_BUSY_TIMEOUT", 20),  # seconds
    "transaction_mode": "IMMEDIATE",
}


def with_sqlite_options(database: dict) -> dict:
    """The database settings, with SQLITE_OPTIONS added when the engine is SQLite."""
    if database.get("ENGINE") == "django.db.backends.sqlite3":
        database["OPTIONS"] = {**SQLITE_OPTIONS, **database.get("OPTIONS", {})}
    return database


DATABASES["default"] = with_sqlite_options(DATABASES["default"])

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "clusters.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "clusters.backends.ModelBackendWithScope",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sign-in lockout: one account from one address, so a colleague behind the same proxy can
# still sign in. The client address is REMOTE_ADDR unless the site runs behind
# TRUSTED_PROXY_COUNT proxies of its own, whose X-Forwarded-For entries are then believed.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.signin.lockout_response"
AXES_CLIENT_IP_CALLABLE = "config.signin.client_ip"
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Whom a locked-out user calls (name and telephone), shown on the lockout page.
HELPDESK_CONTACT = env_str("HELPDESK_CONTACT", "")
# Whose system this is: named on the sign-in page and at the head of every printed page.
BUREAU_NAME = env_str("BUREAU_NAME", "唐山市市场监督管理局")

# Sessions end after SESSION_IDLE_MINUTES without a request, and optionally when the browser closes as
# well. Requests renew them, writing a session at most once every SESSION_RENEW_SECONDS (config/sessions.py).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 8 * 60) * 60
SESSION_ENGINE = "config.sessions"
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", False)

# Content-Security-Policy: scripts, styles, fonts and images come from the site itself
# (Bootstrap's CSS draws some icons as data: images); no inline script or style attribute.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}

# Filters' blank choice reads "all" (django-filter's default is a row of dashes).
FILTERS_EMPTY_CHOICE_LABEL = pgettext_lazy("filter choice", "All")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", pgettext_lazy("language name", "English"))]
LOCALE_PATHS = [BASE_DIR / "config" / "locale"]
# Our formats before Django's: figures grouped in threes in Chinese too (see config/formats/zh_Hans).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"

# --- Files -------------------------------------------------------------------------------------------
# Uploaded and generated files go through the storage API: "default" for generated files, "private" for
# attachments (served only through checked views). On the filesystem by default; STORAGE_BACKEND=s3
# puts both in one S3-compatible bucket, under separate prefixes, so several app servers share them.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private")))
STORAGE_BACKEND = env_choice("STORAGE_BACKEND", "filesystem", ["filesystem", "s3"])
if STORAGE_BACKEND == "s3":
    _s3 = {
        "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME", required=True),
        "endpoint_url": env_str("AWS_S3_ENDPOINT_URL"),
        "region_name": env_str("AWS_S3_REGION_NAME"),
        "access_key": env_str("AWS_ACCESS_KEY_ID"),
        "secret_key": env_str("AWS_SECRET_ACCESS_KEY"),
        "addressing_style": env_choice("AWS_S3_ADDRESSING_STYLE", "auto", ["auto", "path", "virtual"]),
        "file_overwrite": False,
        "default_acl": None,
        "querystring_auth": True,
    }
    _FILE_STORAGES = {
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {**_s3, "location": "media"}},
        "private": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {**_s3, "location": "private"}},
    }
else:
    _FILE_STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
        },
    }
STORAGES = {
    **_FILE_STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# --- end of files ------------------------------------------------------------------------------------

# Attachments: largest accepted upload, in bytes (10 MB unless set).
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
TICKET_NUMBER_PREFIX = env_str("TICKET_NUMBER_PREFIX", "TS")
# Reviews disagree widely when their totals are further apart than this many points.
REVIEW_DISAGREEMENT_POINTS = env_int("REVIEW_DISAGREEMENT_POINTS", 150)

# Dates of records and reports: nothing the bureau records is older than this (the earliest
# seed fact is of 2009), and no report covers more than REPORT_MAX_YEARS or ends further
# than REPORT_FUTURE_DAYS ahead.
EARLIEST_RECORD_DATE = env_date("EARLIEST_RECORD_DATE", "2000-01-01")
REPORT_MAX_YEARS = 20
REPORT_FUTURE_DAYS = 366

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

PAGINATE_BY = 25

# The address users reach the site at; links in emails start with it.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "quality@localhost")

# --- Logging, error mail and health -----------------------------------------------------------------
# Every response carries an X-Request-ID (taken from the proxy when it sends a sane one); log lines of
# a request carry that id and the signed-in user's id, so one request can be followed across servers.
MIDDLEWARE = ["config.request_context.RequestIdMiddleware", *MIDDLEWARE]
ADMINS = env_admins("ADMINS")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)  # seconds; an error mail must not hold a worker for long
LOG_LEVEL = env_choice("LOG_LEVEL", "INFO", ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"], upper=True)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_context": {"()": "config.request_context.RequestContextFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "standard": {
            "format": "%(asctime)s %(levelname)s %(name)s request_id=%(request_id)s user_id=%(user_id)s %(message)s",
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "standard",
            "filters": ["request_context"],
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["console", *(["mail_admins"] if ADMINS else [])], "level": LOG_LEVEL},
    # Django's loggers (django.request, django.server, ...) reach the handlers above through the root only:
    # Django's default handlers would mail every error a second time.
    "loggers": {"django": {"handlers": [], "level": LOG_LEVEL, "propagate": True}},
}
# The load balancer probes /health/ over plain HTTP, straight to the app server.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
# --- end of logging, error mail and health -----------------------------------------------------------

# Demo accounts may be created by `load_seeds --demo-users` only where this is true.
DEMO_USERS_ALLOWED = False
DEMO_PASSWORD = "demo-2021-tangshan"

# --- Background jobs and large exports ---------------------------------------------------------------
# Jobs (mail, large exports) wait in the database and run in `manage.py db_worker`, never in a request.
INSTALLED_APPS += ["django_tasks", "config.apps.TasksDatabaseConfig"]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A mail that cannot be sent is tried this many times in all, waiting MAIL_RETRY_SECONDS, then twice as
# long after each failure; the last failure stays as a failed job in admin.
MAIL_MAX_ATTEMPTS = env_int("MAIL_MAX_ATTEMPTS", 5)
MAIL_RETRY_SECONDS = env_int("MAIL_RETRY_SECONDS", 60)
# A list of at least this many rows is exported by a job into a file kept EXPORT_RETENTION_DAYS days;
# smaller lists stream straight to the browser.
EXPORT_ASYNC_THRESHOLD = env_int("EXPORT_ASYNC_THRESHOLD", 20_000)
EXPORT_RETENTION_DAYS = env_int("EXPORT_RETENTION_DAYS", 7)
# --- end of background jobs and large exports --------------------------------------------------------

# --- Kept figures (reports/freshness.py) --------------------------------------------------------------
# Report figures and list totals are kept in this cache until a record changes, and never longer than
# FIGURES_CACHE_SECONDS. The files of CACHE_DIR are shared by every process of one app server.
CACHE_DIR = env_str("CACHE_DIR", str(BASE_DIR / "var" / "cache"))
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": CACHE_DIR,
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}
FIGURES_CACHE_SECONDS = env_int("FIGURES_CACHE_SECONDS", 300)
# --- end of kept figures -------------------------------------------------------------------------------

# --- Database outages ---------------------------------------------------------------------------------
# While the database is away every page answers 503 (config/outage.py). Production also checks reused
# connections and bounds the connect time (config/settings/database.py).
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "config.outage.DatabaseUnavailableMiddleware",
)
# --- end of database outages ------------------------------------------------------------------------------

# --- Seed data -----------------------------------------------------------------------------------------
# `load_seeds` loads the articles' sample records (sample enterprises, tickets, staff accounts) only where
# this is true, or when asked with --with-samples; `load_seeds --reference-only` is allowed everywhere.
SAMPLE_SEEDS_ALLOWED = False
# --- end of seed data ----------------------------------------------------------------------------------

# --- JSON API (config/api.py) ----------------------------------------------------------------------------
# Calls allowed per token: `600/m` is 600 a minute (s, m, h, d). Counted in the cache above, so per app
# server when each server has its own cache directory.
API_RATE = env_rate("API_RATE", "600/m")
# --- end of JSON API --------------------------------------------------------------------------------------
