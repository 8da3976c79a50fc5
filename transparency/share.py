"""Share images (Open Graph, 1200×630 PNG) drawn by Pillow with the portal's own fonts.

Arabic must be shaped (joined letter forms) and laid out right to left. Pillow does both itself when it is
built with libraqm (PIL.features.check("raqm")): the text is drawn as stored, with the RAQM layout and the
run's direction. Without libraqm, Pillow's basic layout draws characters one by one, left to right: only then
is the text passed through arabic-reshaper (joined presentation forms) and python-bidi (visual order), which
are imported in that path alone. The image is never a source of text (its alt text is the title).

Noto Naskh Arabic has no Latin letters and no dashes: each run of characters is drawn with the font that has
them (Noto Naskh Arabic, else Noto Sans).
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from functools import cache as memoize
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from PIL import Image, ImageDraw, ImageFont, features

from openmun.cache import PRINTED, version_get

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"
ARABIC_FONT = FONT_DIR / "NotoNaskhArabic-Bold.ttf"
ARABIC_REGULAR_FONT = FONT_DIR / "NotoNaskhArabic-Regular.ttf"
LATIN_FONT = FONT_DIR / "NotoSans-Bold.ttf"
LATIN_REGULAR_FONT = FONT_DIR / "NotoSans-Regular.ttf"
# The portal's colours (static/css/openmun.css).
BACKGROUND = (11, 93, 59)
BAND = (7, 64, 42)
TEXT = (255, 255, 255)
MUTED = (220, 236, 226)
ACCENT = (242, 183, 5)
CACHE_SECONDS = 7 * 24 * 3600


def raqm_available() -> bool:
    return features.check("raqm")


@memoize
def _cmap(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(path).getBestCmap())


def _is_arabic(character: str) -> bool:
    return unicodedata.bidirectional(character) in ("AL", "AN") or "ARABIC" in unicodedata.name(character, "")


@dataclass(frozen=True)
class Run:
    text: str
    arabic_font: bool


def font_runs(text: str, arabic_path: Path) -> list[Run]:
    """Split text into runs that one font can draw: the Arabic font where it has the character, else the Latin one.

    Spaces and digits, which both fonts have, stay in the run they are in.
    """
    arabic_cmap = _cmap(arabic_path)
    runs: list[Run] = []
    for character in text:
        shared = character.isspace() or character.isdigit()
        in_arabic = ord(character) in arabic_cmap and (_is_arabic(character) or shared or not character.isalpha())
        if runs and (shared or runs[-1].arabic_font == in_arabic):
            runs[-1] = Run(runs[-1].text + character, runs[-1].arabic_font)
        else:
            runs.append(Run(character, in_arabic))
    return runs


def _strength(character: str) -> str:
    kind = unicodedata.bidirectional(character)
    if kind in ("R", "AL"):
        return "rtl"
    if kind in ("L", "EN", "AN"):
        # Digits read left to right inside Arabic text too.
        return "ltr"
    return ""


MIRRORED = str.maketrans("()[]{}<>«»", ")(][}{><»«")


def directions(text: str, *, rtl: bool) -> list[str]:
    """Return the direction of each character of a line (a single-level bidi, enough for titles).

    Neutral characters (spaces, dashes, brackets) take the direction of the strong characters around them when
    both sides agree, else the paragraph's.
    """
    paragraph = "rtl" if rtl else "ltr"
    strengths = [_strength(character) for character in text]
    resolved = []
    for index, strength in enumerate(strengths):
        if not strength:
            before = next((s for s in reversed(strengths[:index]) if s), paragraph)
            after = next((s for s in strengths[index + 1 :] if s), paragraph)
            strength = before if before == after else paragraph
        resolved.append(strength)
    return resolved


def direction_runs(text: str, *, rtl: bool) -> list[tuple[str, str]]:
    """Return a line as runs of one direction each, in visual order from the left."""
    runs: list[tuple[str, str]] = []
    for character, direction in zip(text, directions(text, rtl=rtl), strict=True):
        if runs and runs[-1][1] == direction:
            runs[-1] = (runs[-1][0] + character, direction)
        else:
            runs.append((character, direction))
    return list(reversed(runs)) if rtl else runs


class Writer:
    """Draw lines of Arabic or French text with the layout Pillow has (RAQM, else BASIC with reshaping)."""

    def __init__(self, *, rtl: bool, layout: ImageFont.Layout | None = None):
        self.rtl = rtl
        self.layout = (
            layout if layout is not None else (ImageFont.Layout.RAQM if raqm_available() else ImageFont.Layout.BASIC)
        )

    @memoize  # noqa: B019 (a handful of writers, each with a handful of sizes)
    def fonts(self, size: int, bold: bool) -> tuple[ImageFont.FreeTypeFont, ImageFont.FreeTypeFont]:
        arabic = ARABIC_FONT if bold else ARABIC_REGULAR_FONT
        latin = LATIN_FONT if bold else LATIN_REGULAR_FONT
        return (
            ImageFont.truetype(str(arabic), size, layout_engine=self.layout),
            ImageFont.truetype(str(latin), size, layout_engine=self.layout),
        )

    def visual_runs(self, text: str, size: int, bold: bool) -> list[tuple[str, ImageFont.FreeTypeFont, str | None]]:
        """Return the runs of a line in drawing order (left to right), each with its font and direction."""
        arabic_font, latin_font = self.fonts(size, bold)
        if self.layout == ImageFont.Layout.RAQM:
            runs = []
            for level_text, direction in direction_runs(text, rtl=self.rtl):
                pieces = [
                    (run.text, arabic_font if run.arabic_font else latin_font, direction)
                    for run in font_runs(level_text, ARABIC_FONT)
                ]
                # raqm orders the characters inside each piece; the pieces of a right-to-left run go from the right.
                runs += list(reversed(pieces)) if direction == "rtl" else pieces
            return runs
        # Basic layout: shape and reorder the whole line first, then draw its runs as they now stand.
        import arabic_reshaper
        from bidi import get_display

        # python-bidi reorders without mirroring: brackets in right-to-left runs are mirrored beforehand.
        text = "".join(
            c.translate(MIRRORED) if d == "rtl" else c
            for c, d in zip(text, directions(text, rtl=self.rtl), strict=True)
        )
        visual = get_display(arabic_reshaper.reshape(text), base_dir="R" if self.rtl else "L")
        return [
            (run.text, arabic_font if run.arabic_font else latin_font, None) for run in font_runs(visual, ARABIC_FONT)
        ]

    def width(self, text: str, size: int, bold: bool = True) -> float:
        total = 0.0
        for run, font, direction in self.visual_runs(text, size, bold):
            total += font.getlength(run, direction=direction) if direction else font.getlength(run)
        return total

    def draw(self, draw: ImageDraw.ImageDraw, text: str, *, y: int, size: int, fill, bold: bool = True) -> None:
        """Draw one line, aligned to the start of its direction (right in Arabic, left in French)."""
        width = self.width(text, size, bold)
        x = WIDTH - MARGIN - width if self.rtl else MARGIN
        for run, font, direction in self.visual_runs(text, size, bold):
            kwargs = {"direction": direction} if direction else {}
            draw.text((x, y), run, font=font, fill=fill, **kwargs)
            x += font.getlength(run, **kwargs)

    def wrap(self, text: str, *, size: int, max_width: int, max_lines: int, bold: bool = True) -> list[str]:
        """Return text in lines no wider than max_width, at most max_lines, the last one cut with an ellipsis."""
        lines: list[str] = []
        current = ""
        for word in text.split():
            candidate = f"{current} {word}".strip()
            if current and self.width(candidate, size, bold) > max_width:
                lines.append(current)
                current = word
            else:
                current = candidate
        if current:
            lines.append(current)
        if len(lines) > max_lines:
            last = " ".join(lines[max_lines - 1 :])
            while last and self.width(last + " …", size, bold) > max_width:
                last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
            lines = [*lines[: max_lines - 1], last + " …"]
        return lines


def image_draw(
    *, title: str, eyebrow: str, footer: str, language: str, layout: ImageFont.Layout | None = None
) -> bytes:
    """Return a 1200×630 PNG: the eyebrow (commune), the title in large type, the footer (programme)."""
    writer = Writer(rtl=language == "ar", layout=layout)
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, HEIGHT - 120, WIDTH, HEIGHT), fill=BAND)
    bar_x = WIDTH - MARGIN - 120 if writer.rtl else MARGIN
    draw.rectangle((bar_x, 150, bar_x + 120, 158), fill=ACCENT)
    writer.draw(draw, eyebrow, y=64, size=40, fill=MUTED)
    max_width = WIDTH - 2 * MARGIN
    # The largest size at which the title fits in three lines.
    for size in (72, 64, 56, 48):
        lines = writer.wrap(title, size=size, max_width=max_width, max_lines=3)
        if len(lines) <= 3 and not lines[-1].endswith("…"):
            break
    line_height = int(size * 1.55)
    y = 190
    for line in lines:
        writer.draw(draw, line, y=y, size=size, fill=TEXT)
        y += line_height
    footer_line = writer.wrap(footer, size=34, max_width=max_width, max_lines=1, bold=False)
    if footer_line:
        writer.draw(draw, footer_line[0], y=HEIGHT - 96, size=34, fill=MUTED, bold=False)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def image_get(*, key: str, title: str, eyebrow: str, footer: str, language: str) -> tuple[bytes, str]:
    """Return the PNG for key and language and its ETag, drawn once per version of what printed pages show."""
    version = version_get(PRINTED)
    cache_key = f"openmun:transparency:share:{version}:{language}:{key}"
    content = cache.get(cache_key)
    if content is None:
        content = image_draw(title=title, eyebrow=eyebrow, footer=footer, language=language)
        cache.set(cache_key, content, timeout=CACHE_SECONDS)
    return content, f'"{version[:24]}-{language}-{key}"'


def image_response(request: HttpRequest, content: bytes, etag: str) -> HttpResponse:
    """Return a share image, or 304 Not Modified when the client's copy is current; shared caches keep it an hour."""
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(content, content_type="image/png")
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=3600)
    return response
