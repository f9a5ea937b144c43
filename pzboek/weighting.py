"""Rake the survey to population margins (weightipy) and describe the resulting weights."""
from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import weightipy

from . import paths
from .survey import SurveyError, _read_yaml

# Trimming rule: no weight exceeds 4 times the mean weight. weightipy applies the cap inside every raking
# iteration (anesrake style), so the trimmed weights still meet the margins. (Its lower cap, a (min, max)
# tuple, fails inside weightipy 0.4.2, so small weights are reported, not trimmed.)
WEIGHT_CAP = 4.0
MAX_MARGIN_ERROR = 0.001  # a weighted margin more than 0.1 percentage point off its target is an error


@dataclass(frozen=True)
class Margin:
    dimension: str  # the (possibly derived) variable raked on
    source_variable: str  # the survey variable it comes from
    kind: str  # bron, afgeleid or proxy
    source: str
    reference_date: str
    note: str
    shares: dict[int, float]
    age_groups: dict[int, tuple[int, int]] | None

    def age_label(self, code: int) -> str:
        """'18–39 jaar', '65 jaar en ouder': an age group of this margin as readers see it."""
        low, high = self.age_groups[code]
        return f"{low} jaar en ouder" if high >= 99 else f"{low}–{high} jaar"


@cache
def load_margins(path: Path = paths.MARGINS) -> tuple[Margin, ...]:
    margins = []
    for dimension, spec in _read_yaml(path).items():
        shares = {int(k): float(v) for k, v in spec["aandelen"].items()}
        if abs(sum(shares.values()) - 1) > 1e-6:
            raise SurveyError(f"{path}: shares of '{dimension}' sum to {sum(shares.values()):.3f}, not 1")
        groups = spec.get("groepen")
        margins.append(Margin(
            dimension=dimension,
            source_variable=spec.get("afgeleid_van", spec["variabele"]),
            kind=spec["soort"],
            source=spec["bron"],
            reference_date=str(spec["peildatum"]),
            note=spec.get("toelichting", ""),
            shares=shares,
            age_groups={int(k): tuple(v) for k, v in groups.items()} if groups else None,
        ))
    return tuple(margins)


def weighting_frame(survey: pd.DataFrame, margins: tuple[Margin, ...], source: Path | str = "the survey file") -> pd.DataFrame:
    """The raking dimensions per respondent, age groups derived from age in years. A category the margins weight
    to that has no respondent is the survey file's fault (`source`), not the margins'."""
    frame = {}
    for margin in margins:
        column = survey[margin.source_variable]
        if margin.age_groups:
            bins = pd.Series(np.nan, index=survey.index)
            for code, (low, high) in margin.age_groups.items():
                bins[(column >= low) & (column <= high)] = code
            column = bins
        frame[margin.dimension] = column.astype(int)
        if empty := sorted(set(margin.shares) - set(frame[margin.dimension])):
            raise SurveyError(f"{source}: no respondent is in '{margin.dimension}' category {empty[0]} (variable "
                              f"'{margin.source_variable}'), which {paths.MARGINS} weights to "
                              f"{margin.shares[empty[0]]:.1%}; the file cannot be weighted")
    return pd.DataFrame(frame, index=survey.index)


@dataclass(frozen=True)
class Weighting:
    weights: pd.Series
    max_margin_error: float  # largest absolute gap between a weighted margin and its target (share)
    converged: bool
    source: str | None = None  # the file's own weight variable; None: raked to the margins by the book

    @property
    def n(self) -> int:
        return len(self.weights)

    @property
    def design_effect(self) -> float:
        """Kish's design effect due to weighting: 1 + CV² of the weights."""
        w = self.weights
        return float(len(w) * (w**2).sum() / w.sum() ** 2)

    @property
    def effective_n(self) -> float:
        return self.n / self.design_effect

    @property
    def weight_range(self) -> tuple[float, float]:
        return float(self.weights.min()), float(self.weights.max())


def _margin_error(weights: pd.Series, frame: pd.DataFrame, margins: tuple[Margin, ...]) -> float:
    return max(abs(weights[frame[m.dimension] == code].sum() / weights.sum() - share)
               for m in margins for code, share in m.shares.items())


def file_weights(survey: pd.DataFrame, margins: tuple[Margin, ...], variable: str, source: Path | str) -> Weighting:
    """The delivery's own weights (checked by survey.weight_problems), scaled to mean 1; how far they are from the
    margins is reported, not corrected."""
    weights = survey[variable].astype(float)
    weights = (weights / weights.mean()).rename("gewicht")
    return Weighting(weights, _margin_error(weights, weighting_frame(survey, margins, source), margins), True, variable)


def rake_to_margins(survey: pd.DataFrame, margins: tuple[Margin, ...], source: Path | str = "the survey file") -> Weighting:
    """Raking (iterative proportional fitting) with trimming; weights have mean 1."""
    frame = weighting_frame(survey, margins, source)
    targets = {m.dimension: {code: share * 100 for code, share in m.shares.items()} for m in margins}
    scheme = weightipy.scheme_from_dict(
        targets, name="pz", rim_params={"cap": WEIGHT_CAP, "max_iterations": 1000, "convcrit": 1e-6}
    )
    log = io.StringIO()
    with contextlib.redirect_stdout(log):  # weightipy prints its convergence messages
        weights = weightipy.weight(frame, scheme).to_numpy(dtype=float)
    weights = pd.Series(weights / weights.mean(), index=survey.index, name="gewicht")
    error = _margin_error(weights, frame, margins)
    converged = error <= MAX_MARGIN_ERROR and "did not occur" not in log.getvalue()
    return Weighting(weights, float(error), converged)


def weigh(survey: pd.DataFrame, margins: tuple[Margin, ...], weight_variable: str | None, source: Path | str) -> Weighting:
    """The weights the book uses: the delivery's own (codebook `gewicht`) when it names one, else raked."""
    if weight_variable:
        return file_weights(survey, margins, weight_variable, source)
    return rake_to_margins(survey, margins, source)
