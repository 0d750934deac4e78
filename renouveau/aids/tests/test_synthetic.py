from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from renouveau.aids.models import Aid

pytestmark = pytest.mark.django_db


def test_synthetic_aids_are_searchable_badged_and_never_exported(client, settings, territories):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("generate_synthetic_aids", "--count", "5")
    settings.DEBUG = True
    call_command("generate_synthetic_aids", "--count", "60")
    settings.DEBUG = False
    assert Aid.objects.filter(is_synthetic=True, status="published").count() == 60
    response = client.get("/aides/", {"q": "énergie"})
    page = response.context["page"]
    assert page.paginator.count > 0
    assert "Synthétique" in response.content.decode()
    assert client.get("/aides/export/aides.json").json() == []
    call_command("generate_synthetic_aids", "--delete")
    assert not Aid.objects.exists()
