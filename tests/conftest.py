import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

FIXTURES_DIR = settings.BASE_DIR / "fixtures"


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
