import rules

from renouveau.core.rules import is_administrator, is_agent


@rules.predicate
def is_organisation_admin(user, organisation) -> bool:
    if not getattr(user, "is_authenticated", False) or organisation is None:
        return False
    return organisation.membership_set.filter(user=user, role="admin").exists()


@rules.predicate
def is_organisation_member(user, organisation) -> bool:
    if not getattr(user, "is_authenticated", False) or organisation is None:
        return False
    return organisation.membership_set.filter(user=user).exists()


rules.add_perm("accounts.change_organisation", is_organisation_admin | is_administrator)
rules.add_perm("accounts.view_organisation_members", is_organisation_member | is_agent)
rules.add_perm("accounts.verify_organisation", is_agent)
