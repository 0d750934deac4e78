from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .selectors import territory_list


def territory_index(request: HttpRequest) -> HttpResponse:
    return render(request, "territories/index.html", {"territories": territory_list()})
