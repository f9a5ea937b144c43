"""The published-figures table (every number the report prints, and the values this edition had to
choose), the group comparisons its text makes, and the figures table (titles and editorial notes)."""
from __future__ import annotations

import datetime
import re
import unicodedata
from functools import cache
from pathlib import Path

import pandas as pd

from . import paths
from .survey import SurveyError, check_chapter

SUBGROUP = re.compile(r"^(\w+)\s*(>=|<=|=|<|>)\s*(\d+)$")  # e.g. geslacht=1, leeftijd>=55
COLUMNS = ["sleutel", "hoofdstuk", "figuur", "variabele", "categorie", "subgroep", "waarde", "bron", "in_tekst", "label"]
# Where a value comes from: printed as a number, given in words only ('ongeveer een derde'), chosen by this
# edition where the report gives nothing, or a number this edition adds (computed, never in the report; its
# waarde may stay empty: the stand-in is not fitted to it).
SOURCES = ("tekst", "benadering", "reconstructie", "uitgave")


def _read(path: Path, columns: list[str]) -> pd.DataFrame:
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise SurveyError(f"{path}: file not found") from None
    if missing := [c for c in columns if c not in table.columns]:
        raise SurveyError(f"{path}: column '{missing[0]}' is missing")
    return table


def _chapters(path: Path, table: pd.DataFrame) -> pd.Series:
    return pd.Series([check_chapter(stem, f"{path}: line {line}") for line, stem in enumerate(table["hoofdstuk"], start=2)],
                     index=table.index, dtype=str)


def _integers(path: Path, table: pd.DataFrame, column: str) -> pd.Series:
    bad = table[~table[column].str.fullmatch(r"\d+")]
    if len(bad):
        row = bad.iloc[0]
        raise SurveyError(f"{path}: row '{row.iloc[0]}' has {column} '{row[column]}', which is not a whole number")
    return table[column].astype(int)


@cache
def load_published(path: Path = paths.PUBLISHED) -> pd.DataFrame:
    table = _read(path, COLUMNS)
    if bad := sorted(set(table["bron"]) - set(SOURCES)):
        raise SurveyError(f"{path}: bron '{bad[0]}' is not one of {', '.join(SOURCES)}")
    table["hoofdstuk"] = _chapters(path, table)
    given = (table["bron"] != "uitgave") | (table["waarde"] != "")  # only a number this edition adds may have none
    table["waarde"] = _integers(path, table[given], "waarde").reindex(table.index).astype("Int64")
    table["codes"] = table["categorie"].map(lambda c: tuple(int(x) for x in c.split(";")) if c else ())
    return table


@cache
def load_figures(path: Path = paths.FIGURES) -> pd.DataFrame:
    """One row per figure: its key ('1' … '7' of the report, 'A1' … added by this edition), title and note."""
    table = _read(path, ["figuur", "titel", "toevoeging", "toelichting"])
    if bad := sorted(set(table["toevoeging"]) - {"ja", "nee"}):
        raise SurveyError(f"{path}: toevoeging '{bad[0]}' is not ja or nee")
    table["toevoeging"] = table["toevoeging"] == "ja"
    return table.set_index("figuur")


def validate_published(codebook, path: Path = paths.PUBLISHED) -> None:
    """Every row must name a codebook variable, codes it has, and a subgroup variable it has; a figure of
    the report shows only items the report names."""
    figures = load_figures()
    table = load_published(path)
    line = table.index + 2  # the CSV's line of each row (line 1 is the header)
    for (chapter, key), rows in table.groupby(["hoofdstuk", "sleutel"]).groups.items():
        if len(rows) > 1:
            raise SurveyError(f"{path}: sleutel '{key}' of hoofdstuk {chapter} is on lines "
                              f"{' and '.join(map(str, line[rows]))}; each key once per chapter (the later row would win)")
    share = [table["variabele"], table["categorie"], table["subgroep"].str.replace(" ", "")]
    for (variable, codes, subgroup), rows in table[table["codes"].map(bool)].groupby(share).groups.items():
        if len(table.loc[rows, ["waarde", "bron"]].astype(str).drop_duplicates()) > 1:
            raise SurveyError(f"{path}: lines {' and '.join(map(str, line[rows]))} give '{variable}' code {codes}"
                              f"{' in ' + subgroup if subgroup else ''} different values or sources; one value per share")
    for row in table.itertuples():
        if row.variabele not in codebook.variables:
            raise SurveyError(f"{path}: row '{row.sleutel}' names variable '{row.variabele}', which is not in the codebook")
        variable = codebook[row.variabele]
        if bad := [c for c in row.codes if c not in variable.values]:
            raise SurveyError(f"{path}: row '{row.sleutel}' uses code {bad[0]} of '{row.variabele}', which is not in the codebook")
        match = SUBGROUP.match(row.subgroep.strip()) if row.subgroep else None
        if row.subgroep and (not match or match[1] not in codebook.variables):
            raise SurveyError(f"{path}: row '{row.sleutel}' has subgroup '{row.subgroep}', which is not a codebook variable compared with a number")
        if match and (problem := codebook.subgroup_problem(match[1], match[2], int(match[3]))):
            raise SurveyError(f"{path}: row '{row.sleutel}' has subgroup '{row.subgroep}', but {problem}")
        if row.figuur and row.figuur not in figures.index:
            raise SurveyError(f"{path}: row '{row.sleutel}' is in figure '{row.figuur}', which is not in {paths.FIGURES}")
        if row.figuur and not figures.loc[row.figuur, "toevoeging"] and not variable.in_report:
            raise SurveyError(f"{path}: row '{row.sleutel}' puts '{row.variabele}' in figure {row.figuur} of the report, "
                              "but the report does not name it (no in_rapport in the codebook)")
        if row.bron == "uitgave" and row.figuur and not figures.loc[row.figuur, "toevoeging"]:
            raise SurveyError(f"{path}: row '{row.sleutel}' has bron 'uitgave' in figure {row.figuur} of the report; "
                              "numbers this edition adds belong in its own figures (A1, …) and sections")
        if row.bron == "benadering" and not row.in_tekst:
            raise SurveyError(f"{path}: row '{row.sleutel}' has bron 'benadering' but no in_tekst (the words of the report)")
    for row in load_comparisons().itertuples():
        for group in row.groepen:
            printed_value(row.variabele, row.codes, group)
    _check_pinned_captions(figures, load_pinned(), load_errata())


