"""openmun settings, read from environment variables (docs/configuration.md lists them all)."""

import datetime
import os
import re
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("OPENMUN_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string, or set DJANGO_DEBUG=true "
            "for local development."
        )
    SECRET_KEY = "openmun-insecure-development-key-never-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# The portal's public address (scheme and host, e.g. https://openmun.beni-mellal.ma): the absolute links of feeds,
# calendars, the API, the sitemap, link previews and e-mails, and the permanent ids of feed entries and calendar
# events, so that none of them follows the Host header a client sent. Empty: the address the visitor used.
OPENMUN_SITE_URL = os.environ.get("OPENMUN_SITE_URL", "").strip().rstrip("/")
if OPENMUN_SITE_URL and not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?", OPENMUN_SITE_URL):
    raise ImproperlyConfigured(
        f"OPENMUN_SITE_URL must be a scheme and a host name, like https://openmun.example.ma, not {OPENMUN_SITE_URL!r}."
    )

INSTALLED_APPS = [
    "modeltranslation",  # before django.contrib.admin, as modeltranslation requires
    # Django's admin, whose site asks for a second factor (see "Two-factor sign-in" below).
    "openmun.admin_apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    # django-axes, with a heading of its own in the admin's index.
    "openmun.admin_apps.AxesConfig",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Background tasks (see the block "Background tasks" below); before openmun, whose admin replaces theirs.
    "django_tasks",
    "django_tasks_db",
    "openmun",
    "moderation",
    "programme",
    "consultations",
    "petitions",
    "budgets",
    "following",
    # After the apps whose transparency.py modules it discovers.
    "django.contrib.sitemaps",
    "simple_history",
    "transparency",
]

MIDDLEWARE = [
    "openmun.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files, served compressed ahead of time: they never reach the middleware below.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses text answers; above the page cache, which stores pages uncompressed (docs/operations.md).
    "openmun.middleware.CompressionMiddleware",
    # A hit is answered here, as cheaply as a static file; a miss is stored as the middleware below leave it.
    "openmun.pagecache.PageCacheMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "openmun.middleware.FrenchTypographyMiddleware",
    "openmun.middleware.MethodNotAllowedMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # After the CSRF check: a POST it refuses does not spend the client's budget.
    "openmun.middleware.PostRateLimitMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # django-otp's: which device verified the session; outside the admin, staff without it are anonymous.
    "openmun.admin_site.TwoFactorMiddleware",
    # Records which staff account made each change to programme data (the public history shows its role only).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]
# A form refused by the CSRF check gets a translated page that says why and how to send it again.
CSRF_FAILURE_VIEW = "openmun.views.csrf_failure"

ROOT_URLCONF = "openmun.urls"
WSGI_APPLICATION = "openmun.wsgi.application"

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
                "csp.context_processors.nonce",
                "openmun.context_processors.alternates",
                "programme.context_processors.commune",
            ],
            "builtins": ["openmun.templatetags.openmun"],
        },
    },
]

# Database: SQLite in var/ by default, PostgreSQL (psycopg 3) through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'openmun.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that is down fails the request in seconds (the 503 page) instead of holding a worker.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set, else this process's memory. "default" holds the rate limits, the
# sign-in lockouts, the content versions and the PDFs: when it is down, requests that need it fail with the
# 503 page rather than going unlimited. "pages" holds rendered pages (openmun/middleware.py): when it is down,
# pages are rendered from the database.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    REDIS_OPTIONS = {"SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": 2}
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("OPENMUN_CACHE_PREFIX", "openmun"),
            "OPTIONS": REDIS_OPTIONS,
        },
        # The same Redis and key prefix as "default" (page keys start with openmun:page:), so that the page cache
        # reads a page and the content version in one round trip (openmun/pagecache.py).
        "pages": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("OPENMUN_CACHE_PREFIX", "openmun"),
            "OPTIONS": {**REDIS_OPTIONS, "IGNORE_EXCEPTIONS": True, "LOG_IGNORED_EXCEPTIONS": True},
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "pages",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        },
    }
