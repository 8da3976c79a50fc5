from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from following.models import Follow


def masked(email: str) -> str:
    """Return an address with most of it hidden: enough to tell two apart, not to write to."""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    """Who follows what: counts by page and state; the address itself only on the follow's own page."""

    list_display = ["target", "masked_email", "frequency", "language", "confirmed_at", "created_at"]
    list_filter = ["target", "frequency", "language", ("confirmed_at", admin.EmptyFieldListFilter)]
    show_facets = admin.ShowFacets.ALWAYS
    date_hierarchy = "created_at"
    fieldsets = [
        (None, {"fields": ["target", "frequency", "language", "created_at", "confirmed_at", "digest_sent_at"]}),
        (_("Contact details (never published)"), {"fields": ["email"]}),
    ]
    readonly_fields = ["target", "frequency", "language", "created_at", "confirmed_at", "digest_sent_at", "email"]

    @admin.display(description=_("e-mail"))
    def masked_email(self, obj: Follow) -> str:
        return masked(obj.email)

    def has_add_permission(self, request) -> bool:
        # A follow is asked and confirmed by the address's owner only.
        return False
