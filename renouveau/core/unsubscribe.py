"""One-click unsubscribe links (RFC 8058) for the e-mails of the platform.

A mail client that shows an « Unsubscribe » button POSTs ``List-Unsubscribe=One-Click`` to the
address of the ``List-Unsubscribe`` header, without cookies or CSRF token: the secret token in
that address is the credential. Opening the address (GET: a mail scanner, a link preview) must
change nothing. The views are ``csrf_exempt`` and call :func:`csrf_unless_one_click`, so that
their own page's form keeps its CSRF protection."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware


def headers(url: str) -> dict[str, str]:
    """The headers of an e-mail whose unsubscribe address is ``url`` (absolute)."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def is_one_click(request: HttpRequest) -> bool:
    return request.method == "POST" and request.POST.get("List-Unsubscribe") == "One-Click"


def csrf_unless_one_click(request: HttpRequest) -> HttpResponse | None:
    """``None`` when the POST is a one-click unsubscribe or passes the CSRF check that
    ``csrf_exempt`` skipped; otherwise the CSRF rejection (403) to return."""
    if is_one_click(request):
        return None
    return CsrfViewMiddleware(lambda _request: None).process_view(request, None, (), {})
