"""Meeting documents: a link, or an uploaded PDF (size limit, PDF signature, safe name),
served as an attachment with its type."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from renouveau.core.models import AuditLog
from renouveau.governance import services
from renouveau.governance.forms import DOCUMENT_MAX_BYTES
from renouveau.governance.models import Body, MeetingDocument

from .test_governance import CONVENTION, make_meeting

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def meeting(plan):
    services.reference_load()
    return make_meeting(Body.objects.get(code=CONVENTION), capacity=10)


def _upload(client, meeting, *, title="Diaporama", content=PDF, name="d.pdf", url=""):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    return client.post(
        reverse("governance:meeting_document", args=[meeting.pk]),
        {"title": title, "url": url, "file": upload},
    )


def test_an_organiser_uploads_a_pdf_served_as_an_attachment(client, personas, meeting, tmp_path):
    client.force_login(personas["metropolis_agent"])
    title = 'Budget 2026 : "synthèse" ../../etc/passwd\r\nX-Evil: 1'
    response = _upload(client, meeting, title=title, name="../../../etc/passwd.pdf")
    assert response.status_code == 302
    document = MeetingDocument.objects.get()
    # Stored under a random name inside MEDIA_ROOT, downloaded under a safe one.
    stored = tmp_path / document.file.name
    assert stored.read_bytes() == PDF
    assert (
        document.file.name.startswith("governance/documents/")
        and "passwd" not in document.file.name
    )
    assert document.filename == "budget-2026-synthese-etcpasswd-x-evil-1.pdf"
    assert document.size == len(PDF)
    log = AuditLog.objects.get(action="governance.document_added")
    assert log.data["sha256"] == hashlib.sha256(PDF).hexdigest()

    client.logout()
    page = client.get(reverse("governance:meeting", args=[meeting.pk])).content.decode()
    assert document.href in page and "PDF," in page
    download = client.get(document.href)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == (
        'attachment; filename="budget-2026-synthese-etcpasswd-x-evil-1.pdf"'
    )
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Security-Policy"] == "sandbox"
    assert b"".join(download.streaming_content) == PDF
    # The document of another meeting, or a link, is not served through this address.
    other = make_meeting(meeting.body)
    wrong = reverse(
        "governance:meeting_document_file",
        kwargs={"pk": other.pk, "document": document.pk, "filename": document.filename},
    )
    assert client.get(wrong).status_code == 404


def test_bad_uploads_are_refused_with_a_french_message(client, personas, meeting):
    client.force_login(personas["metropolis_agent"])
    not_pdf = _upload(client, meeting, content=b"<html><script>alert(1)</script>", name="x.pdf")
    assert not_pdf.status_code == 400
    assert "Ce fichier n&#x27;est pas un PDF." in not_pdf.content.decode()
    too_big = _upload(client, meeting, content=PDF + b"0" * DOCUMENT_MAX_BYTES)
    assert too_big.status_code == 400 and "Le fichier dépasse 10 Mo." in too_big.content.decode()
    empty = _upload(client, meeting, content=b"")
    assert empty.status_code == 400 and "Le fichier envoyé est vide." in empty.content.decode()
    both = _upload(client, meeting, url="https://exemple.fr/d.pdf")
    assert both.status_code == 400 and "pas les deux" in both.content.decode()
    neither = client.post(
        reverse("governance:meeting_document", args=[meeting.pk]), {"title": "Rien", "url": ""}
    )
    assert neither.status_code == 400 and "joignez un fichier PDF" in neither.content.decode()
    assert not MeetingDocument.objects.exists()
    # A link still works as before.
    link = client.post(
        reverse("governance:meeting_document", args=[meeting.pk]),
        {"title": "Lien", "url": "https://exemple.fr/d.pdf"},
    )
    assert link.status_code == 302
    document = MeetingDocument.objects.get()
    assert document.href == "https://exemple.fr/d.pdf"
    assert (
        client.get(
            reverse(
                "governance:meeting_document_file",
                kwargs={"pk": meeting.pk, "document": document.pk, "filename": "x.pdf"},
            )
        ).status_code
        == 404
    )


def test_only_the_organisers_upload(client, personas, meeting):
    client.force_login(personas["resident"])
    assert _upload(client, meeting).status_code == 403
    assert not MeetingDocument.objects.exists()


def test_an_organiser_withdraws_a_document_and_its_file(
    client, personas, meeting, tmp_path, django_capture_on_commit_callbacks
):
    client.force_login(personas["metropolis_agent"])
    _upload(client, meeting)
    document = MeetingDocument.objects.get()
    stored = tmp_path / document.file.name
    assert stored.exists()
    url = reverse("governance:meeting_document_remove", args=[meeting.pk, document.pk])
    page = client.get(reverse("governance:meeting", args=[meeting.pk])).content.decode()
    assert url in page
    client.force_login(personas["resident"])
    assert client.post(url).status_code == 403
    assert reverse("governance:meeting_document_remove", args=[meeting.pk, document.pk]) not in (
        client.get(reverse("governance:meeting", args=[meeting.pk])).content.decode()
    )
    client.force_login(personas["metropolis_agent"])
    assert client.get(url).status_code == 405
    other = make_meeting(meeting.body)
    wrong = reverse("governance:meeting_document_remove", args=[other.pk, document.pk])
    assert client.post(wrong).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    assert not MeetingDocument.objects.exists()
    assert not stored.exists()
    log = AuditLog.objects.get(action="governance.document_removed")
    assert log.data["file"] == "diaporama.pdf"
