"""Demonstration dataset of mutual aid: a few offers, requests, one accepted and done match with
a testimony, and two initiatives of a demonstration association. Every row has ``is_demo=True``
(shown with the "Démonstration" badge) and its title says "exemple". Idempotent. The demo
people have unusable passwords and addresses under ``demo.renouveau.localhost``."""

from __future__ import annotations

import datetime

from django.utils import timezone

DEMO_DOMAIN = "demo.renouveau.localhost"


def _user(email: str, name: str, commune):
    from renouveau.accounts.models import User

    user, created = User.objects.get_or_create(
        email=f"{email}@{DEMO_DOMAIN}",
        defaults={"display_name": name, "commune": commune, "birth_year": 1975},
    )
    if created:
        user.set_unusable_password()
        user.save()
    return user


def load() -> str:
    from renouveau.accounts.models import Membership, Organisation
    from renouveau.territories.models import Commune

    from .models import HelpOffer, HelpRequest, Initiative, Match, PostStatus, Testimony, slots_mask

    communes = {
        c.insee: c for c in Commune.objects.filter(insee__in=["13055", "13001", "13005", "13056"])
    }
    if len(communes) < 4:
        return "skipped (territories not loaded)"
    marseille, aix, aubagne, martigues = (communes[i] for i in ("13055", "13001", "13005", "13056"))
    today = timezone.localdate()
    later = today + datetime.timedelta(days=45)
    nadia = _user("nadia.entraide", "Nadia (exemple)", marseille)
    paul = _user("paul.entraide", "Paul (exemple)", marseille)
    lea = _user("lea.entraide", "Léa (exemple)", aix)
    organisation, _ = Organisation.objects.get_or_create(
        name="Association Solidarités de quartier (exemple)",
        defaults={"kind": Organisation.Kind.ASSOCIATION, "commune": marseille, "is_verified": True},
    )
    Membership.objects.get_or_create(
        organisation=organisation, user=nadia, defaults={"role": "admin"}
    )

    def post(model, author, title, **fields):
        obj, _ = model.objects.get_or_create(
            title=title,
            is_demo=True,
            defaults={"author": author, "expires_on": later, **fields},
        )
        return obj

    saturday_morning = slots_mask([5], [0])
    offers = [
        post(
            HelpOffer,
            paul,
            "Courses le samedi matin (exemple)",
            category="shopping",
            commune=marseille,
            neighbourhood="La Plaine",
            frequency="recurring",
            slots=saturday_morning,
            capacity=2,
            description="Je fais mes courses au marché le samedi, je peux prendre les vôtres.",
        ),
        post(
            HelpOffer,
            lea,
            "Aide aux démarches en ligne (exemple)",
            category="digital",
            commune=aix,
            neighbourhood="Jas de Bouffan",
            frequency="recurring",
            slots=slots_mask([2], [1]),
            description="Retraitée de la CAF, j'aide pour les dossiers en ligne le mercredi après-midi.",
        ),
        post(
            HelpOffer,
            nadia,
            "Soutien scolaire collège (exemple)",
            category="school",
            commune=marseille,
            organisation=organisation,
            frequency="recurring",
            slots=slots_mask([0, 3], [2]),
            capacity=5,
            description="Les bénévoles de l'association aident aux devoirs, maths et français.",
        ),
    ]
    requests = [
        post(
            HelpRequest,
            lea,
            "Courses pour ma voisine âgée (exemple)",
            category="shopping",
            commune=marseille,
            neighbourhood="Noailles",
            urgency="high",
            on_behalf=True,
            frequency="one_off",
            slots=saturday_morning,
            description="Ma voisine ne sort plus depuis sa chute ; il faudrait des courses cette semaine.",
        ),
        post(
            HelpRequest,
            paul,
            "Compagnie pour un après-midi (exemple)",
            category="company",
            commune=aubagne,
            urgency="low",
            frequency="recurring",
            slots=slots_mask([6], [1]),
            description="Mon père vit seul et aimerait de la visite le dimanche.",
        ),
        post(
            HelpRequest,
            nadia,
            "Transport vers l'hôpital (exemple)",
            category="transport",
            commune=martigues,
            urgency="normal",
            frequency="one_off",
            description="Un rendez-vous à l'hôpital, aller et retour.",
        ),
    ]
    match, created = Match.objects.get_or_create(
        offer=offers[0],
        request=requests[0],
        defaults={
            "proposed_by": paul,
            "status": Match.Status.DONE,
            "answered_at": timezone.now(),
            "done_at": timezone.now(),
        },
    )
    if created:
        HelpRequest.objects.filter(pk=requests[0].pk).update(status=PostStatus.DONE)
    Testimony.objects.get_or_create(
        match=match,
        author=lea,
        defaults={
            "text": "Paul a fait les courses de ma voisine deux samedis de suite. Merci ! (exemple)"
        },
    )
    initiatives = [
        (
            "Distribution de paniers solidaires (exemple)",
            "food",
            marseille,
            "Place Jean-Jaurès",
            "Le mercredi, 14 h-17 h",
        ),
        (
            "Café réparation du quartier (exemple)",
            "repair",
            aix,
            "Maison de quartier",
            "Le premier samedi du mois",
        ),
    ]
    for title, kind, commune, place, schedule in initiatives:
        Initiative.objects.get_or_create(
            title=title,
            is_demo=True,
            defaults={
                "organisation": organisation,
                "created_by": nadia,
                "kind": kind,
                "commune": commune,
                "place": place,
                "schedule": schedule,
                "starts_on": today,
                "ends_on": today + datetime.timedelta(days=120),
                "description": "Une action de démonstration : elle n'existe pas.",
                "how_to_join": "Venez sur place, sans inscription. (exemple)",
            },
        )
    return f"{len(offers)} offers, {len(requests)} requests, 1 match with a testimony, {len(initiatives)} initiatives"
