"""Django settings for Marquee.

Every setting that differs between a laptop and production comes from the
environment: ``DATABASE_URL``, ``SECRET_KEY``, ``DEBUG``, ``ALLOWED_HOSTS``,
``REDIS_URL``, ``MARQUEE_OUTBOX_MODE``. The default is the embedded SQLite
database under ``var/``.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("MARQUEE_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


#: ``MARQUEE_ENV=production`` demands secrets from the environment and secure cookies.
PRODUCTION = os.environ.get("MARQUEE_ENV", "").lower() == "production"


def _secret_key() -> str:
    """The key comes from the environment; locally a random one is kept under var/."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("MARQUEE_ENV=production needs SECRET_KEY in the environment.")
    path = VAR_DIR / "secret_key"
    if not path.exists():
        import secrets

        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("DEBUG", False)
ALLOWED_HOSTS = [
    h for h in os.environ.get("ALLOWED_HOSTS", "" if PRODUCTION else "*").split(",") if h
]
if PRODUCTION and not ALLOWED_HOSTS:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("MARQUEE_ENV=production needs ALLOWED_HOSTS in the environment.")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",
    "marquee.core",
    "marquee.accounts",
    "marquee.catalog",
    "marquee.venues",
    "marquee.ticketing",
    "marquee.payments",
    "marquee.finance",
    "marquee.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "marquee.urls"
WSGI_APPLICATION = "marquee.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- database -----------------------------------------------------------------
DEFAULT_SQLITE_URL = f"sqlite:///{VAR_DIR / 'marquee.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", DEFAULT_SQLITE_URL),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE takes the write
    # lock at BEGIN so two writers queue instead of failing mid-transaction.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
        ),
    }
# Parallel test runs against one PostgreSQL server each pick their own test database.
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME") or None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# --- caches -------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- i18n ---------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文"), ("zh-hant", "繁體中文")]
LOCALE_PATHS = [BASE_DIR / "src" / "marquee" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static and media ---------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Before `collectstatic` has run (tests, a fresh checkout) there is no manifest:
# serve plain names instead of failing on every {% static %}.
if not (STATIC_ROOT / "staticfiles.json").exists():
    STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"

# --- mail ---------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Marquee <no-reply@marquee.example>")

# --- security -----------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the seat map's fetch() reads it
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if PRODUCTION or _env_bool("MARQUEE_SECURE", False):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- logging ------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {"marquee": {"level": os.environ.get("MARQUEE_LOG_LEVEL", "INFO")}},
}

# --- Marquee ------------------------------------------------------------------
# "immediate": outbox consumers run right after each commit (demo, tests);
# "worker": `marquee worker` drains the outbox.
MARQUEE_OUTBOX_MODE = os.environ.get("MARQUEE_OUTBOX_MODE", "immediate")

# Ticketing rules (each can come from the environment).
MARQUEE_HOLD_MINUTES = int(os.environ.get("MARQUEE_HOLD_MINUTES", "10"))
MARQUEE_MAX_SEATS_PER_ORDER = int(os.environ.get("MARQUEE_MAX_SEATS_PER_ORDER", "6"))
MARQUEE_CLEANING_BUFFER_MINUTES = int(os.environ.get("MARQUEE_CLEANING_BUFFER_MINUTES", "15"))
MARQUEE_DOORS_OPEN_MINUTES = int(os.environ.get("MARQUEE_DOORS_OPEN_MINUTES", "60"))

# Rate limits per scope: per signed-in account and per client address
# ("N/s", "N/min", "N/h"). Shared across workers only when REDIS_URL is set.
MARQUEE_RATE_LIMITS = {
    "holds": {
        "account": os.environ.get("MARQUEE_HOLD_RATE_ACCOUNT", "20/min"),
        "ip": os.environ.get("MARQUEE_HOLD_RATE_IP", "600/min"),
    },
}
MARQUEE_TRUSTED_PROXIES = int(os.environ.get("MARQUEE_TRUSTED_PROXIES", "0"))

# Finance: the month the fiscal year starts in (the demo company's starts in April).
MARQUEE_FISCAL_YEAR_START_MONTH = int(os.environ.get("MARQUEE_FISCAL_YEAR_START_MONTH", "4"))
# The gateway's fee (payments records none), a decimal fraction: "0.006" is 0.6 %.
MARQUEE_FINANCE_GATEWAY_FEE_RATE = os.environ.get("MARQUEE_FINANCE_GATEWAY_FEE_RATE", "0.006")
# The catalog company whose distributed titles earn distribution revenue.
MARQUEE_FINANCE_STUDIO_COMPANY = os.environ.get(
    "MARQUEE_FINANCE_STUDIO_COMPANY", "marquee-pictures"
)
