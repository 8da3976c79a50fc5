import os

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import translation

FIXTURES_DIR = settings.BASE_DIR / "fixtures"

# make test runs the suite in several processes (pytest-xdist): "gw0", "gw1"… (none when pytest runs alone).
WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))

# Passwords hashed as production does (PBKDF2, a million rounds) cost a tenth of a second each, for every staff
# account a test creates and every sign-in: the tests hash with the fastest of Django's hashers instead (and still
# read production's hashes).
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", "django.contrib.auth.hashers.PBKDF2PasswordHasher"]


@pytest.fixture(autouse=True, scope="session")
def _test_process_settings(tmp_path_factory):
    """Fast password hashes; files that the tests upload go to a folder of each test process, never to var/media."""
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS, MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache_and_language():
    from django.core.cache import cache

    cache.clear()
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def commune_data(db):
    """Load the commune's real programme from fixtures/, as make run does."""
    call_command("loaddata", FIXTURES_DIR / "programme.json", verbosity=0)


@pytest.fixture
def assert_queries_fixed(client):
    """Return a check that GETting some URLs costs as many queries before and after grow(), and no more than limit.

    Each URL must answer 200. The check returns the number of queries, for a test that compares another page to it.
    """

    def get_all(urls):
        with CaptureQueriesContext(connection) as queries:
            for url in urls:
                assert client.get(url).status_code == 200, url
        return queries

    def check(*urls: str, grow, limit: int) -> int:
        small = get_all(urls)
        grow()
        large = get_all(urls)
        listing = "\n".join(f"{number}. {query['sql']}" for number, query in enumerate(large.captured_queries, 1))
        assert len(large) == len(small) <= limit, (
            f"{', '.join(urls)}: {len(small)} queries, then {len(large)} after growing the data (at most {limit}):\n"
            f"{listing}"
        )
        return len(small)

    return check


# The caches as in production: Redis, the local one of the machine and of CI, a database of its own per database
# engine and test process, so that the processes of the suite on SQLite and of the one on PostgreSQL may run at the
# same time without emptying each other's: 7, 10, 13 on SQLite, 8, 11, 14 on PostgreSQL (9 is the benchmarks').
REDIS_DATABASE = (8 if "postgresql" in settings.DATABASES["default"]["ENGINE"] else 7) + 3 * WORKER
assert REDIS_DATABASE <= 15, "Redis has 16 databases: run the suite in at most 3 processes (make test does)."
REDIS = {
    "BACKEND": "django_redis.cache.RedisCache",
    "LOCATION": f"redis://127.0.0.1:6379/{REDIS_DATABASE}",
    "KEY_PREFIX": "t",
}


@pytest.fixture
def redis_caches(settings):
    from django.core.cache import cache

    from openmun import cache as versions
    from openmun import pagecache

    settings.CACHES = {"default": REDIS, "pages": REDIS}
    for forget in (cache.clear, versions._recent.clear, pagecache.recent_pages.entries.clear):
        forget()
    yield
    for forget in (cache.clear, versions._recent.clear, pagecache.recent_pages.entries.clear):
        forget()
