"""Signals sent by accounts to the other apps (the only cross-app coupling for personal data).

``personal_data_requested(sender=User, user=<User>)``
    Sent when a user downloads their data. Receivers return a ``(section_name, data)`` tuple,
    ``data`` being JSON-serialisable; every non-None answer becomes a section of the export.

``user_erased(sender=User, user=<User>)``
    Sent inside the erasure transaction, before the user row is anonymised. Receivers delete the
    user's private data (messages, addresses, alert subscriptions) and keep public contributions,
    which from then on are shown as "Compte supprimé".
"""

from django.dispatch import Signal

personal_data_requested = Signal()
user_erased = Signal()
