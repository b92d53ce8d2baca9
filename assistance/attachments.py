"""What files may be attached: checked on their content, not only their name."""

import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extensions: tuple[str, ...]


JPEG = FileKind("image/jpeg", (".jpg", ".jpeg"))
PNG = FileKind("image/png", (".png",))
GIF = FileKind("image/gif", (".gif",))
WEBP = FileKind("image/webp", (".webp",))
# The only types a browser is let show in the page (thumbnails) and open in a tab: raster images that
# cannot carry script. SVG and HTML never are, whatever their name; everything else downloads.
INLINE_TYPES = frozenset({JPEG.content_type, PNG.content_type, GIF.content_type, WEBP.content_type})
# iPhone photos. Nothing here converts them and most browsers cannot show them, so they are refused
# with a way to send them instead.
HEIF_EXTENSIONS = (".heic", ".heif")
HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1")
PDF = FileKind("application/pdf", (".pdf",))
DOCX = FileKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",))
XLSX = FileKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
PPTX = FileKind("application/vnd.openxmlformats-officedocument.presentationml.presentation", (".pptx",))
LEGACY_OFFICE = {
    ".doc": FileKind("application/msword", (".doc",)),
    ".xls": FileKind("application/vnd.ms-excel", (".xls",)),
    ".ppt": FileKind("application/vnd.ms-powerpoint", (".ppt",)),
}
OOXML_PARTS = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}
ALLOWED_EXTENSIONS = sorted(
    {ext for kind in (JPEG, PNG, GIF, WEBP, PDF, DOCX, XLSX, PPTX, *LEGACY_OFFICE.values()) for ext in kind.extensions}
)


def _sniff(upload: UploadedFile, extension: str) -> FileKind | None:
    """The kind the file's bytes show it to be, or None if it is none we accept."""
    upload.seek(0)
    head = upload.read(12)
    upload.seek(0)
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return LEGACY_OFFICE.get(extension)
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" not in names:
            return None
        for prefix, kind in OOXML_PARTS.items():
            if any(name.startswith(prefix) for name in names):
                return kind
    return None


def _is_heif(upload: UploadedFile) -> bool:
    """Whether the bytes are a HEIF/HEIC image (an ISO box `ftyp` with one of its brands), whatever the name."""
    upload.seek(0)
    head = upload.read(12)
    upload.seek(0)
    return head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS


def shows_inline(content_type: str) -> bool:
    return content_type in INLINE_TYPES


def safe_filename(name: str) -> str:
    """A download name without path parts or characters a header could misread."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"\r\n;')
    return base.strip(" .") or "attachment"


def check_upload(upload: UploadedFile) -> FileKind:
    """Refuse a file that is too large, or whose content is not an allowed kind or does not match its name."""
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("The file is %(size).1f MB; the limit is %(limit).1f MB."),
            code="too_large",
            params={"size": upload.size / 1_048_576, "limit": settings.ATTACHMENT_MAX_BYTES / 1_048_576},
        )
    name = upload.name or ""
    extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if extension in HEIF_EXTENSIONS or _is_heif(upload):
        raise ValidationError(
            _(
                "iPhone photos in HEIC/HEIF format cannot be attached. Send the photo as JPEG, or set the "
                "iPhone to take JPEG photos: Settings → Camera → Formats → Most Compatible."
            ),
            code="heif",
        )
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            _("Files of this type cannot be attached. Allowed: %(allowed)s."),
            code="extension",
            params={"allowed": ", ".join(ALLOWED_EXTENSIONS)},
        )
    kind = _sniff(upload, extension)
    if kind is None or extension not in kind.extensions:
        raise ValidationError(
            _(
                "The file's content does not match its name %(name)s; only real photos, PDFs and office documents are accepted."
            ),
            code="content",
            params={"name": safe_filename(name)},
        )
    return kind


# File systems limit a name to 255 bytes, not characters: 120 characters outside the BMP are
# 480 bytes. The stored name stays well under the limit, since the storage may add a suffix.
ORIGINAL_NAME_MAX_BYTES = 255
STORAGE_NAME_MAX_BYTES = 100
_EXTENSION_MAX_BYTES = 16


def _cut_to_bytes(name: str, max_bytes: int) -> str:
    """The name cut to at most max_bytes of UTF-8, between characters, keeping a short extension."""
    if len(name.encode()) <= max_bytes:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or len(extension.encode()) + 1 > _EXTENSION_MAX_BYTES:
        stem, extension = name, ""
    suffix = f".{extension}" if extension else ""
    room = max_bytes - len(suffix.encode())
    return stem.encode()[:room].decode(errors="ignore") + suffix


def original_name(name: str | None) -> str:
    """The uploaded file's name as it is kept and shown: at most 255 bytes, extension kept."""
    return _cut_to_bytes(name or "", ORIGINAL_NAME_MAX_BYTES)


def storage_name(name: str) -> str:
    """The name the file is stored under (the original name is kept separately): a short, safe one."""
    return _cut_to_bytes(get_valid_filename(safe_filename(name)), STORAGE_NAME_MAX_BYTES) or "attachment"


def download_response(attachment) -> FileResponse:
    """The stored file, never sniffed; 404 if the file is gone.

    A photo (JPEG, PNG, GIF, WebP: its type was read from its bytes when it was stored) opens in the
    browser and shows as a thumbnail; any other file downloads, so that nothing a browser would run opens.
    """
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=not shows_inline(attachment.content_type),
        filename=safe_filename(attachment.original_name),
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