_TYPOGRAPHY = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "\u00ad": None, "\u00a0": " "})


def words_as_written(text: str) -> str:
    """Words compared as a reader sees them: curly and straight quotes, non-breaking and repeated spaces and soft
    hyphens do not count, so an author can record a correction with the words copied from the page."""
    return " ".join(unicodedata.normalize("NFKC", text).translate(_TYPOGRAPHY).split())


def erratum(errata: pd.DataFrame, original: str, chapter: str | None = None) -> str | None:
    """The recorded correction of the report's words `original` (in `chapter`, when given), or None."""
    rows = errata[errata["origineel"].map(words_as_written) == words_as_written(original)]
    if chapter is not None:
        rows = rows[rows["hoofdstuk"] == chapter]
    return rows["correctie"].iloc[0] if len(rows) else None


def _check_pinned_captions(figures: pd.DataFrame, pinned: pd.DataFrame, errata: pd.DataFrame) -> None:
    """The report's figure captions are pinned words (data/vaste_zinnen.csv: 'Figuur N <titel>'); a caption is
    written in data/figuren.csv, so an edit there is named there, with the row to edit, at the build."""
    for number, row in figures[~figures["toevoeging"]].iterrows():
        caption = f"Figuur {number} "
        for pinned_line, words in pinned["zin"].items():
            if not words.startswith(caption):
                continue
            expected = (erratum(errata, words) or words).removeprefix(caption)
            if row["titel"] != expected:
                line = list(figures.index).index(number) + 2
                raise SurveyError(
                    f"{paths.FIGURES}: line {line} (figuur {number}) has titel '{row['titel']}', but the report's caption "
                    f"is '{expected}' ({paths.PINNED} line {pinned_line + 2}); restore it, or record the change in "
                    f"{paths.ERRATA} (origineel '{words}')")


@cache
def load_comparisons(path: Path = paths.COMPARISONS) -> pd.DataFrame:
    """The group differences the text claims between printed numbers, each to be tested (data/vergelijkingen.csv)."""
    table = _read(path, ["hoofdstuk", "bewering", "rapport", "variabele", "categorie", "groepen"])
    table["hoofdstuk"] = _chapters(path, table)
    table["codes"] = table["categorie"].map(lambda c: tuple(int(x) for x in c.split(";")))
    table["groepen"] = table["groepen"].str.split("|")
    return table


def printed_value(variable: str, codes: tuple[int, ...], subgroup: str) -> int:
    """The whole percentage the report prints for this share; a SurveyError if it prints none."""
    table = load_published()
    rows = table[(table["variabele"] == variable) & (table["codes"].map(codes.__eq__)) & (table["subgroep"] == subgroup)
                 & (table["bron"] == "tekst")]
    if rows.empty:
        raise SurveyError(f"{paths.COMPARISONS}: '{variable}' in subgroup '{subgroup}' has no printed value "
                          f"(bron tekst) in {paths.PUBLISHED}: only printed numbers are compared")
    return int(rows["waarde"].iloc[0])


@cache
def load_pinned(path: Path = paths.PINNED) -> pd.DataFrame:
    """Sentences of the original report that must stay on their chapter's page as printed (the numbers among
    them computed from the stand-in file), unless a correction is recorded in the errata."""
    return _read(path, ["hoofdstuk", "zin"])


@cache
def load_errata(path: Path = paths.ERRATA) -> pd.DataFrame:
    """Deliberate differences from the report's text: original, correction, reason, date (ISO)."""
    table = _read(path, ["hoofdstuk", "origineel", "correctie", "reden", "datum"])
    for row in table.itertuples():
        if not all([row.hoofdstuk, row.origineel, row.correctie, row.reden]):
            raise SurveyError(f"{path}: the correction of '{row.origineel}' needs hoofdstuk, origineel, correctie and reden")
        try:
            datetime.date.fromisoformat(row.datum)
        except ValueError:
            raise SurveyError(f"{path}: the correction of '{row.origineel}' has datum '{row.datum}', not a date like 2026-11-30") from None
    return table
