"""Demonstration guides (``is_demo=True``): the platform ships no official health advice;
agents replace these pages with the authorities' current guidance."""

from __future__ import annotations

from .models import Guide, GuideTag

TAGS = {
    "gestes-barrieres": "Gestes barrières",
    "canicule": "Canicule",
    "inondation": "Inondation",
    "risques": "Risques majeurs",
}

GUIDES = [
    {
        "slug": "gestes-barrieres",
        "title": "Les gestes barrières",
        "summary": "Se protéger et protéger les autres des virus respiratoires.",
        "tags": ["gestes-barrieres"],
        "body": (
            "## Au quotidien\n"
            "- Se laver les mains régulièrement, à l'eau et au savon ou avec une solution "
            "hydroalcoolique.\n"
            "- Tousser ou éternuer dans son coude.\n"
            "- Utiliser un mouchoir à usage unique, puis le jeter.\n"
            "- Aérer les pièces plusieurs minutes, plusieurs fois par jour.\n"
            "- Porter un masque quand les autorités sanitaires le recommandent.\n\n"
            "## En cas de symptômes\n"
            "Limitez les contacts et appelez votre médecin. En cas de difficulté à respirer, "
            "appelez le 15."
        ),
    },
    {
        "slug": "fortes-chaleurs",
        "title": "Fortes chaleurs et canicule",
        "summary": "Les bons réflexes pendant un épisode de chaleur.",
        "tags": ["canicule", "risques"],
        "body": (
            "## Les bons réflexes\n"
            "- Boire de l'eau régulièrement, sans attendre d'avoir soif.\n"
            "- Se rafraîchir : douche, linge humide, lieux frais ou climatisés.\n"
            "- Fermer volets et fenêtres le jour, aérer la nuit.\n"
            "- Éviter les efforts aux heures les plus chaudes.\n"
            "- Prendre des nouvelles des personnes âgées, isolées ou fragiles.\n\n"
            "En cas de malaise, appelez le 15."
        ),
    },
    {
        "slug": "inondations",
        "title": "Pluies intenses et inondations",
        "summary": "Que faire quand l'eau monte.",
        "tags": ["inondation", "risques"],
        "body": (
            "## Pendant l'épisode\n"
            "- Ne prenez pas la voiture et ne traversez jamais une zone inondée, à pied ou en "
            "voiture.\n"
            "- Ne descendez pas dans les sous-sols ni les parkings souterrains.\n"
            "- Montez dans les étages et suivez les consignes des autorités.\n"
            "- N'allez pas chercher les enfants à l'école : ils y sont mis à l'abri.\n\n"
            "En cas de danger, appelez le 112."
        ),
    },
]


def load() -> str:
    tags = {}
    for slug, name in TAGS.items():
        tags[slug], _created = GuideTag.objects.get_or_create(slug=slug, defaults={"name": name})
    for item in GUIDES:
        guide, _created = Guide.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "title": item["title"],
                "summary": item["summary"],
                "body": item["body"],
                "status": Guide.Status.PUBLISHED,
                "is_demo": True,
            },
        )
        guide.tags.set([tags[t] for t in item["tags"]])
    return f"{len(GUIDES)} guides"
