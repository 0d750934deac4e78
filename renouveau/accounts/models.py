from __future__ import annotations

from django.contrib.auth.models import AbstractUser, Group
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from renouveau.core.models import TimeStampedModel

from .roles import ROLE_LABELS, Role


class UserManager(DjangoUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person with an account. The e-mail address is the identifier.

    Personal data is kept to what the platform needs: e-mail, a public display name, the
    commune of residence (for scoping votes and aids) and, only when a call asks for it, the
    birth year (minimum voting age, 16+ for mutual aid).
    """

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("adresse e-mail"), unique=True)
    display_name = models.CharField(
        _("nom affiché"),
        max_length=80,
        blank=True,
        help_text=_("Le nom montré à côté de vos contributions. Laissez vide pour rester discret."),
    )
    commune = models.ForeignKey(
        "territories.Commune",
        verbose_name=_("commune de résidence"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="residents",
    )
    birth_year = models.PositiveSmallIntegerField(_("année de naissance"), null=True, blank=True)
    agent_communes = models.ManyToManyField(
        "territories.Commune",
        verbose_name=_("communes gérées (agents communaux)"),
        blank=True,
        related_name="agents",
    )
    language = models.CharField(
        _("langue des e-mails"),
        max_length=8,
        choices=[("fr", "Français"), ("en", "English")],
        default="fr",
        help_text=_(
            "La langue des messages que la plateforme vous envoie. Elle suit aussi le choix de "
            "langue en haut de page."
        ),
    )
    erased_at = models.DateTimeField(_("compte supprimé le"), null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        if self.erased_at:
            return str(_("Compte supprimé"))
        return self.display_name or str(_("Habitant·e"))

    def get_full_name(self) -> str:
        return self.public_name

    def get_short_name(self) -> str:
        return self.public_name

    def role_names(self) -> set[str]:
        cached = getattr(self, "_role_names", None)
        if cached is None:
            cached = set(self.groups.values_list("name", flat=True)) if self.pk else set()
            self._role_names = cached
        return cached

    def has_role(self, role: Role) -> bool:
        return role.value in self.role_names()

    @property
    def role_labels(self) -> list[str]:
        known = {role.value for role in Role}
        return [str(ROLE_LABELS[Role(name)]) for name in sorted(self.role_names()) if name in known]


class Organisation(TimeStampedModel):
    """An association, a business or a collective, represented by member accounts."""

    class Kind(models.TextChoices):
        ASSOCIATION = "association", _("Association")
        BUSINESS = "business", _("Entreprise")
        COLLECTIVE = "collective", _("Collectif d'habitants")
        PUBLIC_BODY = "public_body", _("Organisme public")

    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    identifier = models.CharField(
        _("SIRET ou RNA"),
        max_length=20,
        blank=True,
        help_text=_("Facultatif, aide à la vérification."),
    )
    commune = models.ForeignKey(
        "territories.Commune",
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    description = models.TextField(_("présentation"), blank=True)
    website = models.URLField(_("site web"), blank=True)
    is_verified = models.BooleanField(_("vérifiée par un agent"), default=False)
    members = models.ManyToManyField(User, through="Membership", related_name="organisations")

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", _("Responsable")
        MEMBER = "member", _("Membre")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    user = models.ForeignKey(User, on_delete=models.CASCADE)
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("adhésion")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="unique_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation}"


# Back-office (Django admin) model permissions given to each role's group. Object-level rules
# (rules.py of each app) still apply in the public back-office views.
ROLE_ADMIN_PERMISSIONS = {
    Role.METROPOLIS_AGENT: {
        "plan": ["view", "add", "change"],
        "territories": ["view", "change"],
        "accounts": ["view"],
        "core": ["view"],
    },
    Role.COMMUNE_AGENT: {"plan": ["view"], "territories": ["view"]},
    Role.MODERATOR: {"accounts": ["view"], "core": ["view"]},
    Role.ADMINISTRATOR: {"plan": ["view", "add", "change", "delete"], "territories": ["view", "add", "change"],
                         "accounts": ["view", "add", "change"], "core": ["view"],
                         "alerts": ["view"]},  # read-only back office of the alerts
}  # fmt: skip


def ensure_role_groups() -> None:
    from django.contrib.auth.models import Permission

    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.value)
        wanted = ROLE_ADMIN_PERMISSIONS.get(role, {})
        permissions = [
            permission
            for permission in Permission.objects.filter(
                content_type__app_label__in=list(wanted)
            ).select_related("content_type")
            if permission.codename.split("_", 1)[0] in wanted[permission.content_type.app_label]
        ]
        group.permissions.add(*permissions)
