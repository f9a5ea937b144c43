"""The book's chart font (Inter, shipped in _static/fonts): registered with vl-convert and measured here.

Static charts, downloads, the live chart and the page all draw chart text in this one font, so a label
measured here takes exactly the room it gets in every reader's browser (a system font would not: DejaVu Sans
on Linux runs wider than what vl-convert measured, and cut the first letters of long labels).
"""
from __future__ import annotations

from functools import cache

import vl_convert as vlc
from fontTools.ttLib import TTFont

from . import paths

FONT_DIR = paths.ROOT / "_static" / "fonts"
FAMILY = "Inter"
FILES = {False: "Inter-Regular.otf", True: "Inter-Bold.otf"}

vlc.register_font_directory(str(FONT_DIR))


@cache
def _metrics(bold: bool) -> tuple[dict[int, int], int]:
    font = TTFont(FONT_DIR / FILES[bold])
    widths = {code: font["hmtx"][glyph][0] for code, glyph in font.getBestCmap().items()}
    return widths, font["head"].unitsPerEm


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Advance width in px of `text` at font size `size` (kerning left out: it only narrows the text)."""
    widths, per_em = _metrics(bold)
    missing = widths.get(ord("?"), per_em // 2)
    return sum(widths.get(ord(c), missing) for c in text) * size / per_em


def wrap(text: str, max_width: float, size: float, bold: bool = False) -> list[str]:
    """Break `text` at spaces into lines no wider than `max_width` px (a single longer word keeps its line)."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", size, bold) <= max_width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines
