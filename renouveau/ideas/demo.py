"""Demonstration dataset of ideas and field reports: routing rules, a few reports and ideas
at different statuses with public answers. ``is_demo=True`` everywhere (badge) and "exemple"
in the titles. Idempotent."""

from __future__ import annotations

DEMO_DOMAIN = "demo.renouveau.localhost"


def load() -> str:
    from renouveau.accounts.models import User
    from renouveau.plan.models import Workstream
    from renouveau.territories.models import Commune

    from .models import Idea, RoutingRule, Status, StatusChange

    communes = {c.insee: c for c in Commune.objects.filter(insee__in=["13055", "13001", "13047"])}
    if len(communes) < 3:
        return "skipped (territories not loaded)"
    marseille, aix, istres = communes["13055"], communes["13001"], communes["13047"]
    RoutingRule.objects.get_or_create(
        category="",
        territory=None,
        commune=None,
        defaults={"service": "Métropole — accueil des contributions (exemple)"},
    )
    RoutingRule.objects.get_or_create(
        category="roads",
        territory=None,
        commune=marseille,
        defaults={"service": "Ville de Marseille — voirie (exemple)"},
    )
    RoutingRule.objects.get_or_create(
        category="mobility",
        territory=None,
        commune=None,
        defaults={"service": "Métropole — mobilité (exemple)"},
    )
    author, created = User.objects.get_or_create(
        email=f"karim.idees@{DEMO_DOMAIN}",
        defaults={"display_name": "Karim (exemple)", "commune": marseille},
    )
    if created:
        author.set_unusable_password()
        author.save()
    workstreams = {w.number: w for w in Workstream.objects.all()}
    examples = [
        (
            "problem",
            "Trottoir défoncé devant l'école (exemple)",
            "roads",
            marseille,
            Status.PLANNED,
            "La réfection du trottoir est programmée pendant les vacances scolaires. (exemple)",
            14,
        ),
        (
            "solution",
            "Ateliers vélo dans les collèges (exemple)",
            "mobility",
            aix,
            Status.UNDER_STUDY,
            "Le service mobilité étudie l'idée avec deux collèges volontaires. (exemple)",
            32,
        ),
        (
            "solution",
            "Bourse d'échange de matériel entre associations (exemple)",
            "solidarity",
            istres,
            Status.RECEIVED,
            "",
            6,
        ),
        (
            "problem",
            "Dépôt sauvage près du stade (exemple)",
            "cleanliness",
            marseille,
            Status.DONE,
            "Le dépôt a été enlevé et une caméra installée. Merci du signalement. (exemple)",
            3,
        ),
    ]
    from .services import routing_for

    for kind, title, category, commune, status, answer, supports in examples:
        rule = routing_for(category=category, commune=commune)
        idea, created = Idea.objects.get_or_create(
            title=title,
            is_demo=True,
            defaults={
                "author": author,
                "kind": kind,
                "category": category,
                "commune": commune,
                "description": "Contribution de démonstration : elle n'est pas réelle.",
                "status": status,
                "public_answer": answer,
                "supports_count": supports,
                "routing_rule": rule,
                "routed_service": rule.service if rule else "",
                "workstream": workstreams.get(
                    {"mobility": 5, "roads": 6, "solidarity": 4, "cleanliness": 7}[category]
                ),
            },
        )
        if created:
            StatusChange.objects.create(idea=idea, status=Status.RECEIVED)
            if status != Status.RECEIVED:
                StatusChange.objects.create(idea=idea, status=status, answer=answer)
    return f"{len(examples)} ideas and field reports, 3 routing rules"
