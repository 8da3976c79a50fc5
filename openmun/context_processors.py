from django.conf import settings
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject

from programme.selectors import commune_get

# Each language is named in itself in the switcher.
LANGUAGE_NAMES = {"ar": "العربية", "fr": "Français"}


def site(request):
    """Give every page the commune and the same page in each of the portal's languages."""
    path = request.get_full_path()
    alternates = [
        {"code": code, "name": LANGUAGE_NAMES.get(code, code), "url": translate_url(path, code)}
        for code, _name in settings.LANGUAGES
    ]
    return {"commune": SimpleLazyObject(commune_get), "alternates": alternates}
