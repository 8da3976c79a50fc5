"""Values kept in each process per content version: read once per change, never served after one."""

import unittest.mock

import pytest
from django.core.cache import cache
from django.http import Http404
from django.utils import translation

from openmun import cache as versions
from petitions import selectors
from tests.petitions.factories import PetitionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def nothing_kept():
    selectors.petition_get_public_kept.cache_clear()
    yield
    selectors.petition_get_public_kept.cache_clear()


def test_a_petition_is_read_once_per_content_version(django_assert_num_queries):
    petition = PetitionFactory()
    with django_assert_num_queries(1):
        first = selectors.petition_get_public_kept(petition.pk)
    with django_assert_num_queries(0):
        second = selectors.petition_get_public_kept(petition.pk)
    assert first == second == petition
    # Each call has its own copy: what a request sets on it reaches no other.
    assert first is not second
    first.title = "changed in one request"
    assert selectors.petition_get_public_kept(petition.pk).title == petition.title


def test_a_change_is_read_at_once_and_an_unpublished_petition_is_not_served():
    petition = PetitionFactory()
    selectors.petition_get_public_kept(petition.pk)
    petition.title = "عنوان جديد"
    petition.save()
    assert selectors.petition_get_public_kept(petition.pk).title == "عنوان جديد"
    petition.status = petition.Status.HIDDEN
    petition.save()
    with pytest.raises(Http404):
        selectors.petition_get_public_kept(petition.pk)


def test_a_bounded_number_of_keys_is_kept():
    reads = []

    @versions.kept_per_version_by_key(2)
    def read(key):
        reads.append(key)
        return PetitionFactory.build(pk=key)

    for key in (1, 2, 1, 3, 1, 2):
        read(key)
    # 3 pushes out 2, the least recently asked for; 1 stays, asked for since.
    assert reads == [1, 2, 3, 2]


def test_with_redis_another_process_change_shows_within_the_trusted_delay(redis_caches, settings):
    settings.OPENMUN_PAGE_CACHE_VERSION_SECONDS = 60
    petition = PetitionFactory()
    version = versions.version_current(versions.CONTENT)
    assert versions.version_current(versions.CONTENT) == version
    # Another worker moves the version in Redis: this one trusts its own for the delay, as the page cache does.
    cache.set(versions.version_key(versions.CONTENT), "moved-elsewhere", timeout=None)
    assert versions.version_current(versions.CONTENT) == version
    versions._recent.clear()
    assert versions.version_current(versions.CONTENT) == "moved-elsewhere"
    # A change made by this process is seen at once.
    petition.save()
    assert versions.version_current(versions.CONTENT) not in (version, "moved-elsewhere")


def test_the_support_form_reads_the_petition_once_per_content_version(client):
    petition = PetitionFactory()
    with translation.override("fr"):
        address = f"/fr/petitions/{petition.pk}/support/"
    data = {"name": "Saïd", "relation": "resident", "consent": "on"}
    client.post(address, {**data, "email": "a@example.ma"})
    selectors_read = []
    original = selectors.petition_get_public

    def counting(pk):
        selectors_read.append(pk)
        return original(pk)

    with unittest.mock.patch.object(selectors, "petition_get_public", counting):
        assert client.post(address, {**data, "email": "b@example.ma"}).status_code == 302
    assert selectors_read == []
