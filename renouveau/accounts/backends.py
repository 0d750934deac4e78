"""Authentication backends: Django's and allauth's, with a cheaper ``get_user``.

``get_user`` runs on every authenticated request (the session holds the user's id). Django's
version builds, compiles and runs ``User.objects.get(pk=...)``: about 0.7 ms of the 4 ms of
Python a ballot costs (``bench/ballots.py``), most of it compiling the same query again. Here the
query is compiled once per database alias by the ORM itself (so the SQL, its columns and the
backend's value converters are exactly the ORM's) and only executed afterwards; the row becomes
a ``User`` through ``Model.from_db``, as a queryset would. Behaviour is Django's: unknown or
malformed id -> None, inactive user -> None (``user_can_authenticate``).
"""

from __future__ import annotations

import functools
import threading

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.core.exceptions import ValidationError
from django.db import connections, router
from rules.permissions import ObjectPermissionBackend

_compiled: dict[tuple[str, type], tuple[str, list[str], list]] = {}
_lock = threading.Lock()


def _compile(alias: str, model: type) -> tuple[str, list[str], list]:
    """(SQL with one parameter for the primary key, column attnames in select order,
    [(position, converters, expression)]) for ``model.objects.filter(pk=...)`` on ``alias``."""
    key = (alias, model)
    compiled = _compiled.get(key)
    if compiled is None:
        query = model._default_manager.db_manager(alias).filter(pk=0).query
        compiler = query.get_compiler(alias)
        sql, params = compiler.as_sql()
        if list(params) != [0]:  # the primary key must be the only parameter
            raise RuntimeError(f"unexpected user query parameters: {params!r}")
        columns = [col for col, _select, _alias in compiler.select]
        names = [col.target.attname for col in columns]
        converters = sorted(compiler.get_converters(columns).items())
        compiled = (sql, names, [(pos, convs, expr) for pos, (convs, expr) in converters])
        with _lock:
            _compiled[key] = compiled
    return compiled


class FastGetUserMixin:
    def get_user(self, user_id):
        model = get_user_model()
        try:
            pk = model._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        if pk is None:
            return None
        alias = router.db_for_read(model)
        sql, names, converters = _compile(alias, model)
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(sql, [model._meta.pk.get_db_prep_value(pk, connection)])
            row = cursor.fetchone()
        if row is None:
            return None
        if converters:
            row = list(row)
            for pos, convs, expression in converters:
                value = row[pos]
                for converter in convs:
                    value = converter(value, expression, connection)
                row[pos] = value
        user = model.from_db(alias, names, row)
        return user if self.user_can_authenticate(user) else None


class AccessCacheMixin:
    """Model permissions read with the roles in one query (``User.load_access``) the first
    time a request's user is asked for them, instead of two queries of their own (the user's
    and the groups' permissions) beside the roles' one. The result is kept on the user object,
    in the attributes Django's ``ModelBackend`` caches them in, so it lives for one request."""

    @staticmethod
    def _load(user_obj, obj) -> None:
        if (
            obj is None
            and user_obj.is_active
            and not user_obj.is_anonymous
            and not user_obj.is_superuser
            and not hasattr(user_obj, "_perm_cache")
            and hasattr(user_obj, "load_access")
        ):
            user_obj.load_access()

    def get_user_permissions(self, user_obj, obj=None):
        self._load(user_obj, obj)
        return super().get_user_permissions(user_obj, obj)

    def get_group_permissions(self, user_obj, obj=None):
        self._load(user_obj, obj)
        return super().get_group_permissions(user_obj, obj)

    def get_all_permissions(self, user_obj, obj=None):
        self._load(user_obj, obj)
        return super().get_all_permissions(user_obj, obj)


class ModelBackend(AccessCacheMixin, FastGetUserMixin, DjangoModelBackend):
    """Django's model backend (e-mail and password, permissions), cheaper ``get_user``;
    permissions read with the roles (``AccessCacheMixin``)."""


class AuthenticationBackend(AccessCacheMixin, FastGetUserMixin, AllauthBackend):
    """allauth's backend (what a login through the site stores in the session), cheaper
    ``get_user``; permissions read with the roles (``AccessCacheMixin``)."""


class RulesBackend(ObjectPermissionBackend):
    """django-rules' object permissions, except for the back office's model-level checks.

    Inside ``/back-office/`` (``core.middleware.BackOfficeMiddleware``), a permission named like
    one of Django's model permissions (``<app>.<add|change|delete|view>_<model>``) asked without
    an object is left to Django's ``ModelBackend`` (the roles' group permissions): the apps'
    rules of the same name decide what their own pages allow, not what the admin shows. Checks
    with an object (the services the admin calls) and every check outside the back office are
    the rules' as before."""

    def has_perm(self, user, perm, *args, **kwargs):
        obj = args[0] if args else kwargs.get("obj")
        if obj is None and _is_model_permission(perm):
            from renouveau.core.middleware import IN_BACK_OFFICE

            if IN_BACK_OFFICE.get():
                return False
        return super().has_perm(user, perm, *args, **kwargs)


@functools.lru_cache(maxsize=512)
def _is_model_permission(perm: str) -> bool:
    from django.apps import apps

    app_label, _, codename = perm.partition(".")
    action, _, model_name = codename.partition("_")
    if action not in ("add", "change", "delete", "view") or not model_name:
        return False
    try:
        apps.get_model(app_label, model_name)
    except (LookupError, ValueError):
        return False
    return True
