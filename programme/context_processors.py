from django.utils.functional import SimpleLazyObject

from programme.selectors import commune_get


def commune(request):
    """Give every page the commune that runs the portal, read at most once per request."""

    def commune_once():
        if not hasattr(request, "_openmun_commune"):
            request._openmun_commune = commune_get()
        return request._openmun_commune

    return {"commune": SimpleLazyObject(commune_once)}
