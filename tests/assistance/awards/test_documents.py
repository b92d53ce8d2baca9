"""Application documents: the attachment rules, and downloads only for those who may see the application."""

import pytest
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assistance.awards import services
from assistance.models import Attachment
from tests.assistance.files import pdf, pdf_bytes, png

pytestmark = pytest.mark.django_db


def _errors(response):
    return [m.message for m in messages.get_messages(response.wsgi_request) if m.level == messages.ERROR]


def _attach_url(application):
    return reverse("assistance:application-attach", args=[application.pk])


def _download(client, attachment):
    return client.get(reverse("assistance:application-document", args=[attachment.pk]))


def test_an_inspector_attaches_a_document_to_a_draft(client_for, inspector, application):
    client = client_for(inspector)
    response = client.post(_attach_url(application), {"file": pdf("自评报告.pdf")})
    assert response.status_code == 302
    assert response.url == application.get_absolute_url()
    assert not _errors(response)
    attachment = Attachment.objects.get(application=application)
    assert (attachment.original_name, attachment.content_type, attachment.uploaded_by) == (
        "自评报告.pdf",
        "application/pdf",
        inspector,
    )
    assert (attachment.ticket, attachment.visit) == (None, None)
    page = client.get(application.get_absolute_url()).content.decode()
    assert "自评报告.pdf" in page
    download = _download(client, attachment)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == pdf_bytes()


@pytest.mark.parametrize(
    "upload",
    [
        lambda: SimpleUploadedFile("自评报告.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"),
        lambda: SimpleUploadedFile("setup.exe", b"MZ\x90\x00", content_type="application/octet-stream"),
        lambda: SimpleUploadedFile("photo.pdf", png().read(), content_type="application/pdf"),
    ],
    ids=["disguised", "program", "wrong-name"],
)
def test_a_file_that_breaks_the_attachment_rules_is_refused(client_for, inspector, application, upload):
    response = client_for(inspector).post(_attach_url(application), {"file": upload()})
    assert response.status_code == 302
    assert _errors(response)
    assert not Attachment.objects.exists()


def test_no_file_is_a_message_not_an_error(client_for, inspector, application):
    response = client_for(inspector).post(_attach_url(application), {})
    assert response.status_code == 302
    assert _errors(response)


@pytest.mark.parametrize("status", ["submitted", "under_review", "approved", "withdrawn"])
def test_documents_are_added_only_to_a_draft_or_returned_application(client_for, inspector, make_application, status):
    application = make_application(status)
    response = client_for(inspector).post(_attach_url(application), {"file": pdf()})
    assert response.status_code == 302
    assert _errors(response)
    assert not Attachment.objects.exists()
    with pytest.raises(ValidationError):
        services.application_attach(application_id=application.pk, user=inspector, upload=pdf())


def test_a_returned_application_takes_documents(client_for, inspector, make_application):
    application = make_application("returned")
    client_for(inspector).post(_attach_url(application), {"file": pdf()})
    assert Attachment.objects.filter(application=application).count() == 1


def test_who_may_attach(client_for, application, outsider, reviewer, manager):
    assert client_for(outsider).post(_attach_url(application), {"file": pdf()}).status_code == 404
    assert client_for(reviewer).post(_attach_url(application), {"file": pdf()}).status_code == 403
    assert client_for(manager).get(_attach_url(application)).status_code == 405
    assert not Attachment.objects.exists()
    with pytest.raises(PermissionDenied):
        services.application_attach(application_id=application.pk, user=reviewer, upload=pdf())


@pytest.fixture
def document(application, inspector):
    return services.application_attach(application_id=application.pk, user=inspector, upload=pdf("财务报表.pdf"))


def test_outsiders_and_unassigned_reviewers_get_404_for_a_document(client_for, document, outsider, reviewer):
    assert _download(client_for(outsider), document).status_code == 404
    assert _download(client_for(reviewer), document).status_code == 404


def test_managers_download_documents(client_for, document, manager):
    assert _download(client_for(manager), document).status_code == 200


def test_an_assigned_reviewer_downloads_documents_only_after_declaring_no_conflict(
    client_for, document, inspector, manager, reviewer, reviewers, second_reviewer
):
    application = document.application
    services.application_submit(application_id=application.pk, user=inspector)
    services.application_accept(application_id=application.pk, user=manager, reviewers=reviewers)
    mine = application.assignments.get(reviewer=reviewer)

    client = client_for(reviewer)
    assert _download(client, document).status_code == 404
    assert "财务报表.pdf" not in client.get(reverse("assistance:review", args=[mine.pk])).content.decode()

    services.assignment_declare(assignment_id=mine.pk, user=reviewer, conflict=False)
    assert "财务报表.pdf" in client.get(reverse("assistance:review", args=[mine.pk])).content.decode()
    assert _download(client, document).status_code == 200

    theirs = application.assignments.get(reviewer=second_reviewer)
    services.assignment_declare(assignment_id=theirs.pk, user=second_reviewer, conflict=True, note="亲属任职")
    assert _download(client_for(second_reviewer), document).status_code == 404


def test_a_document_named_with_many_four_byte_characters_is_attached(client_for, inspector, application):
    response = client_for(inspector).post(_attach_url(application), {"file": pdf("𠀀" * 120 + ".pdf")})
    assert response.status_code == 302
    document = Attachment.objects.get(application=application)
    assert len(document.original_name.encode()) <= 255
    assert document.original_name.endswith(".pdf")
    assert document.file.storage.exists(document.file.name)
