"""Settings for every environment, read from environment variables (see docs/operations.md).

APP_ENV selects the defaults: ``development`` (default), ``test`` or ``production``.
DATABASE_URL and REDIS_URL are required in production; elsewhere they default to local servers, and
``python -m config.devstack`` (``make run`` / ``make test``) sets them to embedded PostgreSQL and
Redis servers when they are not given.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
import pghistory
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


APP_ENV = env("APP_ENV", "development")
if APP_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(f"APP_ENV must be development, test or production, not {APP_ENV!r}")
PRODUCTION = APP_ENV == "production"

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set in production")
    SECRET_KEY = "insecure-development-key-" + "x" * 40

DEBUG = env_bool("DEBUG", APP_ENV == "development")
ALLOWED_HOSTS = [h.strip() for h in env("ALLOWED_HOSTS", "" if PRODUCTION else "*").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in env("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "import_export",
    "accountability",
    "households",
    "visits",
    "funds",
    "inspections",
    "assessment",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "accountability.platform.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "accountability.platform.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # privileged users whose session has no verified second factor reach only the enrolment,
    # verification and logout pages (accountability/access/second_factor.py, docs/decisions/0028)
    "accountability.access.second_factor.SecondFactorMiddleware",
    "accountability.platform.middleware.HistoryContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accountability.platform.middleware.ControlCharacterMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accountability.platform.views.unread_count",
            ],
        },
    }
]

# --- database: PostgreSQL only -------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL")
if not DATABASE_URL:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "DATABASE_URL must be set in production (postgres://user:password@host/db)"
        )
    # Outside production a local default lets commands that need no database run (makemigrations,
    # check); `make run` / `make test` and `python -m config.devstack manage …` set the real URL.
    DATABASE_URL = "postgres://postgres@127.0.0.1:5432/fupin"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("Only PostgreSQL is supported (DATABASE_URL must start with postgres://)")
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# the test database is named after the database in use, so that checkouts sharing a server never collide
DATABASES["default"].setdefault("TEST", {})["NAME"] = env(
    "TEST_DATABASE_NAME", f"test_{DATABASES['default']['NAME']}"
)
if APP_ENV == "test":
    # the tests need no durability: a commit does not wait for the disk to flush the WAL (on a busy
    # machine each wait took ~70 ms, and a transactional test commits hundreds of times;
    # docs/decisions/0030). Never outside APP_ENV=test.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache, Celery --------------------------------------------------------------------
REDIS_URL = env("REDIS_URL")
if not REDIS_URL:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "REDIS_URL must be set in production (redis://host:port/db or unix:///path)"
        )
    REDIS_URL = "redis://127.0.0.1:6379/0"


def celery_broker_url(redis_url: str) -> str:
    """Kombu names a Redis unix socket ``redis+socket://``; redis-py names it ``unix://``."""
    if redis_url.startswith("unix://"):
        return "redis+socket://" + redis_url.removeprefix("unix://")
    return redis_url


CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        # parallel test workers (pytest-xdist) and the Celery workers they start share one Redis
        "KEY_PREFIX": env("PYTEST_XDIST_WORKER", "") if APP_ENV == "test" else "",
    }
}
#: how long the dashboard keeps a metric's figures (assessment/selectors.py); 0: computed on each view
DASHBOARD_CACHE_SECONDS = env_int("DASHBOARD_CACHE_SECONDS", 0 if APP_ENV == "test" else 300)
# the worker computes the dashboard's figures for every unit each hour (beat: assessment.warm_dashboard)
# and they are read for this long; 0 switches the snapshot off (tests: computed on each visit)
DASHBOARD_WARM_SECONDS = env_int("DASHBOARD_WARM_SECONDS", 0 if APP_ENV == "test" else 3 * 3600)
CELERY_BROKER_URL = celery_broker_url(REDIS_URL)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SYNC_EVERY = 1  # record last_run_at after every task sent: the health page reads it
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", "celery")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)

# --- auth, sessions, lockout -----------------------------------------------------------------
AUTH_USER_MODEL = "accountability.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accountability.platform.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)  # idle timeout: renewed on every request
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("AXES_ENABLED", True)
#: reverse proxies in front of Django that append the client address to X-Forwarded-For (the
#: documented nginx: 1); the lockout and the audit records take the client address from there
#: (accountability/access/client_ip.py, docs/operations.md "Proxies and lockout"). 0 = no proxy.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1)
#: the addresses those proxies connect from: X-Forwarded-For is read only on requests from them, so a
#: client reaching gunicorn directly cannot choose its own address (and dodge the lockout)
TRUSTED_PROXY_ADDRESSES = [
    a.strip() for a in env("TRUSTED_PROXY_ADDRESSES", "127.0.0.1,::1").split(",") if a.strip()
]
AXES_CLIENT_IP_CALLABLE = "accountability.access.client_ip.client_ip"

