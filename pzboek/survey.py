"""Load the survey file and check it against the codebook.

Every problem is raised as SurveyError with one line that names the file and the variable or value at
fault; nothing is dropped or guessed.
"""
from __future__ import annotations

import os
import re
import unicodedata

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import yaml

from . import paths


class SurveyError(Exception):
    """A survey, codebook or margins file that the book cannot use."""


def check_chapter(stem: str, where: str) -> str:
    """`stem` if it names a chapter of the book (chapters/<stem>.md), else a SurveyError saying `where` it is."""
    if not paths.CHAPTER_STEM.match(stem) or not (paths.CHAPTERS / f"{stem}.md").is_file():
        raise SurveyError(f"{where} has hoofdstuk '{stem}', which is not a chapter of the book (the name of a file "
                          f"in chapters/ without .md, such as 03_overvraagde_overheid)")
    return stem


# The stand-in file says what it is in its SPSS file label (shown by SPSS, at most 64 characters). Every
# page's stand-in notice follows this label: a real fieldwork file does not start with it, and then the
# notice disappears without any page being edited.
STANDIN_LABEL = "Vervangend bestand (gegenereerd) - Participatiezekerheid 2019"


def is_standin_label(file_label: str | None) -> bool:
    return (file_label or "").lower().startswith(STANDIN_LABEL.split(" (")[0].lower())


def survey_is_standin(path: Path) -> bool:
    """Whether the survey file at `path` is this edition's generated stand-in (read from its metadata only)."""
    _readable(path)
    try:
        _, meta = pyreadstat.read_sav(str(path), metadataonly=True)
    except Exception as err:
        raise SurveyError(f"{path}: not a readable SPSS .sav file ({err})") from None
    return is_standin_label(meta.file_label)


@dataclass(frozen=True)
class Variable:
    name: str
    label: str
    kind: str  # id, achtergrond or vraag
    values: dict[int, str]  # all codes, user-missing included
    missing: frozenset[int]  # user-missing codes ("weet niet / geen antwoord")
    value_range: tuple[int, int] | None
    question: str | None
    filter: dict[str, int] | None
    derived_from: dict[str, dict[int, int]] | None
    chapters: tuple[int, ...]
    in_report: str | None = None  # the phrase with which the report names this item; None: this edition's
    answers_in_report: frozenset[int] = frozenset()  # answer codes whose category the report names
    file_labels: dict[int, str] | None = None  # labels the delivered file may carry instead (bestandslabels)
    reading: str | None = None  # how this edition reads the report's words on this item (lezing)


def _as_tuple(value) -> tuple:
    if value is None:
        return ()
    return tuple(value) if isinstance(value, list) else (value,)


@dataclass(frozen=True)
class Codebook:
    variables: dict[str, Variable]
    questions: dict[str, str]
    id_variable: str
    weight_variable: str | None = None  # the file's own weight (`gewicht`); None: raked to the margins

    def __getitem__(self, name: str) -> Variable:
        return self.variables[name]

    def subgroup_problem(self, name: str, op: str, value: int) -> str | None:
        """Why 'name op value' selects nobody by construction (a code the variable does not have), or None."""
        var = self.variables[name]
        if op == "=" and not var.value_range and var.values and value not in var.values:
            return f"'{name}' has no code {value} in data/codebook.yml (codes: {', '.join(map(str, var.values))})"
        if op == "=" and var.value_range and not var.value_range[0] <= value <= var.value_range[1]:
            return f"'{name}' runs from {var.value_range[0]} to {var.value_range[1]} in data/codebook.yml"
        return None


def _read_yaml(path: Path) -> dict:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SurveyError(f"{path}: file not found") from None
    except yaml.YAMLError as err:
        raise SurveyError(f"{path}: not valid YAML ({str(err).splitlines()[0]})") from None


@cache
def load_codebook(path: Path = paths.CODEBOOK) -> Codebook:
    raw = _read_yaml(path)
    variables = {}
    id_variable = None
    for name, spec in raw["variabelen"].items():
        values = {int(code): str(label) for code, label in (spec.get("waarden") or {}).items()}
        missing = frozenset(code for code, label in values.items() if label.startswith("weet niet"))
        kind = spec.get("soort", "vraag")
        if kind == "id":
            id_variable = name
        derived = spec.get("afgeleid_van")
        variables[name] = Variable(
            name=name,
            label=spec["label"],
            kind=kind,
            values=values,
            missing=missing,
            value_range=tuple(spec["bereik"]) if "bereik" in spec else None,
            question=raw["vragen"].get(spec["vraag"]) if "vraag" in spec else None,
            filter=spec.get("filter"),
            derived_from={src: {int(k): int(v) for k, v in m.items()} for src, m in derived.items()} if derived else None,
            chapters=tuple(check_chapter(str(c), f"{path}: variable {name}") for c in _as_tuple(spec.get("hoofdstuk"))),
            in_report=spec.get("in_rapport"),
            answers_in_report=frozenset(spec.get("antwoorden_in_rapport", ())),
            file_labels={int(k): str(v) for k, v in (spec.get("bestandslabels") or {}).items()} or None,
            reading=spec.get("lezing"),
        )
    if id_variable is None:
        raise SurveyError(f"{path}: no variable with soort: id")
    return Codebook(variables, raw["vragen"], id_variable, raw.get("gewicht") or None)


