from __future__ import annotations

import re

from django.core.exceptions import BadRequest
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

MAX_PAGE_SIZE = 100
# ASCII digits only (str.isdigit() accepts "²", which int() refuses), and no absurd length.
PAGE_NUMBER = re.compile(r"[0-9]{1,9}")


def paginate(request: HttpRequest, object_list, *, per_page: int = 20, param: str = "page") -> Page:
    """Paginate a queryset from ``?page=``.

    A page that is not a positive integer is a bad request (400, with a French message); a page
    past the end is a 404 page that says so. Never a 500.
    """
    raw = request.GET.get(param, "1").strip() or "1"
    if not PAGE_NUMBER.fullmatch(raw) or int(raw) < 1:
        raise BadRequest(_("Le numéro de page doit être un nombre entier positif."))
    number = int(raw)
    paginator = Paginator(object_list, per_page)
    if number > max(paginator.num_pages, 1):
        raise Http404(
            _("Cette page n'existe pas : la liste compte %(count)d page(s).")
            % {"count": paginator.num_pages}
        )
    return paginator.page(number)


def querystring_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()