# --- second factor (django-otp; docs/operations.md "Second factor", docs/decisions/0028) -----
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", "脱贫攻坚责任制与问责管理")
OTP_LOGIN_URL = "otp-verify"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows a device's secret key
#: the demo city's privileged accounts get a TOTP device with the documented demo secret
#: (accountability/demo/users.py) — never in production, whatever the variable says
DEMO_SECOND_FACTOR = env_bool("DEMO_SECOND_FACTOR", True) and not PRODUCTION

# --- security --------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_REFERRER_POLICY = "same-origin"
SILENCED_SYSTEM_CHECKS = [] if env_bool("SECURE_HSTS_PRELOAD", False) else ["security.W021"]

# --- language and time -----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- static and uploads ----------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / ".data" / "media")))
MEDIA_URL = "media/"
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)
IMPORT_MAX_UNCOMPRESSED_BYTES = env_int("IMPORT_MAX_UNCOMPRESSED_BYTES", 600 * 1024 * 1024)
IMPORT_MAX_ZIP_ENTRIES = env_int("IMPORT_MAX_ZIP_ENTRIES", 1000)
IMPORT_MAX_COMPRESSION_RATIO = env_int("IMPORT_MAX_COMPRESSION_RATIO", 200)
IMPORT_ASYNC_MIN_BYTES = env_int("IMPORT_ASYNC_MIN_BYTES", 512 * 1024)  # larger uploads run on Celery
# an import uploaded, validating or writing for longer than this is failed by the periodic task
IMPORT_STUCK_AFTER_MINUTES = env_int("IMPORT_STUCK_AFTER_MINUTES", 60)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- email -----------------------------------------------------------------------------------
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "fupin@localhost")
SITE_URL = env("SITE_URL", "")  # e.g. https://fupin.example.gov.cn, for links in emails

# --- API -------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # a privileged user's session counts only once verified with the second factor, and a
        # privileged user's token not at all (docs/decisions/0028)
        "accountability.access.second_factor.VerifiedSessionAuthentication",
        "accountability.access.second_factor.UnprivilegedTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "accountability.api.pagination.BoundedLimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "accountability.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "accountability.api.base.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "脱贫攻坚责任制与问责管理 API",
    "DESCRIPTION": "Poverty-alleviation accountability management. Every endpoint is scoped to the "
    "caller's jurisdiction.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # the error answers (400/401/403/404/429) of every operation, in the one error shape
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "accountability.api.schema.document_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "LedgerEntryKindEnum": "funds.ledger.models.EntryKind",
        "LedgerAccountKindEnum": "funds.ledger.models.AccountKind",
        "DisbursementStageEnum": "funds.ledger.models.Stage",
        "ProjectStageEnum": "funds.models.Stage",
        "CaseSeverityEnum": "accountability.cases.situations.Severity",
        "PovertyCauseEnum": "households.models.PovertyCause",
        "HouseholdStatusEnum": "households.models.HouseholdStatus",
        "FindingStatusEnum": "households.models.FindingStatus",
        "ImportStatusEnum": "accountability.importing.models.ImportStatus",
        "VisitKindEnum": "visits.models.VisitKind",
        "StationedSourceEnum": "visits.models.StationedSource",
        "AccountabilityFormEnum": "accountability.cases.situations.AccountabilityForm",
        "FundAcceptanceGradeEnum": "funds.models.Grade",
        "InspectionFindingStatusEnum": "inspections.models.FindingStatus",
        "InspectionSeverityEnum": "inspections.models.FindingSeverity",
        "ProblemSourceEnum": "inspections.models.ProblemSource",
        "TransferToEnum": "inspections.models.TransferTo",
        "RoundKindEnum": "inspections.models.RoundKind",
    },
}


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # ID numbers typed into search boxes travel in query strings: masked in every log line
    "filters": {"mask_personal_data": {"()": "accountability.access.personal_data.MaskPersonalDataFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["mask_personal_data"]}
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # the development server's request lines, through the masking handler
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# History (django-pghistory): event rows are looked up by the tracked object and by context, so
# those keep their indexes; copied foreign keys (a member's household, a household's village) are
# not queried through the event tables and go unindexed — a 350,000-row import writes 350,000
# event rows, and every index on them costs (docs/decisions/0004).
PGHISTORY_OBJ_FIELD = pghistory.ObjForeignKey(db_index=True)
PGHISTORY_CONTEXT_FIELD = pghistory.ContextForeignKey(db_index=True)
PGHISTORY_FOREIGN_KEY_FIELD = pghistory.ForeignKey(db_index=False)