# Anonymous pages are served from the cache for this many seconds at most (0 turns the page cache off); any
# change to the data replaces them before that.
OPENMUN_PAGE_CACHE_SECONDS = int(os.environ.get("OPENMUN_PAGE_CACHE_SECONDS", "300"))
OPENMUN_PAGE_CACHE_ALIAS = "pages"
# Query-string parameters a cached page may have (pagination); other query strings are never cached.
OPENMUN_PAGE_CACHE_QUERY_PARAMS = env_list("OPENMUN_PAGE_CACHE_QUERY_PARAMS", "page")
# With Redis, each worker keeps the pages it served last and trusts the content version it read for this many
# seconds: a hit then costs no round trip. A change made by another worker shows within that delay (the worker
# that made it forgets at once); 0 reads the version from Redis at every request.
OPENMUN_PAGE_CACHE_VERSION_SECONDS = float(os.environ.get("OPENMUN_PAGE_CACHE_VERSION_SECONDS", "1"))

# Sign-in: django-axes locks a client out of the admin's sign-in after repeated failures, counting in the
# default cache. Clients are known by antiabuse.client_key (a keyed hash of the address), never by address.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# django-axes's cache handler, which also counts failures per user name across addresses (openmun/lockout.py).
AXES_HANDLER = "openmun.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("OPENMUN_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("OPENMUN_LOGIN_LOCKOUT_MINUTES", "15")))
# A client and a user name: an office behind one address is not locked out by one person's typos.
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
# Failed sign-ins to one user name from any addresses before that name is locked out everywhere: a guesser who
# changes address at each try. Higher than the per-client limit, so that one person's typos never reach it.
OPENMUN_LOGIN_NAME_FAILURE_LIMIT = int(os.environ.get("OPENMUN_LOGIN_NAME_FAILURE_LIMIT", "10"))
AXES_CLIENT_IP_CALLABLE = "openmun.antiabuse.client_key"
AXES_CLIENT_STR_CALLABLE = "openmun.views.login_client_description"
AXES_LOCKOUT_CALLABLE = "openmun.views.login_locked_out"
AXES_VERBOSE = False
AXES_RESET_ON_SUCCESS = True
# Without Redis the embedded default counts in each process's memory, as the forms' rate limits do; with
# several workers or servers, set REDIS_URL so that they share the count.
SILENCED_SYSTEM_CHECKS = [] if REDIS_URL else ["axes.W001"]
# Staff sign in through the admin; after a sign-in whose "next" address was refused, they land on its index.
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"

# --- Two-factor sign-in (docs/operations.md, "Two-factor sign-in") ---------------------------------------------
# After the password, staff give the code of an authenticator app (TOTP, django-otp) or a recovery code
# (openmun/admin_site.py). Who must: "superusers" (the default in production), "staff" (every account of the admin)
# or "none" (the default when DJANGO_DEBUG is true). An account that has set up an app uses it, required or not.
OPENMUN_2FA_REQUIRED_FOR = os.environ.get("OPENMUN_2FA_REQUIRED_FOR") or ("none" if DEBUG else "superusers")
if OPENMUN_2FA_REQUIRED_FOR not in ("superusers", "staff", "none"):
    raise ImproperlyConfigured(
        f"OPENMUN_2FA_REQUIRED_FOR must be superusers, staff or none, not {OPENMUN_2FA_REQUIRED_FOR!r}."
    )
# The name authenticator apps show beside the account: the portal's host name when OPENMUN_SITE_URL is set.
OTP_TOTP_ISSUER = re.sub(r"^https?://|:[0-9]+$", "", OPENMUN_SITE_URL) or "openmun"
# --- End of two-factor sign-in ---------------------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: Arabic first, French second; Moroccan formats from openmun/formats/.
LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", _("Arabic")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["openmun.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Africa/Casablanca"

MODELTRANSLATION_DEFAULT_LANGUAGE = "ar"
MODELTRANSLATION_LANGUAGES = ("ar", "fr")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("ar", "fr")

# Static and uploaded files.
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("OPENMUN_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or not env_bool("OPENMUN_STATIC_MANIFEST", True)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Several app servers share uploads through S3-compatible storage (django-storages, pip install '.[s3]'):
# OPENMUN_STORAGE=s3 with AWS_STORAGE_BUCKET_NAME, AWS_S3_ENDPOINT_URL (for a provider other than AWS),
# AWS_S3_REGION_NAME, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
if os.environ.get("OPENMUN_STORAGE", "filesystem") == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("AWS_STORAGE_BUCKET_NAME", ""),
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "file_overwrite": False,
            # Uploads are public (the commune's logo): plain URLs, no expiring signatures in cached pages.
            "querystring_auth": False,
        },
    }
elif os.environ.get("OPENMUN_STORAGE", "filesystem") != "filesystem":
    raise ImproperlyConfigured("OPENMUN_STORAGE must be filesystem or s3.")
