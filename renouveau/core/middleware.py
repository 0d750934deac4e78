from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class HtmxMiddleware:
    """Sets ``request.htmx`` (True for requests made by htmx) and varies caches on it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.htmx = request.headers.get("HX-Request") == "true"  # type: ignore[attr-defined]
        response = self.get_response(request)
        if request.htmx:  # type: ignore[attr-defined]
            vary = response.get("Vary")
            response["Vary"] = f"{vary}, HX-Request" if vary else "HX-Request"
        return response
