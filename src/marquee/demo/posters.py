"""Generated posters for the demo films: colour, shapes and the title in its own script.

Each poster is drawn with Pillow from the title alone (its slug seeds the
palette and the composition; its genres pick the motif), so the same title
always gets the same poster and no image is shipped or downloaded. Text is
set in Noto Sans CJK (the font the e-ticket PDF embeds, from the
``cvttf-notosanscjk-regular`` wheel), which covers Latin, 简体 and 繁體. The
PNG is stored through the catalog's poster service, as an upload would be.
About 0.1 s a poster (23 demo films: ~2 s).
"""

from __future__ import annotations

import colorsys
import hashlib
import io
import random
from functools import cache
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from marquee.catalog import services as catalog
from marquee.catalog.models import Title

WIDTH, HEIGHT = 400, 600


@cache
def _font_path() -> str:
    from cvttf_NotoSansCJK_Regular import get_TTF_path

    return str(get_TTF_path())


@cache
def _font(size: int) -> Any:
    return ImageFont.truetype(_font_path(), size)


def _rgb(h: float, s: float, v: float) -> tuple[int, int, int]:
    r, g, b = colorsys.hsv_to_rgb(h % 1.0, s, v)
    return round(r * 255), round(g * 255), round(b * 255)


def _gradient(top: tuple[int, int, int], bottom: tuple[int, int, int]) -> Image.Image:
    column = Image.new("RGB", (1, HEIGHT))
    for y in range(HEIGHT):
        t = y / (HEIGHT - 1)
        column.putpixel(
            (0, y), tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        )
    return column.resize((WIDTH, HEIGHT))


def _motif(draw: ImageDraw.ImageDraw, rng: random.Random, genres: set[str], hue: float) -> None:
    """Shapes that hint at the genre: stars for science fiction, a moon for drama…"""
    light = _rgb(hue + 0.08, 0.35, 1.0)
    if genres & {"scifi", "science-fiction", "sci-fi"}:
        for _ in range(90):
            x, y, r = rng.randrange(WIDTH), rng.randrange(HEIGHT), rng.choice((1, 1, 2))
            draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 255, 255))
        draw.ellipse((60, 250, 340, 530), outline=light, width=3)
        draw.ellipse((120, 310, 280, 470), fill=_rgb(hue + 0.5, 0.5, 0.8))
    elif genres & {"thriller", "crime", "horror"}:
        for i in range(9):
            x = 20 + i * 45
            draw.rectangle((x, 180 + rng.randrange(60), x + 18, HEIGHT), fill=(12, 12, 16))
        draw.ellipse((255, 200, 335, 280), fill=light)
    elif genres & {"comedy", "animation", "family"}:
        for _ in range(14):
            x, y, r = rng.randrange(WIDTH), rng.randrange(220, 560), rng.randrange(14, 44)
            draw.ellipse((x - r, y - r, x + r, y + r), fill=_rgb(rng.random(), 0.55, 1.0))
    else:
        draw.ellipse((235, 190, 335, 290), fill=light)
        for i in range(6):
            y = 330 + i * 28
            draw.polygon(
                [
                    (0, y + 40),
                    (WIDTH // 3, y - rng.randrange(10, 40)),
                    (WIDTH, y + 30),
                    (WIDTH, HEIGHT),
                    (0, HEIGHT),
                ],
                fill=_rgb(hue + 0.02 * i, 0.5, 0.55 - 0.08 * i),
            )


def _fit(draw: ImageDraw.ImageDraw, text: str, width: int, largest: int, smallest: int) -> Any:
    for size in range(largest, smallest - 1, -4):
        font = _font(size)
        if draw.textlength(text, font=font) <= width:
            return font
    return _font(smallest)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: Any, width: int) -> list[str]:
    """Lines that fit ``width``: by words for spaced scripts, by characters for CJK."""
    words = text.split(" ") if " " in text else list(text)
    joiner = " " if " " in text else ""
    lines: list[str] = []
    line = ""
    for word in words:
        candidate = f"{line}{joiner}{word}" if line else word
        if draw.textlength(candidate, font=font) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines[:3]


def poster_png(title: Title, *, genres: set[str] | None = None, tagline: str = "") -> bytes:
    """A 400 × 600 PNG poster for ``title``: the same title always draws the same poster."""
    seed = int.from_bytes(hashlib.sha256(title.slug.encode()).digest()[:8], "big")
    rng = random.Random(seed)
    hue = rng.random()
    image = _gradient(_rgb(hue, 0.75, 0.35), _rgb(hue + 0.12, 0.85, 0.08))
    shapes = Image.new("RGBA", (WIDTH, HEIGHT), (0, 0, 0, 0))
    _motif(ImageDraw.Draw(shapes), rng, genres or set(), hue)
    image.paste(shapes.filter(ImageFilter.GaussianBlur(0.6)), (0, 0), shapes)
    draw = ImageDraw.Draw(image)
    main = title.original_title or title.title_en
    font = _fit(draw, main, WIDTH - 48, 64, 30)
    lines = _wrap(draw, main, font, WIDTH - 48)
    y = 40
    for line in lines:
        draw.text(
            (WIDTH // 2, y),
            line,
            font=font,
            fill=(255, 255, 255),
            anchor="ma",
            stroke_width=2,
            stroke_fill=(0, 0, 0),
        )
        y += font.size + 8
    if title.title_en and title.title_en != main:
        sub = _fit(draw, title.title_en.upper(), WIDTH - 60, 26, 14)
        draw.text(
            (WIDTH // 2, y + 4),
            title.title_en.upper(),
            font=sub,
            fill=(240, 235, 225),
            anchor="ma",
            stroke_width=1,
            stroke_fill=(0, 0, 0),
        )
    footer = tagline or (str(title.year) if title.year else "")
    if footer:
        draw.text(
            (WIDTH // 2, HEIGHT - 40), footer, font=_font(18), fill=(230, 225, 215), anchor="ma"
        )
    draw.rectangle((0, 0, WIDTH - 1, HEIGHT - 1), outline=(0, 0, 0), width=2)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def give_posters(titles: list[Title] | None = None, *, replace: bool = False) -> int:
    """Draw and store a poster for each title without one (all titles by default).

    Through :func:`marquee.catalog.services.set_poster` (validated as an
    upload is). Returns how many were stored; idempotent unless ``replace``.
    """
    if titles is None:
        titles = list(Title.objects.prefetch_related("genres").order_by("pk"))
    done = 0
    for title in titles:
        if title.poster and not replace:
            continue
        genres = {g.code for g in title.genres.all()}
        png = poster_png(title, genres=genres)
        upload = SimpleUploadedFile(f"{title.slug}.png", png, content_type="image/png")
        catalog.set_poster(actor=None, title=title, upload=upload)
        done += 1
    return done