# modeltranslation's tabbed admin loads jQuery UI from a CDN unless told otherwise.
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"

# E-mail: printed on the console unless an SMTP host is configured.
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "openmun <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background tasks (docs/operations.md, "Background tasks") -------------------------------------------------
# django-tasks, the backport of Django 6's django.tasks, with its database backend (django-tasks-db): a job is a row
# of the portal's own database, written once the action it follows has committed, and run by `manage.py db_worker`,
# which `make run` and scripts/serve-prod start beside the web server. "immediate" runs each job at once in the
# process that queues it: for the tests, or a single process without a worker (no retries, no work done ahead).
OPENMUN_TASKS_BACKEND = os.environ.get("OPENMUN_TASKS_BACKEND", "database")
task_backends = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if OPENMUN_TASKS_BACKEND not in task_backends:
    raise ImproperlyConfigured("OPENMUN_TASKS_BACKEND must be database or immediate.")
# Queues: mail first (a confirmation link is awaited), print (PDFs rendered ahead of the visitors) after it.
TASKS = {
    "default": {
        "BACKEND": task_backends[OPENMUN_TASKS_BACKEND],
        "QUEUES": ["default", "mail", "print"],
    }
}
# Seconds to wait before each new attempt at a message the mail server refused or could not take: one attempt, then
# one after each delay; past the last, the job stays failed in the admin ("Background jobs").
OPENMUN_MAIL_RETRY_DELAYS = env_list("OPENMUN_MAIL_RETRY_DELAYS", "60,300,1800,7200,21600")
if not all(delay.isdigit() and int(delay) >= 1 for delay in OPENMUN_MAIL_RETRY_DELAYS):
    raise ImproperlyConfigured("OPENMUN_MAIL_RETRY_DELAYS must list whole numbers of seconds, at least 1: 60,300.")
OPENMUN_MAIL_RETRY_DELAYS = [int(delay) for delay in OPENMUN_MAIL_RETRY_DELAYS]
# After a change to what the PDFs print, the worker renders the programme's PDF in every language before anyone asks
# for it. Useful only when the worker and the web server share the cache (REDIS_URL), hence the default.
OPENMUN_PDF_PRERENDER = env_bool("OPENMUN_PDF_PRERENDER", bool(REDIS_URL))
# Seconds between a change and that render: the changes of one editing session make one render.
OPENMUN_PDF_PRERENDER_DELAY = int(os.environ.get("OPENMUN_PDF_PRERENDER_DELAY", "30"))
# Seconds after a confirmed support or follow before the cached pages show the new counts: one refresh per burst,
# when the worker runs the job (openmun/cache.py, counts_changed); 0 refreshes them at each change.
OPENMUN_COUNTS_REFRESH_SECONDS = int(os.environ.get("OPENMUN_COUNTS_REFRESH_SECONDS", "10"))
if OPENMUN_COUNTS_REFRESH_SECONDS < 0:
    raise ImproperlyConfigured("OPENMUN_COUNTS_REFRESH_SECONDS must be a whole number of seconds, 0 or more.")
# --- End of background tasks -----------------------------------------------------------------------------------

# Security: strict by default when debug is off (manage.py check --deploy reports nothing).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
# Load balancers check /healthz over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = not DEBUG
X_FRAME_OPTIONS = "DENY"
if not env_bool("DJANGO_SECURE_HSTS_PRELOAD", False):
    # Preloading is a decision for the commune's domain, not a default; silence the reminder.
    SILENCED_SYSTEM_CHECKS.append("security.W021")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}


def env_rate(name: str, default: str) -> tuple[int, int]:
    value = os.environ.get(name) or default
    try:
        count, seconds = (int(part) for part in value.split("/"))
    except ValueError:
        raise ImproperlyConfigured(f"{name} must read count/seconds, for example 10/600, not {value!r}.") from None
    if count < 1 or seconds < 1:
        raise ImproperlyConfigured(f"{name} must have a count and a number of seconds of at least 1.")
    return count, seconds


