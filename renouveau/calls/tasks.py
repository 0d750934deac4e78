from django_tasks import task


@task()
def purge_old_invitations() -> int:
    """Daily: invitations to co-author that ended (expired, declined, cancelled) more than
    ``INVITATION_KEEP_DAYS`` ago are deleted with the address they hold."""
    from .services import invitations_purge

    return invitations_purge()
