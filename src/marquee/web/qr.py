"""Reading a ticket's QR code from a photo taken at the door, on the server.

zxing-cpp decodes; Pillow opens the image (any format it knows, EXIF rotation
applied) and scales big phone photos down first, which makes decoding both
faster and more reliable. Anything that is not a readable image with a QR
code in it yields ``None`` — never an exception — so the scanner can say so.
"""

from __future__ import annotations

import logging
import warnings
from typing import IO

from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

#: Longest side a photo is scaled down to before decoding.
MAX_SIDE = 1600
#: Refuse images claiming more pixels than this (decompression bombs).
MAX_PIXELS = 40_000_000


def decode_qr(file: IO[bytes]) -> str | None:
    """The text of the first QR code in the image ``file``, or ``None``."""
    try:
        import zxingcpp
    except ImportError:  # pragma: no cover - a deployment without the decoder
        logger.error("zxing-cpp is not installed; QR photos cannot be decoded")
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(file)
            if image.width * image.height > MAX_PIXELS:
                return None
            image = ImageOps.exif_transpose(image)
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            image = image.convert("L")
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        ValueError,
        SyntaxError,
    ):
        return None
    try:
        results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    except (RuntimeError, ValueError, TypeError):
        return None
    for result in results:
        if result.text:
            return result.text
    return None
