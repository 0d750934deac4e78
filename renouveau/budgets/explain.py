"""Plain-French explanations of the engine's reason codes, for the results page and the API."""

from __future__ import annotations

from django.utils.translation import gettext as _

from renouveau.core.templatetags.renouveau import amount


def _eur(value) -> str:
    if value is None:
        return "?"
    return amount(round(float(value), 2), "€")


def explain(entry: dict, *, ballot_type: str) -> str:
    """One sentence explaining why a project was (not) funded, from ``Outcome.to_dict()``."""
    reason = entry.get("reason", "")
    per = _("par point") if ballot_type == "cumulative" else _("par soutien")
    if reason == "selected-equal-shares":
        return _(
            "Financé par la méthode des parts égales (étape %(round)s) : ses %(supporters)s "
            "soutiens se sont partagé son coût, au plus %(price)s %(per)s."
        ) % {
            "round": entry.get("round", "?"),
            "supporters": entry.get("supporters", 0),
            "price": _eur(entry.get("price")),
            "per": per,
        }
    if reason == "selected-free":
        return _("Projet sans coût, soutenu : retenu d'office.")
    if reason == "selected-greedy":
        return _(
            "Financé avec l'argent restant, dans l'ordre des voix par euro (il restait %(left)s)."
        ) % {"left": _eur(entry.get("remaining_budget"))}
    if reason == "selected-optimal":
        return _("Fait partie de l'ensemble de projets le plus soutenu.")
    if reason == "no-support":
        return _("Aucun vote pour ce projet.")
    if reason == "cost-exceeds-budget":
        return _("Il coûte plus que toute l'enveloppe.")
    if reason == "supporters-money-exhausted":
        return _(
            "Ses %(supporters)s soutiens n'avaient plus que %(money)s sur leurs parts (étape "
            "%(round)s), moins que son coût de %(cost)s."
        ) % {
            "supporters": entry.get("supporters", 0),
            "money": _eur(entry.get("money")),
            "round": entry.get("mes_round", "?"),
            "cost": _eur(entry.get("cost")),
        }
    if reason == "over-remaining-budget":
        return _(
            "Son coût (%(cost)s) dépassait l'argent restant (%(left)s) quand son tour est venu."
        ) % {"cost": _eur(entry.get("cost")), "left": _eur(entry.get("remaining_budget"))}
    if reason == "not-in-optimal-set":
        return _("Ne fait pas partie de l'ensemble de projets le plus soutenu.")
    return _("Non retenu.")


def rule_summary(outcome: dict, *, ballot_type: str) -> str:
    rule = outcome.get("rule", "")
    if rule.startswith("mes"):
        text = _(
            "Méthode des parts égales : l'enveloppe est partagée à égalité entre les votants ; un "
            "projet est financé quand ses soutiens peuvent le payer ensemble avec leurs parts, en "
            "commençant par ceux qui coûtent le moins à chacun. L'argent restant finance ensuite "
            "les projets dans l'ordre des voix par euro."
        )
        if outcome.get("budget_per_voter") is not None:
            text += " " + _("Part de chaque votant : %(share)s.") % {
                "share": _eur(outcome["budget_per_voter"])
            }
        return text
    return _(
        "Vote majoritaire par euro : les projets sont pris dans l'ordre du nombre de voix par "
        "euro, tant qu'ils tiennent dans l'enveloppe."
    )
