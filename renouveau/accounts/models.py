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

    # Cached on this object by load_access(); forget_access() drops them.
    _ACCESS_CACHES = (
        "_role_names",
        "_agent_commune_ids",
        "_user_perm_cache",
        "_group_perm_cache",
        "_perm_cache",
    )

    def load_access(self) -> None:
        """Read, in one query, what permission checks ask of this account: its roles (group
        names), the communes it manages as a commune agent, and its Django model permissions
        (its own and its groups'), then keep them on this object.

        A request's user is a fresh object read from the session on every request, so what is
        kept here lives for one request and never reaches another user; a role changed by
        another request shows on the next one. ``role_grant``/``role_revoke`` forget it on the
        object they change. Django's ``ModelBackend`` reads the same ``_user_perm_cache``,
        ``_group_perm_cache`` and ``_perm_cache`` attributes (``accounts.backends``), so the
        rules' role predicates and the model permissions share this one query instead of three.
        A superuser's permissions are left to Django (every permission, read when asked)."""
        if not self.pk:
            self._role_names, self._agent_commune_ids = set(), frozenset()
            return
        from django.contrib.auth.models import Permission
        from django.db.models import CharField, F, Value
        from django.db.models.functions import Cast

        def kind(letter: str):
            return Value(letter, output_field=CharField())

        rows = (
            Group.objects.filter(user=self)
            .order_by()
            .annotate(k=kind("r"), a=F("name"), b=kind(""))
            .values_list("k", "a", "b")
            .union(
                User.agent_communes.through.objects.filter(user_id=self.pk)
                .order_by()
                .annotate(k=kind("c"), a=Cast("commune_id", CharField()), b=kind(""))
                .values_list("k", "a", "b"),
                Permission.objects.filter(user=self)
                .order_by()
                .annotate(k=kind("u"), a=F("content_type__app_label"), b=F("codename"))
                .values_list("k", "a", "b"),
                Permission.objects.filter(group__user=self)
                .order_by()
                .annotate(k=kind("g"), a=F("content_type__app_label"), b=F("codename"))
                .values_list("k", "a", "b"),
                all=True,
            )
        )
        roles, communes, own, grouped = set(), set(), set(), set()
        for k, a, b in rows:
            if k == "r":
                roles.add(a)
            elif k == "c":
                communes.add(int(a))
            elif k == "u":
                own.add(f"{a}.{b}")
            else:
                grouped.add(f"{a}.{b}")
        self._role_names = roles
        self._agent_commune_ids = frozenset(communes)
        if not self.is_superuser:
            self._user_perm_cache = own
            self._group_perm_cache = grouped
            self._perm_cache = own | grouped

    def forget_access(self) -> None:
        """Drop what load_access() kept (after changing this object's roles or communes)."""
        for name in self._ACCESS_CACHES:
            self.__dict__.pop(name, None)

    def role_names(self) -> set[str]:
        cached = getattr(self, "_role_names", None)
        if cached is None:
            self.load_access()
            cached = self._role_names
        return cached

    def agent_commune_ids(self) -> frozenset[int]:
        """The ids of the communes this account manages as a commune agent (cached with the
        roles, see load_access)."""
        cached = getattr(self, "_agent_commune_ids", None)
        if cached is None:
            self.load_access()
            cached = self._agent_commune_ids
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
