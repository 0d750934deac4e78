from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from renouveau.mutualaid.models import HelpOffer, HelpRequest, Initiative
from renouveau.territories.models import Commune

_counter = itertools.count(1)


def commune(insee: str) -> Commune:
    return Commune.objects.get(insee=insee)


def later(days: int = 20) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def make_offer(author, *, insee="13055", **fields) -> HelpOffer:
    n = next(_counter)
    values = {
        "category": "shopping",
        "title": f"Courses pour un voisin {n}",
        "description": "Je peux faire vos courses le samedi.",
        "commune": commune(insee),
        "expires_on": later(),
        "phone": "06 11 22 33 44",
        "address": "12 rue Secrète",
    }
    values.update(fields)
    return HelpOffer.objects.create(author=author, **values)


def make_request(author, *, insee="13055", **fields) -> HelpRequest:
    n = next(_counter)
    values = {
        "category": "shopping",
        "title": f"Besoin de courses {n}",
        "description": "Je ne peux plus porter de charges.",
        "commune": commune(insee),
        "expires_on": later(),
        "phone": "04 91 00 00 01",
        "address": "3 impasse Cachée",
    }
    values.update(fields)
    return HelpRequest.objects.create(author=author, **values)


def make_initiative(organisation, *, insee="13055", **fields) -> Initiative:
    values = {
        "kind": "food",
        "title": "Distribution de paniers",
        "description": "Chaque mercredi.",
        "commune": commune(insee),
        "place": "Place du marché",
        "starts_on": later(2),
        "ends_on": later(60),
        "how_to_join": "Venez sur place.",
    }
    values.update(fields)
    return Initiative.objects.create(organisation=organisation, **values)
