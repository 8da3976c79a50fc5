from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language_info

from programme.selectors import commune_get


def site(request):
    """Give every page the commune and the same page in each of the portal's languages."""
    path = request.get_full_path()
    alternates = [
        {"code": code, "name": get_language_info(code)["name_local"], "url": translate_url(path, code)}
        for code, _name in settings.LANGUAGES
    ]
    return {"commune": commune_get(), "alternates": alternates}
