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


class InvalidFormStatusMiddleware:
    """A POST answered with a bound form that has errors is a 400, not a 200.

    Applies to class-based views returning a ``TemplateResponse`` (allauth, admin-free views);
    function views set the status themselves. htmx is configured (base.html) to swap 400s.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_template_response(self, request: HttpRequest, response):
        if (
            request.method == "POST"
            and response.status_code == 200
            and not request.path.startswith("/back-office/")
        ):
            form = (response.context_data or {}).get("form")
            if form is not None and getattr(form, "is_bound", False) and form.errors:
                response.status_code = 400
        return response
