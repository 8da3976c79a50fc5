from django.conf import settings
from django.urls import translate_url

# Each language is named in itself in the switcher.
LANGUAGE_NAMES = {"ar": "العربية", "fr": "Français"}


def alternates(request):
    """Give every page the same page in each of the portal's languages, for the language switcher."""
    path = request.get_full_path()
    return {
        "alternates": [
            {"code": code, "name": LANGUAGE_NAMES.get(code, code), "url": translate_url(path, code)}
            for code, _name in settings.LANGUAGES
        ]
    }
