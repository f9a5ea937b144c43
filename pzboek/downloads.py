"""The downloads beside every figure: its numbers as CSV, its chart as SVG (text as outlines) and PNG, each standing
alone (title, notes, source, address and licence inside the image), and one Frictionless Data Package
(datapackage.json) that describes every CSV: title, question, source, weighting, provenance levels, licence."""
from __future__ import annotations

import copy
import hashlib
import html
import json
import re
from functools import cache
from pathlib import Path

import pandas as pd
import vl_convert as vlc
import yaml

from . import fonts, paths
from .appendix import WEIGHT_TITLE, weight_figure, weight_table, weighting_text
from .charts import (FONT_SIZE, PADDING, TEXT_COLOUR, WIDE, chart_spec, figure_name, figure_notes, figure_table,
                     static_svg)
from .estimates import WeightedSurvey
from .provenance import APPROXIMATED, FILE, PROVENANCE, TEXT
from .published import load_figures, load_published

SOURCE = "Start Foundation (2019), Participatiezekerheid; onderzoek van I&O Research, juli 2019"
STANDIN_NOTE = ("Let op: de cijfers komen uit een vervangend, gegenereerd onderzoeksbestand dat de percentages uit "
                "het rapport nabootst; het bevat geen echte antwoorden.")
TITLE_SIZE = 15  # px, the title inside a downloaded chart
LICENCE = {"name": "CC-BY-4.0", "title": "Creative Commons Naamsvermelding 4.0 Internationaal",
           "path": "https://creativecommons.org/licenses/by/4.0/"}


def edition_address() -> str:
    """The published book's address, from the edition's one source of citation metadata."""
    return yaml.safe_load((paths.ROOT / "CITATION.cff").read_text(encoding="utf-8"))["url"]


def credit_lines(standin: bool) -> list[str]:
    """Source, address and licence, and the stand-in notice: under every downloaded chart."""
    return [f"Bron: {SOURCE}.",
            f"Online uitgave: {edition_address()} · figuur en cijfers: CC BY 4.0; titel en rapporttekst © 2019 "
            "Start Foundation.",
            *([STANDIN_NOTE] if standin else [])]


def download_spec(spec: dict, title: str, lines: list[str]) -> dict:
    """The chart as a file that stands alone on a slide: title and notes inside it, on an opaque white background
    (a transparent PNG turns pale fills grey)."""
    room = WIDE.width - 2 * PADDING
    titled = copy.deepcopy(spec)
    titled["title"] = {"text": fonts.wrap(title, room, TITLE_SIZE, bold=True),
                       "subtitle": [part for line in lines for part in fonts.wrap(line, room, FONT_SIZE - 1)],
                       "anchor": "start", "frame": "group", "fontSize": TITLE_SIZE, "subtitleFontSize": FONT_SIZE - 1,
                       "subtitlePadding": 6, "offset": 14, "color": TEXT_COLOUR, "subtitleColor": TEXT_COLOUR}
    titled["config"] = {**titled["config"], "background": "#ffffff"}
    return titled


def chart_file(spec: dict, title: str, lines: list[str]) -> str:
    """The downloadable SVG: every text as outlines, so it draws the same where Inter is not installed; what it
    says stays readable to software and screen readers in its <title> and <desc>."""
    svg = fonts.outline_text(static_svg(download_spec(spec, title, lines)))
    said = f"<title>{html.escape(title)}</title><desc>{html.escape(' '.join(lines))}</desc>"
    return re.sub(r"(<svg\b[^>]*>)", lambda m: m.group(1) + said, svg, count=1)


# Per chart file, the hash of what it was drawn from, in a dotfile (Sphinx does not publish those): specs, outlines
# and PNG take seconds for all nine charts, and an edited caption changes one.
DRAWN = ".getekend.json"


@cache
def _drawing() -> bytes:
    """What draws a chart besides its numbers and words: the book's package, the fonts and vl-convert."""
    return b"\0".join([*(p.read_bytes() for p in sorted(Path(__file__).parent.glob("*.py"))), vlc.__version__.encode(),
                       *((fonts.FONT_DIR / f).read_bytes() for f in sorted(fonts.FILES.values()))])


def _write_chart(folder: Path, name: str, shown: pd.DataFrame, spec, title: str, lines: list[str], drawn: dict) -> None:
    """The chart of the numbers `shown`, with its title and lines, drawn by `spec()` only when one of them changed."""
    key = hashlib.sha256(json.dumps([shown.to_csv(), title, lines]).encode() + _drawing()).hexdigest()
    if drawn.get(name) == key and (folder / f"{name}.svg").is_file() and (folder / f"{name}.png").is_file():
        return
    svg = chart_file(spec(), title, lines)
    (folder / f"{name}.svg").write_text(svg, encoding="utf-8")
    (folder / f"{name}.png").write_bytes(vlc.svg_to_png(svg, scale=2))  # from that SVG: laid out once
    drawn[name] = key


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, sep=";", decimal=",", encoding="utf-8-sig")


def _plain(markdown: str) -> str:
    return re.sub(r"[*`]", "", markdown)


