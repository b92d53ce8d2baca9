"""Photos show on the record and open in the browser; every other file downloads; iPhone photos are refused helpfully."""

import pytest
from django.contrib import messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assistance import services
from assistance.models import Attachment

from .factories import VisitFactory
from .files import pdf, png_bytes

pytestmark = pytest.mark.django_db

JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 32
GIF_BYTES = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x00\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
WEBP_BYTES = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"
HEIC_BYTES = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 32


def _download(client, attachment):
    response = client.get(reverse("assistance:attachment-download", args=[attachment.pk]))
    b"".join(response.streaming_content)
    return response


def _errors(response):
    return [m.message for m in messages.get_messages(response.wsgi_request) if m.level == messages.ERROR]


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("现场.jpg", JPEG_BYTES, "image/jpeg"),
        ("现场.png", png_bytes(), "image/png"),
        ("现场.gif", GIF_BYTES, "image/gif"),
        ("现场.webp", WEBP_BYTES, "image/webp"),
    ],
    ids=["jpeg", "png", "gif", "webp"],
)
def test_a_photo_opens_in_the_browser_and_is_never_sniffed(client_for, inspector, ticket, name, content, content_type):
    client = client_for(inspector)
    response = client.post(
        reverse("assistance:ticket-attach", args=[ticket.pk]), {"file": SimpleUploadedFile(name, content)}
    )
    assert not _errors(response)
    attachment = Attachment.objects.get(ticket=ticket)
    response = _download(client, attachment)
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


@pytest.mark.parametrize("content_type", ["application/pdf", "image/svg+xml", "text/html"])
def test_any_other_type_downloads_even_if_a_row_claims_it(client_for, inspector, ticket, content_type):
    """SVG and HTML are never accepted, but even a row saying so (an old import, say) does not open inline."""
    attachment = services.attachment_add(user=inspector, upload=pdf(), ticket=ticket)
    Attachment.objects.filter(pk=attachment.pk).update(content_type=content_type)
    response = _download(client_for(inspector), attachment)
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_outsider_cannot_open_a_photo(client_for, inspector, outsider, ticket):
    attachment = services.attachment_add(
        user=inspector, upload=SimpleUploadedFile("现场.png", png_bytes()), ticket=ticket
    )
    assert client_for(outsider).get(reverse("assistance:attachment-download", args=[attachment.pk])).status_code == 404


def test_photos_show_as_thumbnails_on_the_ticket_and_the_visit_but_documents_do_not(
    client_for, inspector, ticket, enterprise
):
    photo = services.attachment_add(user=inspector, upload=SimpleUploadedFile("现场.png", png_bytes()), ticket=ticket)
    sheet = services.attachment_add(user=inspector, upload=pdf(), ticket=ticket)
    html = client_for(inspector).get(ticket.get_absolute_url()).content.decode()
    assert f'<img src="{reverse("assistance:attachment-download", args=[photo.pk])}"' in html
    assert f'<img src="{reverse("assistance:attachment-download", args=[sheet.pk])}"' not in html

    visit = VisitFactory(enterprise=enterprise, inspectors=[inspector])
    on_visit = services.attachment_add(user=inspector, upload=SimpleUploadedFile("签到.png", png_bytes()), visit=visit)
    html = client_for(inspector).get(visit.get_absolute_url()).content.decode()
    assert f'<img src="{reverse("assistance:attachment-download", args=[on_visit.pk])}"' in html


@pytest.mark.parametrize(
    ("name", "content"),
    [("IMG_0001.HEIC", HEIC_BYTES), ("IMG_0002.heif", HEIC_BYTES), ("IMG_0003.jpg", HEIC_BYTES)],
    ids=["heic-name", "heif-name", "heic-bytes-named-jpg"],
)
def test_an_iphone_photo_is_refused_with_how_to_send_it(client_for, inspector, ticket, name, content):
    response = client_for(inspector).post(
        reverse("assistance:ticket-attach", args=[ticket.pk]), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 302
    [error] = _errors(response)
    assert "HEIC" in error
    assert "设置 → 相机 → 格式 → 兼容性最佳" in error
    assert "JPEG" in error
    assert not Attachment.objects.exists()
