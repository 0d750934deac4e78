"""Demonstration dataset of "Réinventons la Métropole" (calls and participatory budget).

Two calls, both labelled as demonstration: one open for voting (one envelope per Territoire for
Marseille-Provence and the Pays d'Aix, two ballot types), one finished with anonymous demo ballots,
results computed by the engine and winners in implementation. Idempotent. Demo voters have
unusable passwords and addresses under ``demo.renouveau.localhost``.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

DEMO_DOMAIN = "demo.renouveau.localhost"

THEMES = [
    4,
    5,
    6,
    7,
    8,
]  # chantiers open to the call (lien social, mobilités, centralités, nature, alimentation)

PROJECTS = [
    # (title, commune INSEE, chantier number, cost, beneficiaries, description)
    (
        "Jardin partagé de la Belle de Mai",
        "13055",
        7,
        45000,
        "Les familles du quartier",
        "Transformer une friche en jardin partagé avec composteur et récupérateur d'eau de pluie.",
    ),
    (
        "Ateliers de réparation de vélos",
        "13055",
        5,
        30000,
        "Les habitants sans voiture",
        "Un atelier mobile qui passe chaque semaine dans les quartiers nord pour réparer les vélos.",
    ),
    (
        "Épicerie solidaire en circuit court",
        "13055",
        8,
        80000,
        "Les étudiants et familles modestes",
        "Des produits des fermes de la Métropole à prix solidaire, tenue par une association.",
    ),
    (
        "Repair café et fablab de quartier",
        "13055",
        4,
        60000,
        "Tous les âges",
        "Un lieu pour réparer, apprendre le numérique et créer ensemble.",
    ),
    (
        "Ombrières et bancs place du marché",
        "13055",
        6,
        90000,
        "Les personnes âgées et les familles",
        "Rendre la place habitable l'été : ombre, bancs, fontaine à boire.",
    ),
    (
        "Forêt urbaine à l'école",
        "13001",
        7,
        70000,
        "Les écoliers et leurs familles",
        "Planter une micro-forêt dans la cour d'école, avec les enfants.",
    ),
    (
        "Navette vers les villages",
        "13001",
        5,
        120000,
        "Les habitants des villages",
        "Une navette à la demande reliant les villages au centre d'Aix le samedi.",
    ),
    (
        "Cantine 100 % locale",
        "13001",
        8,
        50000,
        "Les écoliers",
        "Accompagner une cantine vers des produits locaux et de saison.",
    ),
    (
        "Tiers-lieu numérique",
        "13001",
        4,
        40000,
        "Les personnes éloignées du numérique",
        "Un lieu ouvert avec des médiateurs pour les démarches en ligne.",
    ),
    (
        "Rues aux écoles piétonnes",
        "13001",
        6,
        35000,
        "Les écoliers",
        "Fermer les rues des écoles aux voitures aux heures d'entrée et de sortie.",
    ),
]

FINISHED = [
    ("Potagers au pied des immeubles", "13055", 7, 40000),
    ("Pistes cyclables temporaires", "13055", 5, 90000),
    ("Marché de producteurs du soir", "13005", 8, 25000),
    ("Maison des associations", "13056", 4, 110000),
    ("Végétaliser les cours d'école", "13047", 7, 60000),
    ("Bibliothèque de rue", "13001", 4, 15000),
    ("Fontaines à boire", "13001", 6, 30000),
    ("Point de réparation vélo en gare", "13056", 5, 20000),
]


def _user(email: str, commune, year: int = 1985):
    from renouveau.accounts.models import User

    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "display_name": "Habitant·e (démonstration)",
            "commune": commune,
            "birth_year": year,
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def load() -> str:
    from renouveau.calls.models import Call, Submission
    from renouveau.plan.models import Workstream
    from renouveau.territories.models import Commune, Territory

    from .models import Ballot, Envelope
    from .services import _plan_project_sync, results_compute

    if not Workstream.objects.exists() or not Commune.objects.exists():
        return "skipped (plan or territories not loaded)"
    now = timezone.now()
    day = timedelta(days=1)
    communes = {c.insee: c for c in Commune.objects.all()}
    workstreams = {w.number: w for w in Workstream.objects.all()}
    author = _user(f"porteuse-de-projets@{DEMO_DOMAIN}", communes.get("13055"))
    rng = random.Random(2026)  # noqa: S311 - deterministic demo data

    # 1. A call open for voting, one envelope per Territoire (two ballot types).
    open_call, created = Call.objects.get_or_create(
        slug="reinventons-la-metropole-demo",
        defaults={
            "title": "Réinventons la Métropole — fonds d'initiative citoyenne (démonstration)",
            "summary": "Appel à projets du tissu associatif et des habitants pour les priorités du renouveau, assorti d'un budget participatif.",
            "description": (
                "Le **fonds d'initiative citoyenne** finance des projets proposés par les habitants, "
                "les associations et le tissu économique.\n\n"
                "*Données de démonstration : cet appel n'est pas réel.*"
            ),
            "eligibility": "- Le projet relève d'un chantier du plan.\n- Il est d'intérêt général et réalisable en deux ans.\n- Son coût ne dépasse pas l'enveloppe de son Territoire.",
            "total_amount": Decimal(500000),
            "minimum_voting_age": 16,
            "is_published": True,
            "is_demo": True,
            "submission_opens_at": now - 60 * day,
            "submission_closes_at": now - 30 * day,
            "vote_opens_at": now - 5 * day,
            "vote_closes_at": now + 25 * day,
        },
    )
    if created:
        open_call.themes.set([workstreams[n] for n in THEMES if n in workstreams])
        marseille = Territory.objects.filter(code="marseille-provence").first()
        aix = Territory.objects.filter(code="pays-d-aix").first()
        if marseille:
            Envelope.objects.create(
                call=open_call,
                name="Marseille-Provence",
                territory=marseille,
                amount=Decimal(300000),
                ballot_type="approval_budget",
                min_share_percent=50,
                is_demo=True,
            )
        if aix:
            Envelope.objects.create(
                call=open_call,
                name="Pays d'Aix",
                territory=aix,
                amount=Decimal(200000),
                ballot_type="cumulative",
                points_total=10,
                max_points_per_project=5,
                is_demo=True,
            )
        for title, insee, number, cost, beneficiaries, description in PROJECTS:
            if insee not in communes or number not in workstreams:
                continue
            Submission.objects.create(
                call=open_call,
                author=author,
                title=title,
                description=description,
                beneficiaries=beneficiaries,
                commune=communes[insee],
                workstream=workstreams[number],
                estimated_cost=Decimal(cost),
                status=Submission.Status.ACCEPTED,
                reviewed_at=now - 20 * day,
                is_demo=True,
            )
        Submission.objects.create(
            call=open_call,
            author=author,
            title="Parking souterrain en centre-ville",
            description="Construire un parking de 400 places.",
            beneficiaries="Les automobilistes",
            commune=communes["13055"],
            workstream=workstreams[6],
            estimated_cost=Decimal(4000000),
            status=Submission.Status.REJECTED,
            is_demo=True,
            public_reason="Le coût dépasse l'enveloppe et le projet ne relève pas des priorités du renouveau (mobilités alternatives à la voiture).",
        )

    # 2. A finished call with anonymous demo ballots, results and winners being built.
    done_call, created = Call.objects.get_or_create(
        slug="budget-participatif-2025-demo",
        defaults={
            "title": "Budget participatif 2025 (démonstration, terminé)",
            "summary": "Premier budget participatif métropolitain : les habitants ont choisi les projets financés.",
            "description": "*Données de démonstration : ces bulletins ne sont pas réels.*",
            "total_amount": Decimal(200000),
            "minimum_voting_age": 16,
            "is_published": True,
            "is_demo": True,
            "submission_opens_at": now - 300 * day,
            "submission_closes_at": now - 250 * day,
            "vote_opens_at": now - 200 * day,
            "vote_closes_at": now - 170 * day,
            "implementation_starts_at": now - 150 * day,
        },
    )
    if created:
        done_call.themes.set([workstreams[n] for n in THEMES if n in workstreams])
        envelope = Envelope.objects.create(
            call=done_call,
            name="Toute la Métropole",
            amount=Decimal(200000),
            ballot_type="approval_budget",
            min_share_percent=0,
            is_demo=True,
        )
        projects = []
        for title, insee, number, cost in FINISHED:
            commune = communes.get(insee) or communes["13055"]
            projects.append(
                Submission.objects.create(
                    call=done_call,
                    author=author,
                    title=title,
                    description="Projet de démonstration.",
                    beneficiaries="Les habitants",
                    commune=commune,
                    workstream=workstreams[number],
                    estimated_cost=Decimal(cost),
                    status=Submission.Status.ACCEPTED,
                    is_demo=True,
                )
            )
        # 300 anonymous demo ballots: two groups of voters with different priorities.
        ballots = []
        for i in range(300):
            pool = projects[:4] if i % 3 else projects[4:]
            chosen, spent = [], Decimal(0)
            for p in rng.sample(pool, len(pool)):
                if spent + p.estimated_cost <= envelope.amount and rng.random() < 0.7:
                    chosen.append(p)
                    spent += p.estimated_cost
            if not chosen:
                chosen = [pool[0]]
            ballots.append(Ballot(envelope=envelope, choices={str(p.pk): 1 for p in chosen}))
        Ballot.objects.bulk_create(ballots)
        results_compute(call=done_call)
        from .models import TrackedProject

        for k, project in enumerate(TrackedProject.objects.filter(envelope=envelope)):
            project.status = ["done", "in_progress", "in_progress", "planned"][k % 4]
            project.progress = [100, 60, 25, 0][k % 4]
            project.spent = (project.budget * project.progress / 100).quantize(Decimal("1"))
            project.public_note = "Point d'étape de démonstration."
            project.save()
            _plan_project_sync(project, actor=None)
    return (
        f"{Call.objects.filter(is_demo=True).count()} demo calls, "
        f"{Ballot.objects.filter(envelope__is_demo=True).count()} demo ballots"
    )
