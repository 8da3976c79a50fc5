from django import template

from following.forms import FollowForm
from following.registry import target_key

register = template.Library()


@register.inclusion_tag("following/_follow_form.html", takes_context=True)
def follow_form(context, kind: str, ident: object, form: FollowForm | None = None) -> dict:
    """Render the "follow this page" form for a target (no query: the form names the target by its key)."""
    key = target_key(kind, ident)
    return {
        "form": form or FollowForm(initial={"target": key}),
        "csrf_token": context.get("csrf_token"),
        "commune": context.get("commune"),
    }
