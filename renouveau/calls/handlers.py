"""RGPD receivers: a user's projects, comments, reports and co-author invitations in the export;
erasure keeps the public contributions (shown as "Compte supprimé"), deletes the private reports
and the invitations sent to the person, takes their name off the projects they co-authored and
off the invitations they sent."""

from __future__ import annotations

from django.db.models import Q
from django.dispatch import receiver

from renouveau.accounts.signals import personal_data_requested, user_erased


@receiver(personal_data_requested)
def export_calls(sender, user, **kwargs):
    from .models import CoauthorInvitation, Comment, CommentReport, Submission
    from .services import verified_addresses

    addresses = verified_addresses(user) | {user.email.lower()}
    received = CoauthorInvitation.objects.filter(
        Q(email__in=addresses) | Q(answered_by=user)
    ).select_related("submission")
    sent = CoauthorInvitation.objects.filter(invited_by=user).select_related("submission")
    submissions = Submission.objects.filter(author=user).select_related("call", "commune")
    return (
        "appels_a_projets",
        {
            "projets_deposes": [
                {
                    "appel": s.call.title,
                    "titre": s.title,
                    "description": s.description,
                    "beneficiaires": s.beneficiaries,
                    "adresse": s.address,
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
            # The invited address of the invitations one sent is the other person's data: not
            # exported (the project page shows the pending ones to their authors).
            "invitations_recues": [
                {
                    "projet": i.submission.title,
                    "adresse": i.email,
                    "statut": i.status,
                    "envoyee_le": i.created_at.isoformat(),
                    "expire_le": i.expires_at.isoformat(),
                    "repondue_le": i.answered_at.isoformat() if i.answered_at else None,
                }
                for i in received
            ],
            "invitations_envoyees": [
                {
                    "projet": i.submission.title,
                    "statut": i.status,
                    "envoyee_le": i.created_at.isoformat(),
                }
                for i in sent
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
    from .models import CoauthorInvitation, CommentReport, Submission
    from .services import verified_addresses

    CommentReport.objects.filter(reporter=user).delete()
    addresses = verified_addresses(user) | {user.email.lower()}
    CoauthorInvitation.objects.filter(Q(email__in=addresses) | Q(answered_by=user)).delete()
    CoauthorInvitation.objects.filter(invited_by=user).update(invited_by=None)
    # A tombstone among a project's co-authors says nothing: the name goes (the project stays).
    Submission.coauthors.through.objects.filter(user_id=user.pk).delete()
