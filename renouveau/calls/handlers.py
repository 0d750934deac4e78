"""RGPD receivers: a user's projects, comments and reports in the export; erasure keeps the public
contributions (shown as "Compte supprimé") and deletes the private reports."""

from __future__ import annotations

from django.dispatch import receiver

from renouveau.accounts.signals import personal_data_requested, user_erased


@receiver(personal_data_requested)
def export_calls(sender, user, **kwargs):
    from .models import Comment, CommentReport, Submission

    submissions = Submission.objects.filter(author=user).select_related("call", "commune")
    return (
        "appels_a_projets",
        {
            "projets_deposes": [
                {
                    "appel": s.call.title,
                    "titre": s.title,
                    "description": s.description,
                    "commune": s.commune.name,
                    "cout_estime": str(s.estimated_cost),
                    "statut": s.status,
                    "depose_le": s.created_at.isoformat(),
                }
                for s in submissions
            ],
            "co_auteur_de": list(user.coauthored_call_submissions.values_list("title", flat=True)),
            "commentaires": [
                {"projet": c.submission.title, "texte": c.body, "le": c.created_at.isoformat()}
                for c in Comment.objects.filter(author=user).select_related("submission")
            ],
            "signalements": [
                {
                    "projet": r.comment.submission.title,
                    "commentaire": r.comment.body[:200],
                    "le": r.created_at.isoformat(),
                    "traite_le": r.handled_at.isoformat() if r.handled_at else None,
                }
                for r in CommentReport.objects.filter(reporter=user).select_related(
                    "comment__submission"
                )
            ],
        },
    )


@receiver(user_erased)
def erase_calls(sender, user, **kwargs):
    from .models import CommentReport

    CommentReport.objects.filter(reporter=user).delete()
