"""Where a value a reader sees comes from: one decision for every chapter, figure, table, tooltip, download, the
Verkenner, the Codeboek and the PDF.

Levels, with the stand-in file: `tekst` (the report prints the number), `benadering` (the report gives it in words
only), `reconstructie` (the report gives nothing; this edition chose a value that fits the text and fitted the
stand-in to it) and `gegenereerd` (the value exists only because the stand-in was generated: no basis in the
report). With a real file every value is that file's estimate: what the report prints or words keeps that link,
everything else is `bestand` (the file's own estimate, which the report does not give).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from .published import load_published

TEXT, APPROXIMATED, RECONSTRUCTED, GENERATED, FILE = "tekst", "benadering", "reconstructie", "gegenereerd", "bestand"


@dataclass(frozen=True)
class Provenance:
    """How a value of one level is marked wherever it appears."""

    value: str  # how a value is written: '{}*' -> '48%*', '≈{}' -> '≈34%'
    legend: str  # the figure's own legend entry (short: it must fit a phone-wide chart; the note explains)
    opacity: float  # bar fill
    dash: list[int]  # bar outline
    note: str  # below a figure or table where the mark occurs
    spoken: str  # after the value in a chart's description for screen readers and in tooltips
    letter: str  # in the Verkenner's JSON and the data-herkomst attribute's short form


PROVENANCE = {
    TEXT: Provenance("{}", "getal uit het rapport", 1.0, [1, 0], "", " (uit het rapport)", "t"),
    APPROXIMATED: Provenance("≈{}", "≈ benaderd", 0.6, [6, 2], (
        "≈ Benaderd: de tekst van het rapport noemt hier alleen {woorden}; deze uitgave toont een waarde die "
        "daarbij past."), " (benaderd)", "b"),
    RECONSTRUCTED: Provenance("{}*", "* gereconstrueerd", 0.3, [3, 2], (
        "* Gereconstrueerd: het rapport noemt deze waarde niet; deze uitgave heeft haar zo gekozen dat ze past "
        "bij wat de tekst zegt."), " (gereconstrueerd)", "r"),
    GENERATED: Provenance("{}°", "° gegenereerd", 0.08, [1, 2], (
        "° Gegenereerd: deze waarde bestaat alleen in het vervangende bestand van deze uitgave en berust niet op "
        "het rapport; ze zegt niets over de peiling van 2019."), " (gegenereerd, niet uit het rapport)", "g"),
    FILE: Provenance("{}", "uit het onderzoeksbestand", 1.0, [1, 0], "", " (uit het onderzoeksbestand)", "f"),
}
LEVELS = {p.letter: level for level, p in PROVENANCE.items()}


@cache
def _published_levels() -> dict[tuple[str, tuple[int, ...], str], str]:
    table = load_published()
    return {(r.variabele, r.codes, r.subgroep.replace(" ", "")): r.bron for r in table.itertuples() if r.codes}


def level_of_source(source: str, standin: bool) -> str:
    """The level of a value whose row in the published-figures table has bron `source` (None: no row)."""
    if source in (TEXT, APPROXIMATED):
        return source
    if not standin:
        return FILE
    return RECONSTRUCTED if source == RECONSTRUCTED else GENERATED


def value_level(variable: str, codes, subgroup, standin: bool) -> str:
    """The level of the share of `codes` of `variable` in `subgroup` ('' for everyone, 'geslacht=1'; a mask or any
    other group the table cannot name has no row). Only the exact value the report gives has its level: the split
    of a printed sum (≈34% 'eens of helemaal eens' into 'eens' and 'helemaal eens') does not."""
    codes = tuple(codes) if isinstance(codes, (list, tuple)) else (codes,)
    key = subgroup.replace(" ", "") if isinstance(subgroup, str) else None
    return level_of_source(_published_levels().get((variable, codes, key)) if key is not None else None, standin)
