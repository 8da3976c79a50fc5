"""What every staff action of every app shares: the permission it needs and its line in the admin's history."""

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import models


def permission_require(user: AbstractBaseUser, permission: str) -> None:
    """Raise PermissionDenied unless user holds permission ("app_label.codename")."""
    if not user.has_perm(permission):
        raise PermissionDenied(permission)


def audit_log(user: AbstractBaseUser, obj: models.Model, message: str) -> None:
    """Record in the admin's history who decided what about obj, and when; never a citizen's text or contact."""
    LogEntry.objects.log_actions(
        user_id=user.pk, queryset=[obj], action_flag=CHANGE, change_message=message, single_object=True
    )
