from __future__ import annotations

from django import template

from ..registry import followable_for
from ..selectors import is_following

register = template.Library()


@register.inclusion_tag("follows/_button.html", takes_context=True)
def follow_button(context, obj):
    """« Suivre » / « Ne plus suivre » for a followable public object (nothing otherwise)."""
    request = context.get("request")
    followable = followable_for(obj) if obj is not None else None
    if request is None or followable is None or not followable.public().filter(pk=obj.pk).exists():
        return {"show": False}
    return {
        "show": True,
        "request": request,
        "obj": obj,
        "model": obj._meta.label_lower,
        "promise": followable.promise,
        "follow_label": followable.follow_label,
        "following_text": followable.following_text,
        "sign_in_label": followable.sign_in_label,
        "following": is_following(request.user, obj),
        "csrf_token": context.get("csrf_token"),
    }
