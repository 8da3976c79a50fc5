from django import template

from following.forms import FollowForm
from following.registry import target_key
from following.selectors import follower_count

register = template.Library()


@register.inclusion_tag("following/_follow_form.html", takes_context=True)
def follow_form(context, kind: str, ident: object, form: FollowForm | None = None) -> dict:
    """Render the "follow this page" form for a target, with how many follow it: one query, never an address."""
    key = target_key(kind, ident)
    return {
        "form": form or FollowForm(initial={"target": key}),
        "follower_count": follower_count(key),
        "csrf_token": context.get("csrf_token"),
        "commune": context.get("commune"),
    }
