"""Helpers shared by the catalog tests."""

from __future__ import annotations

import io

from PIL import Image


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (20, 30)) -> bytes:
    """A small solid image encoded as ``fmt``."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (180, 40, 30)).save(buffer, format=fmt)
    return buffer.getvalue()