def read_sav(path: Path) -> tuple[pd.DataFrame, object]:
    """Read an SPSS file as raw codes (no value labels applied, user-missing codes kept)."""
    _readable(path)
    try:
        return pyreadstat.read_sav(str(path), user_missing=True)
    except Exception as err:  # pyreadstat raises its own ReadstatError and plain exceptions
        raise SurveyError(f"{path}: not a readable SPSS .sav file ({err})") from None


def spss_names(df: pd.DataFrame, meta, codebook: Codebook, path: Path) -> tuple[pd.DataFrame, dict[str, str]]:
    """SPSS variable names ignore case: a delivery's 'LEEFTIJD' or 'Leeftijd' is the codebook's 'leeftijd'. Such
    columns, and their value labels in meta, get the codebook's spelling; returns the data and {file's: codebook's}.
    Two of the file's names that differ only in case (possible outside SPSS) are one line, not a choice."""
    known = {name.casefold(): name for name in [*codebook.variables, *filter(None, [codebook.weight_variable])]}
    seen: dict[str, str] = {}
    for column in df.columns:
        if (other := seen.setdefault(column.casefold(), column)) != column and column.casefold() in known:
            raise SurveyError(f"{path}: variables '{other}' and '{column}' differ only in case, which SPSS reads as "
                              f"one name ('{known[column.casefold()]}' in data/codebook.yml): keep one")
    renamed = {c: known[c.casefold()] for c in df.columns if c.casefold() in known and c != known[c.casefold()]}
    if renamed:
        labels = getattr(meta, "variable_value_labels", {})
        meta.variable_value_labels = {renamed.get(name, name): values for name, values in labels.items()}
    return df.rename(columns=renamed), renamed


def _readable(path: Path) -> None:
    """A configured survey path that is no file the book can open is one line, not a traceback."""
    if path.is_dir():
        raise SurveyError(f"{path}: is a folder; pz_survey (_config.yml) or PZ_SURVEY must name the survey file itself (.sav or .zsav)")
    if not path.exists():
        raise SurveyError(f"{path}: survey file not found (pz_survey in _config.yml or PZ_SURVEY names it, relative to {paths.ROOT})")
    if not os.access(path, os.R_OK):
        raise SurveyError(f"{path}: survey file cannot be read (no read permission)")


