"""What a chapter notebook calls: glue its numbers and figures, computed from the weighted survey."""
from __future__ import annotations

import pandas as pd
from IPython.display import HTML, Markdown
from myst_nb import glue

from . import appendix, dutch
from .charts import build_figure
from .data import load_weighted_survey
from .published import load_figures, load_published

# How a number of the report is written in its sentence ("in_tekst" column shows the printed form).
FORMATS = {"een op de": dutch.een_op_de, "ongeveer": dutch.ongeveer_deel}
# Phrases built from two numbers: key -> (first key, second key)
PAIRS = {"fig1_beide": ("fig1_perspectief", "fig1_kwesties")}


def format_estimate(share: float, printed: str) -> str:
    """Format a share the way the report writes this number ('63%', 'een op de vijf', 'ongeveer een derde')."""
    for prefix, formatter in FORMATS.items():
        if printed.startswith(prefix):
            return formatter(share)
    return dutch.procent(share)


class Hoofdstuk:
    """One chapter, named by its file's stem (as in every data file): its rows of the published-figures table
    and the weighted survey."""

    def __init__(self, stem: str):
        self.stem = stem
        self.survey = load_weighted_survey()
        table = load_published()
        self.rows = table[table["hoofdstuk"] == stem]

    def getallen(self) -> dict[str, str]:
        """Every number of this chapter's text, formatted as the sentence needs it."""
        values, shares = {}, {}
        for row in self.rows.itertuples():
            if row.variabele == self.survey.codebook.id_variable:
                values[row.sleutel] = dutch.getal(len(self.survey.data))
                continue
            share = self.survey.estimate(row.variabele, row.codes, row.subgroep).share
            shares[row.sleutel] = share
            values[row.sleutel] = format_estimate(share, row.in_tekst)
        for key, (first, second) in PAIRS.items():
            if first in shares:
                values[key] = dutch.beide(shares[first], shares[second])
        return values

    def glue_getallen(self) -> None:
        for key, text in self.getallen().items():
            glue(key, Markdown(text), display=False)

    def glue_figuur(self, key: int | str) -> None:
        """Glue figure `key` (1 … 7 as in the report, 'A1' … for this edition's additions) as 'figuur<key>', and
        its title (data/figuren.csv, the one place it is written) as 'figuur<key>_titel' for the caption."""
        glue(f"figuur{key}", build_figure(self.survey, str(key)), display=False)
        glue(f"figuur{key}_titel", Markdown(load_figures().loc[str(key), "titel"]), display=False)

    def glue_bestand(self) -> None:
        """'bestand': which survey file this build used, in one sentence (the stand-in or a real file)."""
        glue("bestand", Markdown(appendix.survey_sentence(self.survey)), display=False)

    def tabel_samenstelling(self) -> HTML:
        return HTML(appendix.composition(self.survey))

    def toetsen(self) -> HTML:
        """The group differences this chapter's text claims, tested (addition to the original)."""
        return HTML(appendix.group_tests(self.survey, self.stem))
