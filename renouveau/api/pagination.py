from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination

from renouveau.core.pagination import PAGE_NUMBER


class StandardPagination(PageNumberPagination):
    """``count``/``next``/``previous``/``results``; ``page_size`` up to 200; bad pages are 4xx."""

    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param, "1")
        if not PAGE_NUMBER.fullmatch(raw) or int(raw) < 1:
            raise ValidationError({"page": "Le numéro de page doit être un entier positif."})
        size = request.query_params.get(self.page_size_query_param)
        if size is not None and (not PAGE_NUMBER.fullmatch(size) or int(size) < 1):
            raise ValidationError({"page_size": "La taille de page doit être un entier positif."})
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as exc:
            raise NotFound("Cette page n'existe pas.") from exc