def _label(text) -> str:
    """A value label as compared with the codebook: Unicode NFC, spacing and case do not count."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", str(text))).strip().casefold()


def label_problems(meta, codebook: Codebook, path: Path) -> list[str]:
    """The file's value labels against the codebook's, for every code both name. A known, harmless difference
    is accepted by naming the file's label under the variable's `bestandslabels` in data/codebook.yml."""
    found = []
    for var in codebook.variables.values():
        in_file = getattr(meta, "variable_value_labels", {}).get(var.name, {})
        for code, label in var.values.items():
            theirs = in_file.get(code, in_file.get(float(code)))
            accepted = (var.file_labels or {}).get(code)
            if theirs is not None and _label(theirs) not in {_label(label), _label(accepted or label)}:
                found.append(f"{path}: variable '{var.name}' code {code} is labelled '{theirs}' in the file, "
                             f"'{label}' in data/codebook.yml")
    return found


def problems(df: pd.DataFrame, codebook: Codebook, path: Path) -> list[str]:
    """Every way the file does not match the codebook, one line each (file, variable, code, what was expected).
    Variables the codebook does not know are not problems: a delivery carries more (see `load_survey`)."""
    found = [f"{path}: variable '{name}' from the codebook is missing in the file"
             for name in codebook.variables if name not in df.columns]
    if len(df) == 0:
        return found + [f"{path}: the file has no respondents"]
    if codebook.id_variable not in df.columns:
        return found
    ids = df[codebook.id_variable]
    blank = ids.isna() if pd.api.types.is_numeric_dtype(ids) else ids.isna() | (ids.astype(str).str.strip() == "")
    if blank.any() or ids.duplicated().any():
        return found + [f"{path}: variable '{codebook.id_variable}' has missing or duplicate respondent ids"]
    for var in codebook.variables.values():
        if var.name not in df.columns or any(source not in df.columns for source in [*(var.filter or {}), *(var.derived_from or {})]):
            continue
        column = df[var.name]
        if var.kind == "id":  # checked above; an agency's ids may be text ('R00017')
            continue
        if not pd.api.types.is_numeric_dtype(column):
            found.append(f"{path}: variable '{var.name}' is not numeric")
            continue
        asked = _asked(df, var)
        if column[asked].isna().any():
            row = column[asked & column.isna()].index[0]
            found.append(f"{path}: variable '{var.name}' is empty for respondent {_respondent(ids, row)}, who was asked the question")
        if var.filter and column[~asked].notna().any():
            row = column[~asked & column.notna()].index[0]
            found.append(f"{path}: variable '{var.name}' has an answer for respondent {_respondent(ids, row)}, who was not asked the question")
        answered = column.dropna()
        if var.value_range:
            low, high = var.value_range
            bad = answered[(answered < low) | (answered > high) | (answered % 1 != 0)]
        elif var.values:
            bad = answered[~answered.isin(list(var.values))]
        else:
            continue
        for value in sorted(set(bad)):
            found.append(f"{path}: variable '{var.name}' has value {value:g}, which is not in the codebook")
        for source, mapping in (var.derived_from or {}).items():
            wrong = df[source].map(mapping) != column
            if wrong.any():
                row = wrong.idxmax()
                found.append(
                    f"{path}: variable '{var.name}' is {column[row]:g} for respondent {_respondent(ids, row)}, "
                    f"but {source} {df[source][row]:g} belongs to {var.name} {mapping.get(int(df[source][row]))}"
                )
    return found + weight_problems(df, codebook, path)


def _respondent(ids: pd.Series, row) -> str:
    """A respondent's id as the file has it: 17, not 17.0; an agency's text id ('R00017') as it is."""
    value = ids[row]
    return f"{value:.0f}" if isinstance(value, (int, float, np.number)) else str(value).strip()


# A delivery's weights sum to its number of respondents (mean 1) or to the population it stands for: Dutch adults,
# about 13.9 million in July 2019 (CBS StatLine 03759ned); anything else is not a weight the book can read.
POPULATION_TOTAL = (12_000_000, 16_000_000)
MEAN_ONE = (0.98, 1.02)


def weight_problems(df: pd.DataFrame, codebook: Codebook, path: Path) -> list[str]:
    """The file's own weight variable (codebook `gewicht`), when named: present, positive for everyone, and a
    plausible total."""
    name = codebook.weight_variable
    if not name:
        return []
    if name not in df.columns:
        return [f"{path}: weight variable '{name}' (gewicht in data/codebook.yml) is missing in the file"]
    weights = pd.to_numeric(df[name], errors="coerce")
    bad = weights[~(weights > 0)]
    if len(bad):
        row = bad.index[0]
        return [f"{path}: weight variable '{name}' is {df[name][row]} for respondent {_respondent(df[codebook.id_variable], row)}; "
                f"every weight must be a positive number"]
    mean, total = weights.mean(), weights.sum()
    if not (MEAN_ONE[0] <= mean <= MEAN_ONE[1] or POPULATION_TOTAL[0] <= total <= POPULATION_TOTAL[1]):
        return [f"{path}: weight variable '{name}' sums to {total:,.1f}, neither the number of respondents ({len(df)}) "
                f"nor the adult population (12 to 16 million)"]
    return []


def validate(df: pd.DataFrame, codebook: Codebook, path: Path, meta=None) -> None:
    """Check the file against the codebook (and its value labels, given the file's metadata); raise SurveyError
    with every problem, one per line."""
    found = problems(df, codebook, path) + (label_problems(meta, codebook, path) if meta is not None else [])
    if found:
        raise SurveyError("\n".join(found))


def extra_variables(df: pd.DataFrame, codebook: Codebook) -> list[str]:
    """The file's variables that the codebook does not know (an agency's weight, paradata, other reports'
    questions): ignored, and listed by the check."""
    return [name for name in df.columns if name not in codebook.variables and name != codebook.weight_variable]


def _asked(df: pd.DataFrame, var: Variable) -> pd.Series:
    mask = pd.Series(True, index=df.index)
    for source, code in (var.filter or {}).items():
        mask &= df[source] == code
    return mask


def load_survey(path: Path | None = None) -> pd.DataFrame:
    """The validated survey: one row per respondent, integer codes, NaN where a question was not asked."""
    path = Path(path) if path else paths.survey_path()
    codebook = load_codebook()
    df, meta = read_sav(path)
    df, _ = spss_names(df, meta, codebook, path)
    validate(df, codebook, path, meta)
    kept = [*codebook.variables, *([codebook.weight_variable] if codebook.weight_variable else [])]
    return df[kept]  # variables outside the codebook are ignored (extra_variables)
