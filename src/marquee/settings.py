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
#: Outside production only the local names answer: a forged ``Host`` header
#: (which would end up in password-reset links) is refused with a 400.
LOCAL_HOSTS = "localhost,127.0.0.1,[::1],testserver"
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "" if PRODUCTION else LOCAL_HOSTS).split(",")
    if h.strip()
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
    "csp",
    "marquee.core",
    "marquee.accounts",
    "marquee.places",
    "marquee.catalog",
    "marquee.venues",
    "marquee.ticketing",
    "marquee.payments",
    "marquee.finance",
    "marquee.investment",
    "marquee.crowdfunding",
    "marquee.rights",
    "marquee.analytics",
    "marquee.marketing",
    "marquee.merch",
    "marquee.web",
    "marquee.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "marquee.middleware.RejectNulMiddleware",
    "marquee.middleware.ApiProblemMiddleware",
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
MARQUEE_MAX_HELD_SEATS_PER_SHOWTIME = int(
    os.environ.get("MARQUEE_MAX_HELD_SEATS_PER_SHOWTIME", "6")
)
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

# --- payments: the provider for new payments and each provider's credentials -----
# MARQUEE_PAYMENT_PROVIDER names the provider new payments use: "alipay",
# "wechatpay" or "stripe"; "sim" (the simulated gateway, the default outside
# production) does not exist in production, where a real provider is required.
# Every credential comes from the environment; a key may instead be read from the
# file named by the same variable with a _FILE suffix. docs/payments.md has the table.
MARQUEE_PAYMENT_PROVIDER = (
    os.environ.get("MARQUEE_PAYMENT_PROVIDER", "" if PRODUCTION else "sim").strip().lower()
)
if PRODUCTION and MARQUEE_PAYMENT_PROVIDER in {"", "sim"}:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "MARQUEE_ENV=production needs MARQUEE_PAYMENT_PROVIDER set to a real provider "
        "(alipay, wechatpay or stripe): the simulated gateway gives tickets away and "
        "does not exist in production."
    )


def _env_secret(name: str) -> str:
    """``$NAME``, else the contents of the file named by ``$NAME_FILE``, else ""."""
    value = os.environ.get(name, "")
    path = os.environ.get(f"{name}_FILE", "")
    if not value and path:
        value = Path(path).read_text()
    return value.strip()


#: HMAC secret of the simulated gateway's callbacks (outside production only).
MARQUEE_SIM_PROVIDER_SECRET = _env_secret("MARQUEE_SIM_PROVIDER_SECRET")
#: The site's public base URL (https://tickets.example.com): gateways call back and
#: send buyers back to absolute URLs under it.
MARQUEE_PUBLIC_URL = os.environ.get("MARQUEE_PUBLIC_URL", "").strip().rstrip("/")
MARQUEE_ALIPAY = {
    "app_id": os.environ.get("MARQUEE_ALIPAY_APP_ID", "").strip(),
    "private_key": _env_secret("MARQUEE_ALIPAY_PRIVATE_KEY"),
    "alipay_public_key": _env_secret("MARQUEE_ALIPAY_PUBLIC_KEY"),
    "gateway": os.environ.get("MARQUEE_ALIPAY_GATEWAY", "https://openapi.alipay.com/gateway.do"),
}
MARQUEE_WECHATPAY = {
    "mchid": os.environ.get("MARQUEE_WECHATPAY_MCHID", "").strip(),
    "appid": os.environ.get("MARQUEE_WECHATPAY_APPID", "").strip(),
    "private_key": _env_secret("MARQUEE_WECHATPAY_PRIVATE_KEY"),
    "cert_serial_no": os.environ.get("MARQUEE_WECHATPAY_CERT_SERIAL_NO", "").strip(),
    "apiv3_key": _env_secret("MARQUEE_WECHATPAY_APIV3_KEY"),
    "platform_public_key": _env_secret("MARQUEE_WECHATPAY_PLATFORM_PUBLIC_KEY"),
    "platform_serial": os.environ.get("MARQUEE_WECHATPAY_PLATFORM_SERIAL", "").strip(),
    "api_base": os.environ.get("MARQUEE_WECHATPAY_API_BASE", "https://api.mch.weixin.qq.com"),
}
MARQUEE_STRIPE = {
    "secret_key": _env_secret("MARQUEE_STRIPE_SECRET_KEY"),
    "webhook_secret": _env_secret("MARQUEE_STRIPE_WEBHOOK_SECRET"),
}
# Provider webhooks, per client address: gateways retry a 429 later, so this only
# slows a flood; raise it if one gateway address sends more at the busiest minute.
MARQUEE_RATE_LIMITS["payment_webhooks"] = {
    "ip": os.environ.get("MARQUEE_WEBHOOK_RATE_IP", "600/min"),
}

