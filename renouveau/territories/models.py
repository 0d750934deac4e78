from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from renouveau.core.search import fold


def sort_key(name: str) -> str:
    """The key lists are sorted by, the way a French reader expects them: accents, case, hyphens
    and apostrophes ignored (« Éguilles » between « Cuges-les-Pins » and « Eyguières », « Gémenos »
    before « Gignac-la-Nerthe »). Both databases sort their plain text by bytes here (SQLite
    always, PostgreSQL under the C collation), which put every accented initial last."""
    folded = fold(name)
    for mark in "-'’":
        folded = folded.replace(mark, " ")
    return " ".join(folded.split())


class SortedByNameModel(models.Model):
    """A place listed by name: keeps ``sort_name`` in step with ``name`` on every save."""

    sort_name = models.CharField(max_length=120, db_index=True, editable=False, default="")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.sort_name = sort_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "sort_name"}
        super().save(*args, **kwargs)


class Metropolis(models.Model):
    """The intercommunal authority running this instance (one per instance in practice)."""

    slug = models.SlugField(unique=True)
    name = models.CharField(_("nom"), max_length=200)
    short_name = models.CharField(_("sigle"), max_length=20, blank=True)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    source = models.JSONField(_("source des données"), default=dict, blank=True)

    class Meta:
        verbose_name = _("métropole")
        verbose_name_plural = _("métropoles")

    def __str__(self) -> str:
        return self.name


class Territory(SortedByNameModel):
    metropolis = models.ForeignKey(Metropolis, on_delete=models.CASCADE, related_name="territories")
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("nom"), max_length=120)
    seat = models.CharField(_("siège"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("Territoire")
        verbose_name_plural = _("Territoires")
        ordering = ["sort_name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["metropolis", "code"], name="unique_territory_code")
        ]

    def __str__(self) -> str:
        return self.name


class CommuneQuerySet(models.QuerySet):
    def of_metropolis(self, metropolis: Metropolis):
        return self.filter(territory__metropolis=metropolis)


class Commune(SortedByNameModel):
    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="communes")
    insee = models.CharField(_("code INSEE"), max_length=5, unique=True)
    name = models.CharField(_("nom"), max_length=120, db_index=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(
        _("année du recensement"), null=True, blank=True
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    postal_codes = models.JSONField(_("codes postaux"), default=list, blank=True)

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["sort_name", "name"]

    def __str__(self) -> str:
        return self.name
