"""The published-figures table: every percentage the report prints, and the reconstructed figure values."""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pandas as pd

from . import paths
from .survey import SurveyError

SUBGROUP = re.compile(r"^(\w+)\s*(>=|<=|=|<|>)\s*(\d+)$")  # e.g. geslacht=1, leeftijd>=55
COLUMNS = ["sleutel", "hoofdstuk", "figuur", "variabele", "categorie", "subgroep", "waarde", "bron", "in_tekst", "label"]
SOURCES = {"tekst", "reconstructie"}


@cache
def load_published(path: Path = paths.PUBLISHED) -> pd.DataFrame:
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    if missing := [c for c in COLUMNS if c not in table.columns]:
        raise SurveyError(f"{path}: column '{missing[0]}' is missing")
    if bad := sorted(set(table["bron"]) - SOURCES):
        raise SurveyError(f"{path}: bron '{bad[0]}' is not one of {sorted(SOURCES)}")
    table["hoofdstuk"] = table["hoofdstuk"].astype(int)
    table["figuur"] = pd.to_numeric(table["figuur"]).astype("Int64")
    table["waarde"] = table["waarde"].astype(int)
    table["codes"] = table["categorie"].map(lambda c: tuple(int(x) for x in c.split(";")) if c else ())
    return table


def validate_published(codebook, path: Path = paths.PUBLISHED) -> None:
    """Every row must name a codebook variable, codes it has, and a subgroup variable it has."""
    for row in load_published(path).itertuples():
        if row.variabele not in codebook.variables:
            raise SurveyError(f"{path}: row '{row.sleutel}' names variable '{row.variabele}', which is not in the codebook")
        values = codebook[row.variabele].values
        if bad := [c for c in row.codes if c not in values]:
            raise SurveyError(f"{path}: row '{row.sleutel}' uses code {bad[0]} of '{row.variabele}', which is not in the codebook")
        match = SUBGROUP.match(row.subgroep.strip()) if row.subgroep else None
        if row.subgroep and (not match or match[1] not in codebook.variables):
            raise SurveyError(f"{path}: row '{row.sleutel}' has subgroup '{row.subgroep}', which is not a codebook variable compared with a number")


@cache
def load_comparisons(path: Path = paths.COMPARISONS) -> pd.DataFrame:
    """The group differences the text claims, each to be tested (data/vergelijkingen.csv)."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table["hoofdstuk"] = table["hoofdstuk"].astype(int)
    table["codes"] = table["categorie"].map(lambda c: tuple(int(x) for x in c.split(";")))
    table["groepen"] = table["groepen"].str.split("|")
    return table
