"""The back office (Django's admin) writes the audit trail for bulk deletions and inline rows,
as it does for the objects it saves one by one."""

from html.parser import HTMLParser

import pytest

from renouveau.core.models import AuditLog


@pytest.fixture
def superuser(db):
    from renouveau.accounts.models import User

    return User.objects.create_superuser(email="root@example.org", password="x" * 20)


class _FormValues(HTMLParser):
    """The values a browser would post from the page's main form (enough of HTML for the
    admin's change form: inputs, checkboxes, selects, textareas)."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") == "checkbox":
                if "checked" in attrs:
                    self.values[name] = attrs.get("value", "on")
            else:
                self.values[name] = attrs.get("value", "")
        elif tag == "select" and name:
            self._select = name
            self.values.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.values[self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def _form(client, url) -> dict[str, str]:
    parser = _FormValues()
    parser.feed(client.get(url).content.decode())
    return parser.values


def test_bulk_deletion_from_the_changelist_is_audited(client, superuser):
    from renouveau.guides.models import GuideTag

    tags = [GuideTag.objects.create(slug=f"tag-{i}", name=f"Étiquette {i}") for i in range(3)]
    client.force_login(superuser)
    response = client.post(
        "/back-office/guides/guidetag/",
        {
            "action": "delete_selected",
            "_selected_action": [tags[0].pk, tags[1].pk],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert list(GuideTag.objects.values_list("pk", flat=True)) == [tags[2].pk]
    lines = list(AuditLog.objects.filter(action="guides.guidetag_deleted"))
    assert sorted((int(line.object_id), line.data) for line in lines) == [
        (tags[0].pk, {"via": "admin", "bulk": True}),
        (tags[1].pk, {"via": "admin", "bulk": True}),
    ]
    assert all(line.actor == superuser for line in lines)


def test_inline_rows_are_audited(client, superuser):
    from renouveau.governance.models import ComparisonIndicator, ComparisonValue

    indicator = ComparisonIndicator.objects.create(
        code="emploi", name="Taux d'emploi", unit="%", definition="Part des 15-64 ans en emploi.",
        source="OCDE", year=2020,
    )  # fmt: skip
    kept = ComparisonValue.objects.create(indicator=indicator, metropolis="Lyon", value=66)
    gone = ComparisonValue.objects.create(indicator=indicator, metropolis="Lille", value=61)
    client.force_login(superuser)
    url = f"/back-office/governance/comparisonindicator/{indicator.pk}/change/"
    data = _form(client, url)
    rows = {
        data[key]: key.rsplit("-", 1)[0]
        for key in data
        if key.endswith("-metropolis") and "__prefix__" not in key
    }
    data[f"{rows['Lyon']}-value"] = "67.5"
    data[f"{rows['Lille']}-DELETE"] = "on"
    new = next(prefix for name, prefix in rows.items() if name == "")
    data.update({f"{new}-metropolis": "Nantes", f"{new}-value": "70"})
    data["_save"] = "Enregistrer"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not ComparisonValue.objects.filter(pk=gone.pk).exists()
    lines = {
        (line.action, line.object_id): line.data
        for line in AuditLog.objects.filter(action__startswith="governance.comparisonvalue_")
    }
    assert lines[("governance.comparisonvalue_changed", str(kept.pk))] == {
        "fields": ["value"], "via": "admin", "inline": True,
    }  # fmt: skip
    assert lines[("governance.comparisonvalue_deleted", str(gone.pk))]["inline"] is True
    nantes = ComparisonValue.objects.get(metropolis="Nantes")
    assert ("governance.comparisonvalue_created", str(nantes.pk)) in lines
