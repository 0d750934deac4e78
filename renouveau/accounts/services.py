from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone, translation

from renouveau.core.models import AuditLog
from renouveau.core.services import changed_fields, log_action

from .models import Membership, Organisation, User
from .roles import STAFF_ROLES, Role
from .signals import personal_data_requested, user_erased


@transaction.atomic
def user_profile_update(*, user: User, data: dict[str, Any]) -> User:
    stored = User.objects.get(pk=user.pk)  # a ModelForm already set the new values on `user`
    diff = changed_fields(stored, data)
    for name, value in data.items():
        setattr(user, name, value)
    user.save()
    if diff:
        log_action(
            actor=user, action="accounts.profile_updated", obj=user, data={"fields": sorted(diff)}
        )
    return user


@transaction.atomic
def user_language_set(*, user: User, language: str) -> None:
    """Remember the language a signed-in person chose in the page header: their e-mails follow
    it. Unknown codes are ignored (the view validates them)."""
    if language not in dict(settings.LANGUAGES) or user.erased_at:
        return
    updated = User.objects.filter(pk=user.pk).exclude(language=language).update(language=language)
    user.language = language
    if updated:
        log_action(
            actor=user, action="accounts.profile_updated", obj=user, data={"fields": ["language"]}
        )


@transaction.atomic
def role_grant(*, actor: User | None, user: User, role: Role) -> None:
    group, _ = Group.objects.get_or_create(name=role.value)
    user.groups.add(group)
    if role in STAFF_ROLES and not user.is_staff:  # agents and moderators use the back office
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.forget_access()
    log_action(actor=actor, action="accounts.role_granted", obj=user, data={"role": role.value})


@transaction.atomic
def role_revoke(*, actor: User | None, user: User, role: Role) -> None:
    user.groups.remove(*Group.objects.filter(name=role.value))
    user.forget_access()
    log_action(actor=actor, action="accounts.role_revoked", obj=user, data={"role": role.value})


@transaction.atomic
def organisation_create(*, creator: User, data: dict[str, Any]) -> Organisation:
    organisation = Organisation.objects.create(**data)
    Membership.objects.create(organisation=organisation, user=creator, role=Membership.Role.ADMIN)
    log_action(actor=creator, action="accounts.organisation_created", obj=organisation)
    return organisation


@transaction.atomic
def organisation_verify(*, actor: User, organisation: Organisation) -> Organisation:
    organisation.is_verified = True
    organisation.save(update_fields=["is_verified", "updated_at"])
    log_action(actor=actor, action="accounts.organisation_verified", obj=organisation)
    return organisation


def user_export_data(*, user: User) -> dict[str, Any]:
    """All personal data the platform holds on ``user`` (RGPD right of access/portability)."""
    export: dict[str, Any] = {
        "generated_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "commune": user.commune.name if user.commune else None,
            "birth_year": user.birth_year,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "roles": sorted(user.role_names()),
            "language": user.language,
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in user.emailaddress_set.all()
        ],
        "organisations": [
            {"name": m.organisation.name, "role": m.role, "joined_at": m.joined_at.isoformat()}
            for m in Membership.objects.filter(user=user).select_related("organisation")
        ],
        "activity_log": [
            {
                "date": entry.created_at.isoformat(),
                "action": entry.action,
                "object": entry.object_repr,
            }
            for entry in AuditLog.objects.filter(actor=user).order_by("created_at")[:5000]
        ],
    }
    for _receiver, answer in personal_data_requested.send(sender=User, user=user):
        if answer:
            section, data = answer
            export[section] = data
    return export


@transaction.atomic
def user_erase(*, user: User) -> None:
    """Erase an account (RGPD): private data deleted, public contributions kept anonymously.

    The user row is kept as an anonymous tombstone so that contributions, votes counts and
    the audit trail stay consistent; nothing in it identifies the person any more.
    """
    user_erased.send(sender=User, user=user)
    user.emailaddress_set.all().delete()
    Membership.objects.filter(user=user).delete()
    user.groups.clear()
    user.agent_communes.clear()
    user.forget_access()
    user.email = f"supprime-{uuid.uuid4().hex}@invalid"
    user.display_name = ""
    user.commune = None
    user.birth_year = None
    user.language = settings.LANGUAGE_CODE
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.erased_at = timezone.now()
    user.set_unusable_password()
    user.save()
    # The audit lines about the account named the person (their display name): they now name
    # the tombstone, in the site's language whatever the request's.
    with translation.override(settings.LANGUAGE_CODE):
        AuditLog.objects.filter(
            content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
        ).update(object_repr=str(user))
        log_action(actor=None, action="accounts.user_erased", obj=user)
    try:
        from allauth.mfa.models import Authenticator

        Authenticator.objects.filter(user=user).delete()
    except ImportError:  # pragma: no cover - mfa is installed
        pass


@transaction.atomic
def membership_add(
    *, actor: User, organisation: Organisation, user: User, role: str = Membership.Role.MEMBER
) -> Membership:
    membership, created = Membership.objects.get_or_create(
        organisation=organisation, user=user, defaults={"role": role}
    )
    if created:
        log_action(
            actor=actor,
            action="accounts.member_added",
            obj=organisation,
            data={"member": user.pk, "role": role},
        )
    return membership


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership) -> None:
    organisation = membership.organisation
    admins = organisation.membership_set.filter(role=Membership.Role.ADMIN)
    if membership.role == Membership.Role.ADMIN and admins.count() == 1:
        from django.core.exceptions import ValidationError

        raise ValidationError("Une organisation garde au moins un responsable.")
    log_action(
        actor=actor,
        action="accounts.member_removed",
        obj=organisation,
        data={"member": membership.user_id},
    )
    membership.delete()
