"""RGPD receivers. A voter's export lists their own ballots; erasure detaches the ballots from
the account (they stay, anonymous, so that the published results can still be recomputed)."""

from __future__ import annotations

from django.dispatch import receiver

from renouveau.accounts.signals import personal_data_requested, user_erased


@receiver(personal_data_requested)
def export_ballots(sender, user, **kwargs):
    from renouveau.calls.models import Submission

    from .models import Ballot

    ballots = list(Ballot.objects.filter(voter=user).select_related("envelope", "envelope__call"))
    # The choices are submission ids: the export names the projects too, so that a person
    # reads what they voted for.
    ids = {int(pk) for b in ballots for pk in b.choices if str(pk).isdigit()}
    titles = dict(Submission.objects.filter(pk__in=ids).values_list("pk", "title"))
    return (
        "budget_participatif",
        {
            "bulletins": [
                {
                    "appel": b.envelope.call.title,
                    "enveloppe": b.envelope.name,
                    "choix": b.choices,
                    "projets": [
                        titles[int(pk)]
                        for pk in b.choices
                        if str(pk).isdigit() and int(pk) in titles
                    ],
                    "modifie_le": b.updated_at.isoformat(),
                }
                for b in ballots
            ]
        },
    )


@receiver(user_erased)
def erase_ballots(sender, user, **kwargs):
    from .models import Ballot

    Ballot.objects.filter(voter=user).update(voter=None)
