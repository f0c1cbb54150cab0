"""The e-ticket PDF's font: the glyphs a document uses, cut from Noto Sans CJK, embedded.

Adobe's CID fonts (STSong-Light, MSung-Light) are *named* in a PDF, not embedded: a
reader without Adobe's Asian font packs (poppler/Evince, many phone viewers) substitutes
another font, often with another script's character map, and film titles, dates and
prices vanish. So every PDF embeds its own font.

The font comes from the ``cvttf-notosanscjk-regular`` wheel (Noto Sans CJK TC, SIL Open
Font License): it covers Latin, simplified and traditional Chinese in one face. Noto
ships PostScript (CFF) outlines, which reportlab cannot embed, so for each document
the glyphs it uses are converted to TrueType quadratic outlines (fontTools' cu2qu) and
built into a small TrueType font, which reportlab subsets and embeds with a ToUnicode
map: text extraction and search work in every reader. Nothing is downloaded at run time.
"""

from __future__ import annotations

import io
import itertools
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

#: Family name of the per-document font; a serial number follows it.
FAMILY = "MarqueeNotoCJK"

_lock = threading.Lock()
_serial = itertools.count(1)


@cache
def _source() -> Any:
    from cvttf_NotoSansCJK_Regular import get_TTF_path
    from fontTools.ttLib import TTFont

    # Lazy: only the glyphs a document asks for are parsed.
    return TTFont(get_TTF_path(), lazy=True)


def _build(chars: list[str], name: str) -> bytes:
    """A TrueType font *name* holding exactly *chars* (those the source has) and .notdef."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    src = _source()
    cmap = src.getBestCmap()
    glyph_set = src.getGlyphSet()
    hmtx = src["hmtx"]
    hhea = src["hhea"]
    mapping = {ord(c): cmap[ord(c)] for c in chars if ord(c) in cmap}
    glyphs: dict[str, Any] = {}
    for name in [".notdef", *mapping.values()]:
        if name in glyphs:
            continue
        pen = TTGlyphPen(None)
        # CFF contours run counter-clockwise; TrueType's run clockwise.
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    builder = FontBuilder(src["head"].unitsPerEm, isTTF=True)
    builder.setupGlyphOrder(list(glyphs))
    builder.setupCharacterMap(mapping)
    builder.setupGlyf(glyphs)
    builder.setupHorizontalMetrics({name: hmtx[name] for name in glyphs})
    builder.setupHorizontalHeader(ascent=hhea.ascent, descent=hhea.descent)
    # A name of its own: reportlab reuses an earlier font registered under the same face name.
    builder.setupNameTable({"familyName": name, "styleName": "Regular", "psName": name})
    builder.setupOS2(
        sTypoAscender=hhea.ascent,
        sTypoDescender=hhea.descent,
        usWinAscent=hhea.ascent,
        usWinDescent=-hhea.descent,
    )
    builder.setupPost()
    out = io.BytesIO()
    builder.save(out)
    return out.getvalue()


@contextmanager
def document_font(texts: Iterable[str]) -> Iterator[str]:
    """Register a font covering every character of *texts*; yield its reportlab name.

    Use it around the whole document, ``canvas.save()`` included (reportlab writes the
    embedded subset then); the registration is dropped afterwards so the process keeps
    no font per document.
    """
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    # Every character, no-break spaces included; those the font lacks draw as .notdef.
    chars = sorted({c for text in texts for c in text} | {" "})
    with _lock:  # the lazily parsed source font is not thread-safe
        name = f"{FAMILY}-{next(_serial)}"
        data = _build(chars, name)
        pdfmetrics.registerFont(TTFont(name, io.BytesIO(data)))
    try:
        yield name
    finally:
        # reportlab keeps registered fonts (and their faces) forever; a per-document
        # font must not stay.
        with _lock:
            font = pdfmetrics._fonts.pop(name, None)
            if font is not None:
                pdfmetrics._dynFaceNames.pop(font.face.name, None)
