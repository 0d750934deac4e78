"""Permissions of the alerts app (tested as a matrix persona × state in tests).

- Crisis cell members draft, publish, update, cancel alerts, switch crisis mode by hand and
  organise exercises. Metropolis agents (and administrators) may draft alerts and updates, and see
  the crisis cell dashboard; only a crisis cell member publishes.
- Everyone reads published alerts; signed-in people subscribe and register for exercises."""

from __future__ import annotations

import rules
from django.utils import timezone

from renouveau.core.rules import is_administrator, is_crisis_cell, is_metropolis_agent

can_draft = is_crisis_cell | is_metropolis_agent | is_administrator


@rules.predicate
def is_draft(user, alert) -> bool:
    return alert is not None and alert.state == "draft"


@rules.predicate
def is_published_message(user, alert) -> bool:
    return alert is not None and alert.state == "published" and alert.msg_type != "Cancel"


@rules.predicate
def is_not_expired(user, alert) -> bool:
    return alert is not None and (alert.expires is None or alert.expires > timezone.now())


@rules.predicate
def is_visible(user, alert) -> bool:
    return alert is not None and alert.state != "draft"


rules.add_perm("alerts.view_dashboard", can_draft)
rules.add_perm("alerts.add_alert", can_draft)
rules.add_perm("alerts.view_alert", is_visible | can_draft)
rules.add_perm("alerts.change_alert", can_draft & is_draft)
rules.add_perm("alerts.publish_alert", is_crisis_cell & is_draft)
rules.add_perm("alerts.update_alert", can_draft & is_published_message)
rules.add_perm("alerts.cancel_alert", is_crisis_cell & is_published_message & is_not_expired)
rules.add_perm("alerts.switch_crisis_mode", is_crisis_cell)
rules.add_perm("alerts.manage_exercise", is_crisis_cell)
rules.add_perm("alerts.register_exercise", rules.is_authenticated)
rules.add_perm("alerts.subscribe", rules.is_authenticated)