# Citizen input of every app (the moderation pipeline): see docs/consultations.md.
# New contributions and comments wait for a moderator unless OPENMUN_PUBLISH_FIRST is true.
OPENMUN_MODERATION_PUBLISH_FIRST = env_bool("OPENMUN_PUBLISH_FIRST", False)
# A published item reported this many times goes back to the moderation queue, unpublished.
OPENMUN_MODERATION_REPORT_THRESHOLD = int(os.environ.get("OPENMUN_REPORT_THRESHOLD", "3"))
# Days after which contributors' names and e-mail addresses are erased (manage.py purge_personal_data).
OPENMUN_PERSONAL_DATA_RETENTION_DAYS = int(os.environ.get("OPENMUN_PERSONAL_DATA_RETENTION_DAYS", "365"))
# Form submissions (POST) accepted per client and form: count/seconds.
OPENMUN_RATE_LIMIT = env_rate("OPENMUN_RATE_LIMIT", "10/600")
# POST requests accepted per client, whatever the form, the admin included: a generous backstop.
OPENMUN_POST_RATE_LIMIT = env_rate("OPENMUN_POST_RATE_LIMIT", "120/600")
# E-mail sent to one address, whatever the form and the client (confirmation links, notices): count/seconds.
OPENMUN_MAIL_PER_RECIPIENT = env_rate("OPENMUN_MAIL_PER_RECIPIENT", "5/3600")
# Behind a reverse proxy, the request header holding the visitor's address (e.g. HTTP_X_REAL_IP); empty to
# use REMOTE_ADDR. Set it only when the proxy always overwrites that header.
OPENMUN_CLIENT_ADDRESS_HEADER = os.environ.get("OPENMUN_CLIENT_ADDRESS_HEADER", "")

# Petitions (Organic Law 113-14, articles 121 to 125): see docs/petitions.md.
# Signatures a citizens' petition needs, by the commune's population and arrondissements (programme.Commune):
# 100 under 35 000 inhabitants, 200 from 35 000, 400 with arrondissements.
OPENMUN_PETITION_THRESHOLDS = {
    "population_limit": int(os.environ.get("OPENMUN_PETITION_POPULATION_LIMIT", "35000")),
    "below_limit": int(os.environ.get("OPENMUN_PETITION_THRESHOLD_SMALL", "100")),
    "above_limit": int(os.environ.get("OPENMUN_PETITION_THRESHOLD", "200")),
    "with_arrondissements": int(os.environ.get("OPENMUN_PETITION_THRESHOLD_ARRONDISSEMENTS", "400")),
}
# Hours during which the e-mailed link that confirms an online support stays valid.
OPENMUN_PETITION_CONFIRMATION_HOURS = int(os.environ.get("OPENMUN_PETITION_CONFIRMATION_HOURS", "72"))
# The staff dashboard warns this many days before the three-month limit for notifying a refusal.
OPENMUN_PETITION_DEADLINE_WARNING_DAYS = int(os.environ.get("OPENMUN_PETITION_DEADLINE_WARNING_DAYS", "21"))
# Days supporters' names and e-mail addresses, and the agent's contact, are kept once a petition is closed
# (manage.py purge_petition_data erases them afterwards).
# How long the link that confirms a follow works; a follow never confirmed is erased after it (purge_personal_data).
OPENMUN_FOLLOW_CONFIRMATION_HOURS = int(os.environ.get("OPENMUN_FOLLOW_CONFIRMATION_HOURS", "72"))
OPENMUN_SUPPORTER_RETENTION_DAYS = int(os.environ.get("OPENMUN_SUPPORTER_RETENTION_DAYS", "90"))

# Budgets: see docs/budgets.md.
# Hours during which the e-mailed link that lets a person vote in a participatory budget stays valid.
OPENMUN_VOTE_CONFIRMATION_HOURS = int(os.environ.get("OPENMUN_VOTE_CONFIRMATION_HOURS", "72"))

# Logs: JSON lines (openmun/logs.py) unless debug is on or OPENMUN_LOG_FORMAT=plain; e-mail addresses are
# scrubbed from every record.
LOG_FORMAT = os.environ.get("OPENMUN_LOG_FORMAT") or ("plain" if DEBUG else "json")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured("OPENMUN_LOG_FORMAT must be plain or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "openmun.logs.JsonFormatter"},
    },
    # route: Django's own lines ("Not Found: …") name the request by its route, never by a path that may hold a
    # token (openmun/middleware.py); scrub: no e-mail address anywhere.
    "filters": {"route": {"()": "openmun.middleware.RouteFilter"}, "scrub": {"()": "openmun.logs.ScrubFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["route", "scrub"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # WeasyPrint logs several lines per render at INFO.
    "loggers": {
        # A request for a host not in DJANGO_ALLOWED_HOSTS (scanners) is answered 400 and logged once by the
        # request log; not with a traceback at ERROR.
        "django.security.DisallowedHost": {"handlers": [], "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
