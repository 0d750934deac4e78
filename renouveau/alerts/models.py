"""Public alerts modelled on CAP 1.2 (OASIS Common Alerting Protocol), crisis mode, residents'
subscriptions with their notifications (exactly-once per message and person), and exercises
(« exercices de mise en situation ») with registrations and a published debrief."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from renouveau.core.models import DemoFlagModel


class Risk(models.TextChoices):
    """The risks named by the plan (« politique métropolitaine intégrée du risque »)."""

    FLOOD = "flood", _("Inondation")
    HEATWAVE = "heatwave", _("Canicule")
    FIRE = "fire", _("Feu de forêt")
    EARTHQUAKE = "earthquake", _("Séisme")
    INDUSTRIAL = "industrial", _("Risque industriel")
    PANDEMIC = "pandemic", _("Épidémie, pandémie")
    TERRORISM = "terrorism", _("Terrorisme")
    EROSION = "erosion", _("Érosion, submersion du littoral")
    DROUGHT = "drought", _("Sécheresse, pénurie d'eau")
    STORM = "storm", _("Tempête, vents violents")
    OTHER = "other", _("Autre risque")


class Alert(DemoFlagModel):
    """One CAP message. An update or a cancellation is a new message whose ``references`` is
    the message it replaces; the replaced message is then ``superseded`` or ``cancelled``."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        PUBLISHED = "published", _("Publiée")
        SUPERSEDED = "superseded", _("Remplacée par une mise à jour")
        CANCELLED = "cancelled", _("Annulée")

    # CAP <status>; "Draft" and "System" are not published to the public by this platform (a
    # draft is our workflow state), so only these three can be chosen.
    class Status(models.TextChoices):
        ACTUAL = "Actual", _("Réelle")
        EXERCISE = "Exercise", _("Exercice")
        TEST = "Test", _("Test technique")

    class MsgType(models.TextChoices):
        ALERT = "Alert", _("Alerte")
        UPDATE = "Update", _("Mise à jour")
        CANCEL = "Cancel", _("Annulation")

    class Category(models.TextChoices):
        GEO = "Geo", _("Géophysique (séisme, glissement de terrain)")
        MET = "Met", _("Météorologique (inondation, tempête, canicule)")
        SAFETY = "Safety", _("Sécurité générale")
        SECURITY = "Security", _("Sûreté, ordre public")
        RESCUE = "Rescue", _("Secours")
        FIRE = "Fire", _("Incendie")
        HEALTH = "Health", _("Santé")
        ENV = "Env", _("Environnement, pollution")
        TRANSPORT = "Transport", _("Transports")
        INFRA = "Infra", _("Infrastructures, réseaux")
        CBRNE = "CBRNE", _("NRBC-E (chimique, biologique, nucléaire, explosif)")
        OTHER = "Other", _("Autre")

    class ResponseType(models.TextChoices):
        SHELTER = "Shelter", _("Se mettre à l'abri")
        EVACUATE = "Evacuate", _("Évacuer")
        PREPARE = "Prepare", _("Se préparer")
        EXECUTE = "Execute", _("Appliquer les consignes")
        AVOID = "Avoid", _("Éviter la zone")
        MONITOR = "Monitor", _("Rester informé")
        ALL_CLEAR = "AllClear", _("Fin de l'alerte")
        NONE = "None", _("Aucune action")

    class Urgency(models.TextChoices):
        IMMEDIATE = "Immediate", _("Immédiate")
        EXPECTED = "Expected", _("Attendue (dans l'heure)")
        FUTURE = "Future", _("Future")
        PAST = "Past", _("Passée")
        UNKNOWN = "Unknown", _("Inconnue")

    class Severity(models.TextChoices):
        EXTREME = "Extreme", _("Extrême")
        SEVERE = "Severe", _("Grave")
        MODERATE = "Moderate", _("Modéré")
        MINOR = "Minor", _("Mineur")
        UNKNOWN = "Unknown", _("Inconnu")

    class Certainty(models.TextChoices):
        OBSERVED = "Observed", _("Observé")
        LIKELY = "Likely", _("Probable")
        POSSIBLE = "Possible", _("Possible")
        UNLIKELY = "Unlikely", _("Peu probable")
        UNKNOWN = "Unknown", _("Inconnue")

    CRISIS_SEVERITIES = (Severity.EXTREME, Severity.SEVERE)

    identifier = models.CharField(_("identifiant CAP"), max_length=120, unique=True)
    sender = models.CharField(_("émetteur"), max_length=200)
    sender_name = models.CharField(_("nom de l'émetteur"), max_length=200, blank=True)
    sent = models.DateTimeField(_("émise le"), null=True, blank=True)
    state = models.CharField(
        _("état"), max_length=12, choices=State.choices, default=State.DRAFT, db_index=True
    )
    status = models.CharField(
        _("nature"), max_length=10, choices=Status.choices, default=Status.ACTUAL
    )
    msg_type = models.CharField(
        _("type de message"), max_length=8, choices=MsgType.choices, default=MsgType.ALERT
    )
    references = models.ForeignKey(
        "self",
        verbose_name=_("message remplacé"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successors",
    )
    note = models.TextField(_("note"), blank=True)
    # <info>
    risk = models.CharField(_("type de risque"), max_length=12, choices=Risk.choices)
    category = models.CharField(_("catégorie CAP"), max_length=10, choices=Category.choices)
    event = models.CharField(_("événement"), max_length=120)
    response_type = models.CharField(
        _("conduite attendue"), max_length=10, choices=ResponseType.choices, blank=True
    )
    urgency = models.CharField(_("urgence"), max_length=10, choices=Urgency.choices)
    severity = models.CharField(_("gravité"), max_length=10, choices=Severity.choices)
    certainty = models.CharField(_("certitude"), max_length=10, choices=Certainty.choices)
    headline = models.CharField(_("titre"), max_length=160)
    description = models.TextField(_("description"))
    instruction = models.TextField(_("consignes"), blank=True)
    effective = models.DateTimeField(_("en vigueur à partir du"), null=True, blank=True)
    onset = models.DateTimeField(_("début de l'événement"), null=True, blank=True)
    expires = models.DateTimeField(_("fin de validité"), null=True, blank=True, db_index=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    # The optional English version of the texts the crisis cell writes (a second CAP <info>
    # in en-GB; the pages and e-mails in English use it). The English headline is required
    # as soon as any English text is given (forms and services).
    event_en = models.CharField(_("événement (anglais)"), max_length=120, blank=True)
    headline_en = models.CharField(_("titre (anglais)"), max_length=160, blank=True)
    description_en = models.TextField(_("description (anglais)"), blank=True)
    instruction_en = models.TextField(_("consignes (anglais)"), blank=True)
    # <area>
    area_desc = models.CharField(_("zone concernée"), max_length=300)
    communes = models.ManyToManyField(
        "territories.Commune", verbose_name=_("communes concernées"), related_name="alerts"
    )
    exercise = models.ForeignKey(
        "Exercise",
        verbose_name=_("exercice"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="alerts",
    )
    # The vigie's warning signals (citizen reserve) this message was drafted from: for the
    # crisis cell only (never on public pages). See ``AlertSignal``.
    signals = models.ManyToManyField(
        "reserve.Signal",
        verbose_name=_("signalements d'origine"),
        through="AlertSignal",
        related_name="alerts",
        blank=True,
    )
    # Workflow
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    ended_at = models.DateTimeField(_("terminée le"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("alerte")
        verbose_name_plural = _("alertes")
        ordering = ["-sent", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(msg_type="Alert", references__isnull=True)
                | (Q(msg_type__in=["Update", "Cancel"]) & Q(references__isnull=False)),
                name="alerts_alert_references_by_msg_type",
            ),
            models.CheckConstraint(
                condition=Q(state="draft") | Q(sent__isnull=False),
                name="alerts_alert_sent_when_published",
            ),
            models.CheckConstraint(
                condition=Q(expires__isnull=True)
                | Q(effective__isnull=True)
                | Q(expires__gt=models.F("effective")),
                name="alerts_alert_expires_after_effective",
            ),
        ]

    def __str__(self) -> str:
        prefix = "[EXERCICE] " if self.is_exercise else ""
        return f"{prefix}{self.headline}"

    def get_absolute_url(self) -> str:
        return reverse("alerts:detail", args=[self.pk])

    @property
    def is_exercise(self) -> bool:
        return self.status == self.Status.EXERCISE

    @property
    def has_english(self) -> bool:
        """An English version exists (its headline is required with any English text)."""
        return bool(self.headline_en.strip())

    def texts(self, language: str | None = None) -> AlertTexts:
        """The public texts in ``language`` (default: the active one): the English version
        of each text when the language is English and it exists, else the French text."""
        return AlertTexts.of(self, language or translation.get_language() or "fr")

    @property
    def is_draft(self) -> bool:
        return self.state == self.State.DRAFT

    @property
    def is_crisis_level(self) -> bool:
        return self.status == self.Status.ACTUAL and self.severity in self.CRISIS_SEVERITIES

    def starts_at(self):
        return self.effective or self.sent

    def is_in_force(self, now=None) -> bool:
        now = now or timezone.now()
        start = self.starts_at()
        return (
            self.state == self.State.PUBLISHED
            and self.msg_type != self.MsgType.CANCEL
            and start is not None
            and start <= now
            and (self.expires is None or self.expires > now)
        )

    def is_upcoming(self, now=None) -> bool:
        now = now or timezone.now()
        start = self.starts_at()
        return (
            self.state == self.State.PUBLISHED
            and self.msg_type != self.MsgType.CANCEL
            and start is not None
            and start > now
        )


ENGLISH_TEXTS = ("event", "headline", "description", "instruction")


class AlertTexts:
    """An alert's public texts in one language, each with the language it is written in:
    ``headline``, ``description``, ``instruction``, ``event`` and, for each, ``<name>_lang``:
    ``"fr"`` when a French text is shown in an English page (so that a screen reader
    pronounces it in French), else ``""``."""

    def __init__(self, values: dict[str, str], langs: dict[str, str]):
        for name in ENGLISH_TEXTS:
            setattr(self, name, values[name])
            setattr(self, f"{name}_lang", langs[name])

    @classmethod
    def of(cls, alert: Alert, language: str) -> AlertTexts:
        english = language.split("-")[0].lower() == "en"
        values, langs = {}, {}
        for name in ENGLISH_TEXTS:
            translated = getattr(alert, f"{name}_en") if english else ""
            if translated.strip():
                values[name], langs[name] = translated, ""
            else:
                values[name] = getattr(alert, name)
                langs[name] = "fr" if english and values[name] else ""
        return cls(values, langs)


class CrisisMode(models.Model):
    """Crisis mode switched on by hand by the crisis cell (at most one active row)."""

    headline = models.CharField(_("titre du bandeau"), max_length=160)
    message = models.TextField(_("message"))
    is_active = models.BooleanField(default=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("mode crise")
        verbose_name_plural = _("modes crise")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(is_active=True),
                name="alerts_one_active_crisis_mode",
            )
        ]

    def __str__(self) -> str:
        return self.headline


class Subscription(models.Model):
    """A resident receives the alerts of a commune (by e-mail: no SMS provider here)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_subscriptions"
    )
    commune = models.ForeignKey(
        "territories.Commune", on_delete=models.CASCADE, related_name="alert_subscriptions"
    )
    by_email = models.BooleanField(_("par e-mail"), default=True)
    include_exercises = models.BooleanField(_("recevoir aussi les exercices"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("abonnement aux alertes")
        verbose_name_plural = _("abonnements aux alertes")
        ordering = ["commune__sort_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "commune"], name="alerts_one_subscription")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.commune_id}"


class Notification(models.Model):
    """One message sent to one person on one channel: the row is the exactly-once guard."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="notifications")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_notifications"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "user", "channel"], name="alerts_notification_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.alert_id} → {self.user_id}"


class Exercise(DemoFlagModel):
    """An « exercice de mise en situation », open to residents, with a published debrief."""

    title = models.CharField(_("titre"), max_length=160)
    scenario = models.TextField(_("scénario"))
    risk = models.CharField(_("type de risque"), max_length=12, choices=Risk.choices)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    place = models.CharField(_("lieu de rendez-vous"), max_length=200)
    communes = models.ManyToManyField(
        "territories.Commune", verbose_name=_("communes concernées"), related_name="exercises"
    )
    organiser = models.CharField(_("organisateur"), max_length=200)
    capacity = models.PositiveIntegerField(_("nombre de places"))
    is_cancelled = models.BooleanField(_("annulé"), default=False)
    debrief_went_well = models.TextField(_("ce qui a bien fonctionné"), blank=True)
    debrief_to_improve = models.TextField(_("ce qui est à améliorer"), blank=True)
    debrief_published_at = models.DateTimeField(_("retour publié le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("exercice")
        verbose_name_plural = _("exercices")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="alerts_exercise_ends_after_start",
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="alerts_exercise_capacity"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("alerts:exercise_detail", args=[self.pk])

    def is_past(self, now=None) -> bool:
        return self.ends_at <= (now or timezone.now())

    def registration_open(self, now=None) -> bool:
        return not self.is_cancelled and self.starts_at > (now or timezone.now())


class Registration(models.Model):
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exercise_registrations"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("inscription à un exercice")
        verbose_name_plural = _("inscriptions aux exercices")
        constraints = [
            models.UniqueConstraint(fields=["exercise", "user"], name="alerts_registration_once")
        ]

    def __str__(self) -> str:
        return f"{self.exercise_id} ← {self.user_id}"


class AlertSignal(models.Model):
    """A warning signal an alert was drafted from. The reporter is told once that an alert
    was issued (``reporter_notified_at``, set in the publication's transaction). An update
    carries its message's links (and their notification) so it is not told twice. Erasing the
    reporter keeps the signal (``reporter = NULL``); deleting a signal deletes only the link."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="signal_links")
    signal = models.ForeignKey(
        "reserve.Signal", on_delete=models.CASCADE, related_name="alert_links"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    reporter_notified_at = models.DateTimeField(_("auteur prévenu le"), null=True, blank=True)

    class Meta:
        verbose_name = _("signalement d'origine")
        verbose_name_plural = _("signalements d'origine")
        constraints = [
            models.UniqueConstraint(fields=["alert", "signal"], name="alerts_signal_link_once")
        ]

    def __str__(self) -> str:
        return f"{self.alert_id} ← {self.signal_id}"
