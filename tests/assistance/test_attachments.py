"""Attachments: real photos and PDFs go in and come out; large or disguised files are refused."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assistance.attachments import original_name, safe_filename, storage_name
from assistance.models import Attachment

from .factories import VisitFactory
from .files import pdf, pdf_bytes, png, png_bytes

pytestmark = pytest.mark.django_db


def _stored_files() -> set[Path]:
    return {path for path in Path(settings.PRIVATE_MEDIA_ROOT).rglob("*") if path.is_file()}


def _errors(response):
    return [m.message for m in messages.get_messages(response.wsgi_request) if m.level == messages.ERROR]


def _download(client, attachment):
    response = client.get(reverse("assistance:attachment-download", args=[attachment.pk]))
    return response, b"".join(response.streaming_content)


@pytest.mark.parametrize(
    ("upload", "content", "content_type"),
    [(png, png_bytes(), "image/png"), (pdf, pdf_bytes(), "application/pdf")],
    ids=["png", "pdf"],
)
def test_a_real_file_is_attached_to_a_ticket_and_downloads_again(
    client_for, inspector, ticket, upload, content, content_type
):
    client = client_for(inspector)
    response = client.post(reverse("assistance:ticket-attach", args=[ticket.pk]), {"file": upload()})
    assert response.status_code == 302
    assert response.url == ticket.get_absolute_url()
    assert not _errors(response)
    attachment = Attachment.objects.get(ticket=ticket)
    assert (attachment.content_type, attachment.size, attachment.uploaded_by) == (content_type, len(content), inspector)

    response, body = _download(client, attachment)
    assert response.status_code == 200
    assert body == content
    assert response["Content-Type"] == content_type
    # A photo opens in the browser; a document downloads.
    disposition = "inline;" if content_type == "image/png" else "attachment;"
    assert response["Content-Disposition"].startswith(disposition)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert attachment.original_name in client.get(ticket.get_absolute_url()).content.decode()


def test_a_file_is_stored_privately_not_under_static(inspector, ticket, client_for):
    client_for(inspector).post(reverse("assistance:ticket-attach", args=[ticket.pk]), {"file": png()})
    path = Path(Attachment.objects.get(ticket=ticket).file.path).resolve()
    assert path.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT).resolve())
    assert path.exists()
    public = [Path(settings.STATIC_ROOT), *map(Path, settings.STATICFILES_DIRS)]
    assert not any(path.is_relative_to(root.resolve()) for root in public)


def test_a_photo_is_attached_to_a_visit(client_for, inspector, enterprise):
    visit = VisitFactory(enterprise=enterprise, inspectors=[inspector])
    client = client_for(inspector)
    response = client.post(reverse("assistance:visit-attach", args=[visit.pk]), {"file": png("签到表照片.png")})
    assert response.status_code == 302
    attachment = Attachment.objects.get(visit=visit)
    assert "签到表照片.png" in client.get(visit.get_absolute_url()).content.decode()
    response, body = _download(client, attachment)
    assert body == png_bytes()


def test_the_download_name_is_safe(client_for, inspector, ticket):
    client = client_for(inspector)
    name = "检定证书;\t说明 .pdf"
    client.post(reverse("assistance:ticket-attach", args=[ticket.pk]), {"file": pdf(name)})
    attachment = Attachment.objects.get(ticket=ticket)
    header = _download(client, attachment)[0]["Content-Disposition"]
    assert header.startswith("attachment;")
    assert "\t" not in header and "\n" not in header
    assert header.count(";") == 1  # only the separator after "attachment"
    assert "/" not in Path(attachment.file.name).name


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\a\\报告.pdf", "报告.pdf"),
        ('a"b;c\r\nd.png', "abcd.png"),
        ("...", "attachment"),
        ("  照片.png ", "照片.png"),
    ],
)
def test_safe_filename_drops_paths_and_header_breaking_characters(name, safe):
    assert safe_filename(name) == safe
    assert "/" not in storage_name(name)


def test_an_oversize_file_is_refused_and_nothing_is_saved(client_for, inspector, ticket, settings):
    settings.ATTACHMENT_MAX_BYTES = 64
    before = _stored_files()
    response = client_for(inspector).post(reverse("assistance:ticket-attach", args=[ticket.pk]), {"file": pdf()})
    assert response.status_code == 302
    assert _errors(response)
    assert not Attachment.objects.exists()
    assert _stored_files() == before


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("报告.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("照片.png", b"<html><body onload=alert(1)></body></html>"),
        ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64),
        ("setup.png", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64),
        ("照片.pdf", png_bytes()),
        ("报告.png", pdf_bytes()),
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64),
        ("page.html", b"<html></html>"),
        ("image.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"),
        ("no-extension", png_bytes()),
        ("archive.docx", b"PK\x03\x04not really a zip"),
    ],
)
def test_a_disguised_or_unknown_file_is_refused_and_nothing_is_saved(client_for, inspector, ticket, name, content):
    before = _stored_files()
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = client_for(inspector).post(reverse("assistance:ticket-attach", args=[ticket.pk]), {"file": upload})
    assert response.status_code == 302
    assert _errors(response)
    assert not Attachment.objects.exists()
    assert _stored_files() == before


def test_posting_no_file_is_refused(client_for, inspector, ticket):
    response = client_for(inspector).post(reverse("assistance:ticket-attach", args=[ticket.pk]), {})
    assert response.status_code == 302
    assert _errors(response)
    assert not Attachment.objects.exists()


def test_attaching_refuses_get(client_for, inspector, ticket):
    assert client_for(inspector).get(reverse("assistance:ticket-attach", args=[ticket.pk])).status_code == 405


def test_a_missing_file_answers_404(client_for, inspector, ticket):
    client = client_for(inspector)
    client.post(reverse("assistance:ticket-attach", args=[ticket.pk]), {"file": png()})
    attachment = Attachment.objects.get(ticket=ticket)
    attachment.file.delete(save=False)
    assert client.get(reverse("assistance:attachment-download", args=[attachment.pk])).status_code == 404


@pytest.mark.parametrize("status", ["resolved", "closed", "cancelled"])
def test_a_finished_ticket_takes_no_more_files(client_for, inspector, ticket, status):
    ticket.status = status
    ticket.save()
    response = client_for(inspector).post(reverse("assistance:ticket-attach", args=[ticket.pk]), {"file": png()})
    assert response.status_code == 302
    assert _errors(response)
    assert not Attachment.objects.filter(ticket=ticket).exists()


LONG_NAME = "𠀀" * 120 + ".png"  # four bytes a character: 484 bytes, past any file system's limit


def test_a_file_named_with_many_four_byte_characters_is_attached(client_for, inspector, ticket):
    response = client_for(inspector).post(
        reverse("assistance:ticket-attach", args=[ticket.pk]), {"file": png(LONG_NAME)}
    )
    assert response.status_code == 302
    assert not _errors(response)
    attachment = Attachment.objects.get(ticket=ticket)
    assert len(attachment.original_name.encode()) <= 255
    assert attachment.original_name.endswith(".png")
    assert attachment.original_name.startswith("𠀀" * 60)
    stored = Path(attachment.file.path)
    assert stored.is_file()
    assert len(stored.name.encode()) <= 255
    assert stored.suffix == ".png"


def test_a_long_name_is_cut_between_characters_and_keeps_its_extension():
    assert original_name("照片.jpg") == "照片.jpg"
    cut = original_name("照" * 200 + ".jpeg")
    assert cut == "照" * 83 + ".jpeg"  # 3 bytes each: 249 + 5 = 254 bytes
    assert original_name("a" * 300) == "a" * 255
    assert original_name(None) == ""
    stored = storage_name("𠀀" * 120 + ".pdf")
    assert len(stored.encode()) <= 100
    assert stored.endswith(".pdf")


def test_a_download_keeps_its_own_sandbox_policy_and_is_not_stored(client_for, inspector, ticket):
    client = client_for(inspector)
    client.post(reverse("assistance:ticket-attach", args=[ticket.pk]), {"file": pdf()})
    response, _body = _download(client, Attachment.objects.get(ticket=ticket))
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, no-store"
