"""Posters: checking an upload is a web image, then storing it."""

from __future__ import annotations

import secrets
import warnings
from functools import partial

from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from PIL import Image, UnidentifiedImageError

from marquee.accounts.models import User
from marquee.catalog.errors import CatalogErrorCode
from marquee.catalog.models import Title
from marquee.catalog.services.validation import _authorise, _invalid
from marquee.core.errors import DomainError, NotFound

MAX_POSTER_BYTES = 8 * 1024 * 1024
MAX_POSTER_SIDE = 10_000
#: Pillow format name → file extension of the poster formats we accept.
POSTER_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}


def validate_poster(upload: UploadedFile) -> str:
    """Check that ``upload`` is a JPEG, PNG, WebP or GIF image of sane size.

    Returns the file extension to store it under. Raises ``DomainError``
    (``invalid_poster``, or ``poster_too_large`` with status 413). Leaves the
    file positioned at its start.
    """
    size = upload.size or 0
    if size > MAX_POSTER_BYTES:
        raise DomainError(
            CatalogErrorCode.POSTER_TOO_LARGE,
            f"The poster is {size} bytes; at most {MAX_POSTER_BYTES} are allowed.",
            status=413,
            field="poster",
        )
    if size == 0:
        raise _invalid(CatalogErrorCode.INVALID_POSTER, "The poster file is empty.", "poster")
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            # A decompression bomb is refused, never just warned about.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                image_format = image.format or ""
                width, height = image.size
                image.verify()
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ) as exc:
        raise _invalid(
            CatalogErrorCode.INVALID_POSTER,
            "The poster is not a readable JPEG, PNG, WebP or GIF image.",
            "poster",
        ) from exc
    finally:
        upload.seek(0)
    if image_format not in POSTER_FORMATS:
        raise _invalid(
            CatalogErrorCode.INVALID_POSTER,
            f"{image_format or 'This'} images are not accepted; use JPEG, PNG, WebP or GIF.",
            "poster",
        )
    if not (0 < width <= MAX_POSTER_SIDE and 0 < height <= MAX_POSTER_SIDE):
        raise _invalid(
            CatalogErrorCode.INVALID_POSTER,
            f"The poster must be at most {MAX_POSTER_SIDE} pixels on each side.",
            "poster",
        )
    return POSTER_FORMATS[image_format]


def _delete_file(storage: Storage, name: str) -> None:
    if name and storage.exists(name):
        storage.delete(name)


def set_poster(*, actor: User | None, title: Title, upload: UploadedFile) -> Title:
    """Store ``upload`` as ``title``'s poster after :func:`validate_poster`.

    The previous poster file is deleted once the change has committed.
    """
    _authorise(actor)
    extension = validate_poster(upload)
    with transaction.atomic():
        locked = Title.objects.select_for_update().filter(pk=title.pk).first()
        if locked is None:
            raise NotFound(CatalogErrorCode.TITLE_NOT_FOUND, f"No title {title.slug!r}.")
        previous = locked.poster.name
        name = f"{locked.slug}-{secrets.token_hex(4)}.{extension}"
        locked.poster.save(name, upload, save=False)
        locked.save(update_fields=["poster", "updated_at"])
        if previous and previous != locked.poster.name:
            transaction.on_commit(partial(_delete_file, locked.poster.storage, previous))
    return locked
