"""Weighted percentages with design-based 95% intervals, and design-adjusted tests between groups.

Variances use Taylor linearisation for calibrated (raked) weights, as R's survey package does after
calibrate(): the linearised values of an estimate are replaced by their residuals from a weighted
regression on the raking variables, so the precision gained by matching the margins is counted. The
sample is treated as a single-stage sample drawn with replacement (an opt-in panel has no strata or
clusters to declare). This is written here because no maintained Python library (svy, samplics) exposes
variance estimation for weights raked outside it; the computation is a few lines of linear algebra.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from . import dutch
from .published import SUBGROUP
from .survey import Codebook, SurveyError
from .weighting import Margin, Weighting, weighting_frame

Z95 = 1.959963984540054  # standard normal 97.5% quantile
MIN_BASE = 50  # subgroup cells with fewer unweighted respondents are flagged
ROUNDING_STEPS = 11  # shares tried per printed whole percentage: x-0.5, x-0.4, …, x+0.5
_OPS = {"=": np.equal, ">=": np.greater_equal, "<=": np.less_equal, "<": np.less, ">": np.greater}


@dataclass(frozen=True)
class Estimate:
    share: float  # weighted share, 0..1
    lower: float  # 95% interval
    upper: float
    n: int  # unweighted respondents in the base

    @property
    def small_base(self) -> bool:
        """Fewer than MIN_BASE respondents: shown with a warning mark, never as a plain number."""
        return self.n < MIN_BASE

    @property
    def percent(self) -> int:
        """Rounded to a whole percentage, halves up, as a report prints it."""
        return int(np.floor(self.share * 100 + 0.5))


@dataclass
class WeightedSurvey:
    """The validated survey with its raking weights: everything estimates need."""

    data: pd.DataFrame
    weighting: Weighting
    margins: tuple[Margin, ...]
    codebook: Codebook
    path: str
    standin: bool = False  # this edition's generated file (survey.STANDIN_LABEL), not fieldwork data

    @property
    def weights(self) -> np.ndarray:
        return self.weighting.weights.to_numpy()

    @cached_property
    def calibration_matrix(self) -> np.ndarray:
        """Dummies of every raking category (first category of each dimension left out) plus a constant."""
        constant = np.ones((len(self.data), 1))
        if not self.margins:
            return constant
        frame = weighting_frame(self.data, self.margins)
        dummies = pd.get_dummies(frame.astype("category"), drop_first=True, dtype=float)
        return np.column_stack([constant, dummies.to_numpy()])

    @cached_property
    def calibration_solver(self) -> np.ndarray:
        """The weighted least-squares solution on the calibration matrix as one matrix (its pseudo-inverse): the
        regression of every linearised variable on the raking categories is then a product, not a solve."""
        return np.linalg.pinv(self.calibration_matrix * np.sqrt(self.weights)[:, None])

    def composition(self) -> pd.DataFrame:
        """Raw sample, weighted sample and population target per weighting category (Dutch labels)."""
        frame = weighting_frame(self.data, self.margins)
        w = self.weighting.weights
        rows = []
        for margin in self.margins:
            labels = self.codebook[margin.source_variable].values
            for code, target in margin.shares.items():
                label = margin.age_label(code) if margin.age_groups else labels[code]
                inside = frame[margin.dimension] == code
                rows.append({
                    "Kenmerk": self.codebook[margin.source_variable].label if not margin.age_groups else "Leeftijd",
                    "Categorie": label,
                    "Steekproef ongewogen": dutch.procent(inside.mean(), 1),
                    "Steekproef gewogen": dutch.procent(w[inside].sum() / w.sum(), 1),
                    "Bevolking": dutch.procent(target, 1),
                })
        return pd.DataFrame(rows)

    def subgroup(self, spec: str | np.ndarray | None) -> np.ndarray:
        """Boolean mask for a subgroup written as 'geslacht=1' or 'leeftijd>=55' (empty: everyone); a boolean
        mask (one value per respondent) is taken as it is."""
        if isinstance(spec, np.ndarray):
            return spec
        if not spec:
            return np.ones(len(self.data), dtype=bool)
        match = SUBGROUP.match(spec.strip())
        if not match or match[1] not in self.data:
            raise SurveyError(f"{self.path}: subgroup '{spec}' does not name a survey variable and a value")
        variable, op, value = match.groups()
        return _OPS[op](self.data[variable].to_numpy(), float(value))

    def _linearised(self, variable: str, codes: tuple[int, ...], domain: np.ndarray) -> tuple[float, np.ndarray, int]:
        """Share of `codes` among respondents in `domain` who were asked; calibrated linearised values."""
        shares, z, counts = self._linearised_domains(variable, codes, [domain])
        return float(shares[0]), z[:, 0], int(counts[0])

    def _linearised_domains(self, variable: str, codes: tuple[int, ...], domains: list[np.ndarray]):
        """Per domain: the share of `codes` among its respondents who were asked, its calibrated linearised values
        (one column each) and its unweighted n. One regression for all domains: the columns are independent."""
        values = self.data[variable].to_numpy()
        bases = np.column_stack(domains) & ~np.isnan(values)[:, None]
        counts = bases.sum(axis=0)
        if (counts == 0).any():
            raise SurveyError(f"{self.path}: no respondents answered '{variable}' in this subgroup")
        w = self.weights
        y = np.isin(values, codes).astype(float)
        totals = w @ bases
        shares = (w * y) @ bases / totals
        u = np.where(bases, (y[:, None] - shares) / totals, 0.0)
        coef = self.calibration_solver @ (u * np.sqrt(w)[:, None])
        return shares, w[:, None] * (u - self.calibration_matrix @ coef), counts

    def estimate(self, variable: str, codes, subgroup: str | None = None) -> Estimate:
        share, z, n = self._linearised(variable, _as_codes(codes), self.subgroup(subgroup))
        se = np.sqrt(len(z) / (len(z) - 1) * (z**2).sum())
        lower, upper = _logit_interval(share, se)
        return Estimate(share, lower, upper, n)

    def _group_covariance(self, variable: str, codes, groups: list) -> tuple[np.ndarray, np.ndarray, int]:
        shares, z, _ = self._linearised_domains(variable, _as_codes(codes), [self.subgroup(g) for g in groups])
        n = len(z)
        return shares, n / (n - 1) * z.T @ z, n

    def estimate_groups(self, variable: str, codes, groups: list) -> tuple[list[Estimate | None], GroupTest | None]:
        """The estimate of every subgroup (None where nobody in it was asked) and the Wald test of compare_groups
        between those that have respondents (None with fewer than two, or when the shares cannot be compared:
        all 0% or all 100%). Computed in one pass, so a table of many groups stays quick."""
        asked = ~np.isnan(self.data[variable].to_numpy())
        masks = [self.subgroup(g) for g in groups]
        present = [i for i, m in enumerate(masks) if (m & asked).any()]
        found: list[Estimate | None] = [None] * len(groups)
        if not present:
            return found, None
        shares, cov, n = self._group_covariance(variable, codes, [masks[i] for i in present])
        for column, i in enumerate(present):
            share = float(shares[column])
            found[i] = Estimate(share, *_logit_interval(share, float(np.sqrt(cov[column, column]))),
                                int((masks[i] & asked).sum()))
        if len(present) < 2:
            return found, None
        try:
            test = _wald_test(shares, cov, n)
        except np.linalg.LinAlgError:
            return found, None
        return found, test if np.isfinite(test.p_value) else None

    def compare_groups(self, variable: str, codes, groups: list[str]) -> GroupTest:
        """Design-adjusted Wald test that the share of `codes` is equal in every subgroup of `groups`.

        The Wald statistic uses the linearised covariance of the group shares; it is referred to an F
        distribution with (k-1, n-1) degrees of freedom, as R's svychisq(statistic = "Wald") does.
        """
        shares, cov, n = self._group_covariance(variable, codes, groups)
        return _wald_test(shares, cov, n)

    def compare_within_rounding(self, variable: str, codes, groups: list[str], printed: list[int]) -> RoundingRange:
        """The group test for every set of shares that round to the printed whole percentages.

        A printed 79% may be anything from 78.5% to 79.5%: the test is repeated over that box (in steps of
        0.1 point), with each group's variance scaled to the share tried (p(1-p)) and the file's own design
        effect and group sizes kept. Returns the smallest and largest p and difference found."""
        shares, cov, n = self._group_covariance(variable, codes, groups)
        grid = [np.linspace(p - 0.5, p + 0.5, ROUNDING_STEPS) / 100 for p in printed]
        tried = np.array(np.meshgrid(*grid, indexing="ij")).reshape(len(groups), -1).T
        base_sd = np.sqrt(shares * (1 - shares))
        p_values = []
        for trial in tried:
            scale = np.sqrt(trial * (1 - trial)) / base_sd
            p_values.append(_wald_test(trial, cov * np.outer(scale, scale), n).p_value)
        spread = tried.max(axis=1) - tried.min(axis=1)
        return RoundingRange(min(p_values), max(p_values), float(spread.min()), float(spread.max()))


def _as_codes(codes) -> tuple[int, ...]:
    return tuple(codes) if isinstance(codes, (list, tuple)) else (codes,)


def _wald_test(shares: np.ndarray, cov: np.ndarray, n: int) -> GroupTest:
    contrast = np.column_stack([np.ones(len(shares) - 1), -np.eye(len(shares) - 1)])
    diff = contrast @ shares
    wald = float(diff @ np.linalg.solve(contrast @ cov @ contrast.T, diff))
    df1 = len(shares) - 1
    from scipy.special import fdtrc  # the F survival function; scipy.stats would add 0.7 s of imports

    return GroupTest(wald / df1, df1, n - 1, float(fdtrc(df1, n - 1, wald / df1)))


@dataclass(frozen=True)
class RoundingRange:
    """A group test over all shares that round to the printed numbers."""

    p_low: float
    p_high: float
    difference_low: float  # largest minus smallest group share, as shares (0..1)
    difference_high: float


@dataclass(frozen=True)
class GroupTest:
    statistic: float  # F
    df1: int
    df2: int
    p_value: float


def _logit_interval(share: float, se: float) -> tuple[float, float]:
    """95% interval on the logit scale (as svyciprop's 'logit' method), so it stays within 0..1."""
    if share <= 0 or share >= 1:
        return share, share
    centre = np.log(share / (1 - share))
    half = Z95 * se / (share * (1 - share))
    low, high = centre - half, centre + half
    return float(1 / (1 + np.exp(-low))), float(1 / (1 + np.exp(-high)))
