"""The programme's printed documents are cached under the portal's PRINTED version (openmun/cache.py)."""

from openmun.cache import CONTENT, PRINTED, content_changed, version_get


def data_version_get() -> str:
    """Return the version of what printed documents show."""
    return version_get(PRINTED)


def data_version_bump() -> None:
    """Move the versions after writes that send no signal (bulk_create), so that PDFs and pages are rebuilt."""
    content_changed(CONTENT, PRINTED)