def _field(name: str, kind: str, description: str, **extra) -> dict:
    return {"name": name, "type": kind, "description": description, **extra}


def figure_fields(standin: bool) -> list[dict]:
    n = "Aantal respondenten, ongewogen" + (" (in het vervangende bestand)" if standin else "")
    # the levels a file of this kind can give (pzboek/provenance.py)
    levels = [k for k in PROVENANCE if k in (TEXT, APPROXIMATED) or (k != FILE) == standin]
    return [
        _field("categorie", "string", "Antwoord of onderwerp, zoals de figuur het noemt"),
        _field("groep", "string", "Onderwijsniveau (leeg: alle respondenten)"),
        _field("percentage", "number", "Gewogen percentage, op een decimaal", decimalChar=","),
        _field("ondergrens", "number", "Ondergrens van het 95%-interval (Korn-Graubard), in procenten", decimalChar=","),
        _field("bovengrens", "number", "Bovengrens van het 95%-interval (Korn-Graubard), in procenten", decimalChar=","),
        _field("n", "integer", n),
        _field("bron", "string", "Herkomst van de waarde: " + "; ".join(
            f"{k}: {PROVENANCE[k].spoken.strip(' ()')}" for k in levels), constraints={"enum": levels}),
        _field("vervangend_bestand", "string", "ja: berekend uit het vervangende, gegenereerde bestand van deze "
               "uitgave; nee: uit het onderzoeksbestand waarmee het boek is gebouwd", constraints={"enum": ["ja", "nee"]}),
    ]


def _questions(survey: WeightedSurvey, key: str) -> str:
    variables = dict.fromkeys(load_published().query("figuur == @key")["variabele"])
    asked = [survey.codebook[v].question or survey.codebook[v].label for v in variables]
    return "Vraag: " + " / ".join(dict.fromkeys(asked)) + (
        " (formulering gereconstrueerd door deze uitgave: het rapport publiceert de vragenlijst niet)."
        if survey.standin else ".")


def _resource(name: str, title: str, description: str, fields: list[dict]) -> dict:
    return {"name": name.lower(), "path": f"{name}.csv", "title": title, "description": description,
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8-sig",
            "dialect": {"csv": {"delimiter": ";"}}, "schema": {"fields": fields}, "licenses": [LICENCE]}


def write_downloads(survey: WeightedSurvey, folder: Path) -> None:
    """Every figure's aggregated table as CSV (with each value's provenance), its chart as SVG and PNG, Figure A2
    (the weights) too, and datapackage.json over the CSVs."""
    folder.mkdir(parents=True, exist_ok=True)
    names = [f"figuur{key}" for key in load_figures().index] + ["figuurA2"]
    for old in folder.glob("figuur*.*"):  # a figure dropped must not stay published
        if old.stem not in names:
            old.unlink()
    try:
        drawn = json.loads((folder / DRAWN).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        drawn = {}
    credits, resources = credit_lines(survey.standin), []
    for key in load_figures().index:
        table = figure_table(survey, key)
        columns = ["categorie", "groep", "percentage", "ondergrens", "bovengrens", "n", "bron"]
        _write_csv(table[columns].assign(vervangend_bestand="ja" if survey.standin else "nee"),
                   folder / f"figuur{key}.csv")
        notes = figure_notes(key, table)
        _write_chart(folder, f"figuur{key}", table, lambda: chart_spec(key, table), figure_name(key), [*notes, *credits],
                     drawn)
        resources.append(_resource(f"figuur{key}", figure_name(key), " ".join(
            [_questions(survey, key), *notes]), figure_fields(survey.standin)))
    weights, title = weight_table(survey), f"Figuur A2. {WEIGHT_TITLE}"
    _write_csv(weights[["van", "tot", "aantal"]], folder / "figuurA2.csv")
    _write_chart(folder, "figuurA2", weights, lambda: weight_figure(survey).spec, title, credits, drawn)
    (folder / DRAWN).write_text(json.dumps(drawn, sort_keys=True), encoding="utf-8")
    resources.append(_resource("figuurA2", title, "Aantal respondenten per klasse van de weegfactor.", [
        _field("van", "number", "Ondergrens van de klasse (weegfactor, gemiddelde 1)", decimalChar=","),
        _field("tot", "number", "Bovengrens van de klasse (niet inbegrepen)", decimalChar=","),
        _field("aantal", "integer", "Aantal respondenten, ongewogen"),
    ]))
    package = {
        "name": "participatiezekerheid-figuren",
        "title": "Participatiezekerheid (online uitgave): de cijfers bij de figuren",
        "description": " ".join([
            "Gewogen percentages bij de figuren van het rapport Participatiezekerheid (Start Foundation, 2019) en van "
            "deze online uitgave, met 95%-intervallen, ongewogen aantallen en de herkomst van elke waarde.",
            _plain(weighting_text(survey)["weging_methode"]), *([STANDIN_NOTE] if survey.standin else [])]),
        "homepage": edition_address(),
        "licenses": [LICENCE],
        "sources": [{"title": SOURCE}, {"title": "Online uitgave Participatiezekerheid", "path": edition_address()}],
        "resources": resources,
    }
    (folder / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=1), encoding="utf-8")
