"""Weighted percentages with design-based 95% intervals, and design-adjusted tests between groups.

Intervals, and which cells may be shown, follow the NCHS Data Presentation Standards for Proportions (Parker et
al. 2017, Vital Health Stat 2(175)), the reference survey agencies use: Korn–Graubard intervals (never zero-width
at 0% or 100%) and rules on effective sample size and interval width. A whole distribution is compared between
groups with the Rao–Scott adjusted chi-square (R's svychisq, default statistic "F"), which stays defined when a
group is at 0% or 100%.

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

ALPHA = 0.05  # 95% intervals
# NCHS standards for proportions: suppress below these (n and effective n), or with an interval this wide, or with
# a relative width above MAX_RELATIVE_WIDTH unless the interval is at most ALWAYS_SHOWN_WIDTH wide.
MIN_N = MIN_EFFECTIVE_N = 30
MAX_WIDTH, ALWAYS_SHOWN_WIDTH, MAX_RELATIVE_WIDTH = 0.30, 0.05, 1.30
SHOWN, FLAGGED, SUPPRESSED = "tonen", "indicatief", "onderdrukt"
ROUNDING_STEPS = 11  # shares tried per printed whole percentage: x-0.5, x-0.4, …, x+0.5
_OPS = {"=": np.equal, ">=": np.greater_equal, "<=": np.less_equal, "<": np.less, ">": np.greater}


@dataclass(frozen=True)
class Estimate:
    share: float  # weighted share, 0..1
    lower: float  # 95% Korn–Graubard interval
    upper: float
    n: int  # unweighted respondents in the base
    n_eff: float  # effective sample size: share(1-share)/variance, capped at n (NCHS)

    @property
    def presentation(self) -> str:
        """SHOWN, FLAGGED or SUPPRESSED by the NCHS standards for proportions. A cell passing them whose complement
        would fail the relative-width rule (a share near 100% on a thin base) is the standards' 'statistical review'
        case: shown, flagged as indicative."""
        width = self.upper - self.lower
        if self.n < MIN_N or self.n_eff < MIN_EFFECTIVE_N or width >= MAX_WIDTH:
            return SUPPRESSED
        if width <= ALWAYS_SHOWN_WIDTH:
            return SHOWN
        if self.share <= 0 or width / self.share > MAX_RELATIVE_WIDTH:
            return SUPPRESSED
        if self.share >= 1 or width / (1 - self.share) > MAX_RELATIVE_WIDTH:
            return FLAGGED
        return SHOWN

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
        """Dummies of every raking category (first category of each dimension left out) plus a constant. With the
        delivery's own weights only the constant: treated as fixed weights, no precision is credited to a
        calibration the book did not do."""
        constant = np.ones((len(self.data), 1))
        if not self.margins or self.weighting.source:  # the file's own weights: how they were made is unknown
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
        if self.codebook and variable in self.codebook.variables and (problem := self.codebook.subgroup_problem(variable, op, int(value))):
            raise SurveyError(f"subgroup '{spec}': {problem}")
        return _OPS[op](self.data[variable].to_numpy(), float(value))

    def _linearised(self, variable: str, codes: tuple[int, ...], domain: np.ndarray) -> tuple[float, np.ndarray, int]:
        """Share of `codes` among respondents in `domain` who were asked; calibrated linearised values."""
        shares, z, counts = self._linearised_domains(variable, codes, [domain])
        return float(shares[0]), z[:, 0], int(counts[0])

    def _linearised_domains(self, variable: str, codes: tuple[int, ...], domains: list[np.ndarray]):
        """Per domain: the share of `codes` among its respondents who were asked, its calibrated linearised values
        (one column each) and its unweighted n."""
        values = self.data[variable].to_numpy()
        bases = np.column_stack(domains) & ~np.isnan(values)[:, None]
        counts = bases.sum(axis=0)
        if (counts == 0).any():
            raise SurveyError(f"{self.path}: no respondents answered '{variable}' in this subgroup")
        y = np.isin(values, codes).astype(float)
        shares, z = self._calibrated_means(np.broadcast_to(y[:, None], bases.shape), bases)
        return shares, z, counts

    def _calibrated_means(self, y: np.ndarray, bases: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Weighted means of the columns of `y` over the respondents of each column's base, and their calibrated
        linearised values. One regression for all columns: they are independent."""
        w = self.weights
        totals = w @ bases
        means = (w[:, None] * y * bases).sum(axis=0) / totals
        u = np.where(bases, (y - means) / totals, 0.0)
        coef = self.calibration_solver @ (u * np.sqrt(w)[:, None])
        return means, w[:, None] * (u - self.calibration_matrix @ coef)

    def _covariance(self, z: np.ndarray) -> np.ndarray:
        n = len(z)
        return n / (n - 1) * z.T @ z

    def estimate(self, variable: str, codes, subgroup: str | None = None) -> Estimate:
        share, z, n = self._linearised(variable, _as_codes(codes), self.subgroup(subgroup))
        return _estimate(share, float(self._covariance(z[:, None])[0, 0]), n)

    def _group_covariance(self, variable: str, codes, groups: list) -> tuple[np.ndarray, np.ndarray, int]:
        shares, z, _ = self._linearised_domains(variable, _as_codes(codes), [self.subgroup(g) for g in groups])
        return shares, self._covariance(z), len(z)

    def estimate_groups(self, variable: str, codes, groups: list) -> list[Estimate | None]:
        """The estimate of every subgroup (None where nobody in it was asked), computed in one pass, so a table of
        many groups stays quick."""
        asked = ~np.isnan(self.data[variable].to_numpy())
        masks = [self.subgroup(g) for g in groups]
        present = [i for i, m in enumerate(masks) if (m & asked).any()]
        found: list[Estimate | None] = [None] * len(groups)
        if not present:
            return found
        shares, cov, _ = self._group_covariance(variable, codes, [masks[i] for i in present])
        for column, i in enumerate(present):
            found[i] = _estimate(float(shares[column]), float(cov[column, column]), int((masks[i] & asked).sum()))
        return found

    def compare_distributions(self, variable: str, groups: list, codes=None) -> GroupTest | None:
        """Rao–Scott test that the whole distribution of `variable` (every answer, 'weet niet' included; with `codes`:
        those answers against the rest) is the same in every group, among respondents of the groups who were asked:
        one verdict per question and breakdown.

        As R's svychisq(statistic = "F"): Pearson's X² of the weighted table divided by the mean generalised design
        effect, referred to F(d, d·df) with d from the spread of the design effects (second-order correction) and
        df = n - 1 (every respondent its own sampling unit). Answers nobody in the groups gave and groups nobody in
        was asked are left out; None when fewer than two of either remain. A group at 0% or 100% of an answer needs
        no variance of its own (the design effects compare whole tables), so it cannot inflate the statistic."""
        values = self.data[variable].to_numpy()
        if codes is not None:
            values = np.where(np.isnan(values), np.nan, np.isin(values, _as_codes(codes)))
        masks = [self.subgroup(g) & ~np.isnan(values) for g in groups]
        masks = [m for m in masks if m.any()]
        domain = np.logical_or.reduce(masks) if masks else np.zeros(len(values), dtype=bool)
        answers = [a for a in np.unique(values[domain]) if self.weights[domain & (values == a)].sum() > 0]
        r, c = len(answers), len(masks)
        if r < 2 or c < 2:
            return None
        # cells with the answer varying fastest, as R's expand.grid(rows, cols)
        cells = np.column_stack([(values == a) & m for m in masks for a in answers]).astype(float)
        mean, z = self._calibrated_means(cells, np.broadcast_to(domain[:, None], cells.shape))
        n_domain = int(domain.sum())
        table = mean.reshape(c, r).T
        expected = np.outer(table.sum(axis=1), table.sum(axis=0))
        pearson = n_domain * float(((table - expected) ** 2 / expected).sum())
        rows, cols = np.tile(np.arange(r), c), np.repeat(np.arange(c), r)
        row_d = (rows[:, None] == np.arange(1, r)).astype(float)
        col_d = (cols[:, None] == np.arange(1, c)).astype(float)
        main = np.column_stack([np.ones(r * c), row_d, col_d])
        interaction = np.column_stack([row_d[:, i] * col_d[:, j] for j in range(c - 1) for i in range(r - 1)])
        contrasts = interaction - main @ np.linalg.lstsq(main, interaction, rcond=None)[0]
        inverse = np.diag(np.where(mean > 0, 1 / np.where(mean > 0, mean, 1), 0.0))
        srs = contrasts.T @ inverse @ contrasts / n_domain
        design = contrasts.T @ inverse @ self._covariance(z) @ inverse @ contrasts
        delta = np.linalg.lstsq(srs, design, rcond=None)[0]
        trace = float(np.trace(delta))
        if trace <= 0:
            return None
        d = trace**2 / float(np.trace(delta @ delta))
        df = len(values) - 1
        from scipy.special import fdtrc

        statistic = pearson / trace
        return GroupTest(statistic, d, d * df, float(fdtrc(d, d * df, statistic)))

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
    df1: float  # Rao–Scott's degrees of freedom are not whole numbers
    df2: float
    p_value: float


def _estimate(share: float, variance: float, n: int) -> Estimate:
    """The share with its Korn–Graubard 95% interval: Clopper–Pearson on the effective sample size (as R's
    svyciprop(method = "beta")). The effective n is capped at n, and is n at 0% and 100%, where the estimated
    variance is zero (NCHS). Korn and Graubard also scale it by (t[n-1] / t[df])²; with every respondent its own
    sampling unit a domain has about n - 1 degrees of freedom, so that factor is 1 here."""
    n_eff = float(n) if share <= 0 or share >= 1 or variance <= 0 else min(float(n), share * (1 - share) / variance)
    from scipy.special import betaincinv  # the beta quantile; scipy.stats would add 0.7 s of imports

    x = share * n_eff
    lower = 0.0 if share <= 0 else float(betaincinv(x, n_eff - x + 1, ALPHA / 2))
    upper = 1.0 if share >= 1 else float(betaincinv(x + 1, n_eff - x, 1 - ALPHA / 2))
    return Estimate(share, lower, upper, n, n_eff)
