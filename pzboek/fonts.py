"""The book's chart font (Inter, shipped in _static/fonts): registered with vl-convert and measured here.

Static charts, downloads, the live chart and the page all draw chart text in this one font, so a label
measured here takes exactly the room it gets in every reader's browser (a system font would not: DejaVu Sans
on Linux runs wider than what vl-convert measured, and cut the first letters of long labels).
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from functools import cache

import vl_convert as vlc
import uharfbuzz as hb
from fontTools.pens.svgPathPen import SVGPathPen
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


# Text as outlines, for the downloadable SVGs: a file opened where Inter is not installed (an office suite, a
# design tool, another browser) draws exactly what the site shows. vl-convert has no such option, so each <text>
# is shaped with HarfBuzz (kerning as vl-convert's renderer and browsers apply it) and drawn from the font's own
# glyphs with fontTools: every glyph once in <defs>, each line of text a row of <use>, as matplotlib's
# svg.fonttype "path" does. vl-convert writes text as <text transform="translate(x,y)" text-anchor=…> with one
# <tspan x="0" dy=…> per further line, baselines already resolved; anything else is refused, not guessed.
TEXT = re.compile(r"<text\b[^>]*>.*?</text>", re.S)
PAINT = ("fill", "opacity", "fill-opacity")


@cache
def _shaper(bold: bool) -> hb.Font:
    return hb.Font(hb.Face(hb.Blob.from_file_path(str(FONT_DIR / FILES[bold]))))


@cache
def _glyph(bold: bool, gid: int) -> str:
    font = TTFont(FONT_DIR / FILES[bold])
    glyphs = font.getGlyphSet()
    pen = SVGPathPen(glyphs)
    glyphs[font.getGlyphOrder()[gid]].draw(pen)
    return pen.getCommands()


def outline_text(svg: str) -> str:
    """`svg` with every text drawn as glyph outlines in Inter (see above)."""
    used: dict[str, str] = {}

    def line(text: str, bold: bool) -> tuple[str, float]:
        buffer = hb.Buffer()
        buffer.add_str(text)
        buffer.guess_segment_properties()
        hb.shape(_shaper(bold), buffer)
        uses, x = [], 0
        for info, pos in zip(buffer.glyph_infos, buffer.glyph_positions):
            ref = f"pz-g{'b' if bold else 'r'}{info.codepoint}"
            if d := _glyph(bold, info.codepoint):
                used[ref] = d
                uses.append(f'<use href="#{ref}" x="{x + pos.x_offset}" y="{pos.y_offset}"/>')
            x += pos.x_advance
        return "".join(uses), x

    def outline(match: re.Match) -> str:
        element = ET.fromstring(match.group(0))
        known = {"text-anchor", "transform", "font-family", "font-size", "font-weight", *PAINT}
        if unknown := set(element.attrib) - known:
            raise ValueError(f"outline_text: a <text> with {sorted(unknown)}, which it does not know how to place")
        bold = element.get("font-weight") == "bold"
        scale = float(element.get("font-size", "11px").removesuffix("px")) / _metrics(bold)[1]
        lines = [(element.text or "", 0.0)] if not len(element) else [
            (tspan.text or "", float(tspan.get("dy", 0))) for tspan in element]
        paint = "".join(f' {a}="{element.get(a)}"' for a in PAINT if element.get(a))
        parts, y = [], 0.0
        for text, dy in lines:
            y += dy
            uses, width = line(text, bold)
            shift = {"end": width, "middle": width / 2}.get(element.get("text-anchor"), 0) * scale
            parts.append(f'<g transform="translate({-shift:g},{y:g}) scale({scale:g},{-scale:g})">{uses}</g>')
        return f'<g transform="{element.get("transform", "")}"{paint}>{"".join(parts)}</g>'

    body = TEXT.sub(outline, svg)
    defs = "".join(f'<path id="{ref}" d="{d}"/>' for ref, d in sorted(used.items()))
    return re.sub(r"(<svg\b[^>]*>)", rf"\1<defs>{defs}</defs>", body, count=1)