# --- production hardening -----------------------------------------------------
# Ticket signing keys, the checks that keep a production server from starting
# with a weak or missing secret, the login/sign-up throttles and the
# Content-Security-Policy. Keep this block together.
from csp.constants import NONCE as CSP_NONCE  # noqa: E402

from marquee.core.deploy import check_production_settings  # noqa: E402

#: Base64 of the 32-byte Ed25519 seed that signs tickets. Without it a key is
#: generated under var/ (development only: production refuses to start).
MARQUEE_TICKET_SIGNING_KEY = os.environ.get("MARQUEE_TICKET_SIGNING_KEY", "").strip()
#: Public keys (base64 of the raw 32 bytes, comma-separated) of retired signing
#: keys: tickets they signed keep verifying after a rotation.
MARQUEE_TICKET_RETIRED_PUBLIC_KEYS = [
    k.strip()
    for k in os.environ.get("MARQUEE_TICKET_RETIRED_PUBLIC_KEYS", "").replace(" ", ",").split(",")
    if k.strip()
]

# Failed logins per account and per address before a lock-out; each further
# lock-out doubles, up to the cap (seconds).
MARQUEE_LOGIN_FAILURES = int(os.environ.get("MARQUEE_LOGIN_FAILURES", "5"))
MARQUEE_LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("MARQUEE_LOGIN_FAILURES_PER_ADDRESS", "20"))
MARQUEE_LOGIN_LOCKOUT_SECONDS = int(os.environ.get("MARQUEE_LOGIN_LOCKOUT_SECONDS", "60"))
MARQUEE_LOGIN_LOCKOUT_MAX_SECONDS = int(os.environ.get("MARQUEE_LOGIN_LOCKOUT_MAX_SECONDS", "3600"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS", False)

# Pickup codes typed at a door or a kiosk: typing ten digits takes seconds, a guesser
# needs hundreds of thousands of tries (docs/tickets.md §10, "Guessing resistance").
MARQUEE_RATE_LIMITS["pickup_codes"] = {
    "account": os.environ.get("MARQUEE_PICKUP_RATE_ACCOUNT", "20/min"),
    "ip": os.environ.get("MARQUEE_PICKUP_RATE_IP", "600/min"),
}
MARQUEE_RATE_LIMITS["signup"] = {"ip": os.environ.get("MARQUEE_SIGNUP_RATE_IP", "10/h")}

# Scripts: our static files, and inline ones only with the request's nonce
# (``<script nonce="{{ request.csp_nonce }}">``). Styles may be inline: the seat
# map places every seat with a ``style`` attribute, which no nonce can cover.
# Swagger UI (/api/v1/docs) is served from ninja's static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", CSP_NONCE],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

if PRODUCTION:
    check_production_settings(
        secret_key=SECRET_KEY,
        ticket_signing_key=MARQUEE_TICKET_SIGNING_KEY,
        retired_public_keys=MARQUEE_TICKET_RETIRED_PUBLIC_KEYS,
        email_backend=EMAIL_BACKEND,
        cache_backend=CACHES["default"]["BACKEND"],
    )
