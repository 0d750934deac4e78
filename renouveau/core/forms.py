from __future__ import annotations

from django.core.exceptions import ValidationError


def form_add_errors(form, exc: ValidationError) -> None:
    """Show a service's ``ValidationError`` on the form that submitted the data: errors keyed by
    a field of the form go beside that field, the others at the top of the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)
