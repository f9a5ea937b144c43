"""Write the stand-in survey file: 1,004 respondents whose weighted answers reproduce the report.

The real microdata is not public. This generator draws a panel-like sample (too many older and
higher-educated respondents, as opt-in panels have), rakes it to the population margins, and then assigns
answers so that every weighted percentage in data/published_figures.csv rounds to its published or
reconstructed value. Shares the report never mentions (the rest of each answer scale) are the plausible
assumptions in ANSWER_SHARES below; they exist only in the stand-in file.

    python -m tools.standin [output.sav]
"""
from __future__ import annotations

import itertools
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat

from pzboek import paths
from pzboek.estimates import WeightedSurvey
from pzboek.published import load_published
from pzboek.survey import STANDIN_LABEL, load_codebook
from pzboek.weighting import load_margins, rake_to_margins

SEED = 2019
N = 1004

# Raw sample composition of the simulated panel (before weighting).
RAW_SHARES = {
    "geslacht": {1: 0.53, 2: 0.47},
    "leeftijdsgroep": {1: 0.24, 2: 0.44, 3: 0.32},
    "opleiding": {1: 0.19, 2: 0.38, 3: 0.43},
    "landsdeel": {1: 0.11, 2: 0.22, 3: 0.45, 4: 0.22},
}
AGE_BOUNDS = {1: (18, 39), 2: (40, 64), 3: (65, 89)}
PROVINCES = {1: {1: 0.34, 2: 0.38, 3: 0.28}, 2: {4: 0.32, 5: 0.11, 6: 0.57},
             3: {7: 0.16, 8: 0.35, 9: 0.44, 10: 0.05}, 4: {11: 0.70, 12: 0.30}}

# Full answer distributions (weighted) assumed for the stand-in; published targets override their part.
LIKERT_REST = {1: 0.10, 2: 0.22, 3: 0.55, 9: 0.13}  # how the non-agreeing respondents spread
ANSWER_SHARES = {
    # choose two: the options the report does not name take the rest of the 200% (codebook: not in any figure)
    "uitg": {"uitg_3": 0.30, "uitg_4": 0.18, "uitg_6": 0.12},
    "act": {1: None, 2: 0.8, 9: 0.2},
    "banen_verdwenen": {1: 0.19, 2: 0.74, 9: 0.07},
    "verdwenen_reden": {1: 0.81, 2: 0.07, 3: 0.05, 4: 0.04, 9: 0.03},
    "toekomst_noemt": {1: 0.20, 2: 0.80},
    "toekomst": {"toekomst_migranten": 0.38, "toekomst_ouderen": 0.46, "toekomst_fysiek": 0.34,
                 "toekomst_sociaal": 0.41, "toekomst_controle": 0.17},
    "verantw_klimaat": {1: 0.41, 2: 0.12, 3: 0.22, 4: 0.12, 5: 0.08, 9: 0.05},
    "verantw_werkloosheid": {1: 0.45, 2: 0.18, 3: 0.03, 4: 0.24, 5: 0.04, 9: 0.06},
    "verantw_leefbaarheid": {1: 0.14, 2: 0.47, 3: 0.01, 4: 0.03, 5: 0.30, 9: 0.05},
    "betalen": {1: 0.76, 2: 0.14, 3: 0.06, 9: 0.04},
}
TOLERANCE = 0.002  # stop adjusting once every target is within 0.2 percentage point
ACCEPTABLE = 0.004  # when no move helps any more, each target must still be within 0.4 point (rounds right)


def draw_background(rng: np.random.Generator) -> pd.DataFrame:
    def draw(shares):
        return rng.choice(list(shares), size=N, p=list(shares.values()))

    age_group = draw(RAW_SHARES["leeftijdsgroep"])
    age = np.array([rng.integers(*AGE_BOUNDS[g], endpoint=True) for g in age_group])
    # older panel members are somewhat less often highly educated, as in the population
    education = draw(RAW_SHARES["opleiding"])
    older = (age_group == 3) & (education == 3) & (rng.random(N) < 0.25)
    education[older] = 1
    region = draw(RAW_SHARES["landsdeel"])
    province = np.array([rng.choice(list(PROVINCES[r]), p=list(PROVINCES[r].values())) for r in region])
    return pd.DataFrame({
        "respnr": np.arange(100001, 100001 + N),
        "geslacht": draw(RAW_SHARES["geslacht"]),
        "leeftijd": age,
        "opleiding": education,
        "provincie": province,
        "landsdeel": region,
    }).astype(float)


class AnswerFitter:
    """Assigns answer codes to respondents so that weighted shares hit their targets.

    Starts from a random draw and then repeatedly moves single respondents between answer codes, each
    move chosen (among random candidates) to reduce the squared distance of all targets of the question.
    """

    def __init__(self, survey: WeightedSurvey, rng: np.random.Generator):
        self.survey, self.rng, self.w = survey, rng, survey.weights

    def fit(self, base: np.ndarray, shares: dict[int, float], targets: list[tuple[np.ndarray, tuple, float]]) -> np.ndarray:
        """base: who answers; shares: overall distribution; targets: (subgroup mask, codes, share)."""
        codes = np.array(list(shares))
        p = np.array(list(shares.values()), dtype=float)
        answers = np.full(len(base), np.nan)
        answers[base] = self.rng.choice(codes, size=int(base.sum()), p=p / p.sum())
        masks = [(m & base, np.isin(codes, c), t) for m, c, t in targets]
        w = self.w
        for _ in range(20000):
            errors = np.array([self._share(answers, m, c, codes) - t for m, c, t in masks])
            worst = int(np.argmax(np.abs(errors)))
            if abs(errors[worst]) < TOLERANCE:
                return answers
            mask, inside, _ = masks[worst]
            in_set = np.isin(answers, codes[inside])
            donors = np.flatnonzero(mask & (~in_set if errors[worst] < 0 else in_set))
            pool = codes[inside] if errors[worst] < 0 else codes[~inside]
            pool_p = p[inside] if errors[worst] < 0 else p[~inside]
            best, best_loss = None, (errors**2).sum()
            for i in self.rng.choice(donors, size=min(40, len(donors)), replace=False):
                new = self.rng.choice(pool, p=pool_p / pool_p.sum())
                old, answers[i] = answers[i], new
                loss = sum((self._share(answers, m, c, codes) - t) ** 2 for m, c, t in masks)
                answers[i] = old
                if loss < best_loss:
                    best, best_loss = (i, new), loss
            if best is None:
                if abs(errors[worst]) < ACCEPTABLE:
                    return answers
                break
            answers[best[0]] = best[1]
        raise RuntimeError(f"could not fit answers to targets (largest error {errors[worst]:.4f})")

    def _share(self, answers, mask, inside, codes) -> float:
        w = self.w[mask]
        return float((w * np.isin(answers[mask], codes[inside])).sum() / w.sum())


def _targets(survey: WeightedSurvey, variable: str) -> list[tuple[np.ndarray, tuple, float]]:
    table = load_published()
    # numbers this edition adds are computed, never targets the stand-in is fitted to
    rows = table[(table["variabele"] == variable) & (table["bron"] != "uitgave")].drop_duplicates(["categorie", "subgroep"])
    return [(survey.subgroup(r.subgroep), r.codes, r.waarde / 100) for r in rows.itertuples()]


def generate(seed: int = SEED) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    codebook, margins = load_codebook(), load_margins()
    data = draw_background(rng)
    survey = WeightedSurvey(data, rake_to_margins(data, margins), margins, codebook, "<stand-in>")
    fitter = AnswerFitter(survey, rng)
    everyone = np.ones(N, dtype=bool)

    def fit(variable, shares, base=everyone, targets=None):
        data[variable] = fitter.fit(base, shares, _targets(survey, variable) if targets is None else targets)

    # Figure 1 is a choose-two question: fit the pair each respondent chose, then spread it over dichotomies.
    options = [v for v in codebook.variables if v.startswith("uitg_")]
    pairs = list(itertools.combinations(range(len(options)), 2))
    option_targets = {v: t[0][2] if (t := _targets(survey, v)) else ANSWER_SHARES["uitg"][v] for v in options}
    pair_shares = {k: option_targets[options[a]] * option_targets[options[b]] for k, (a, b) in enumerate(pairs)}
    chosen = fitter.fit(everyone, pair_shares, [
        (everyone, tuple(k for k, pair in enumerate(pairs) if j in pair), option_targets[v])
        for j, v in enumerate(options)
    ])
    for j, v in enumerate(options):
        data[v] = [float(j in pairs[int(k)]) for k in chosen]

    for variable, spec in codebook.variables.items():
        if spec.question is not None and variable.startswith(("act_", "kwestie_", "org_", "fin_")):
            targets = _targets(survey, variable)
            if variable.startswith("act_"):
                fit(variable, {1: targets[0][2], 2: (1 - targets[0][2]) * 0.8, 9: (1 - targets[0][2]) * 0.2})
            elif variable.startswith("kwestie_"):
                fit(variable, {1: targets[0][2], 0: 1 - targets[0][2]})
            else:
                agree = targets[0][2]
                rest = {k: v * (1 - agree) for k, v in LIKERT_REST.items()}
                fit(variable, {4: agree * 0.7, 5: agree * 0.3, **rest})
    for variable in ["banen_verdwenen", "toekomst_noemt", "verantw_klimaat", "verantw_werkloosheid",
                     "verantw_leefbaarheid", "betalen"]:
        fit(variable, ANSWER_SHARES[variable])
    fit("verdwenen_reden", ANSWER_SHARES["verdwenen_reden"], base=(data["banen_verdwenen"] == 1).to_numpy())
    named = (data["toekomst_noemt"] == 1).to_numpy()
    for variable, share in ANSWER_SHARES["toekomst"].items():
        fit(variable, {1: share, 0: 1 - share}, base=named, targets=[(everyone, (1,), share)])
    return data[list(codebook.variables)]


def write_sav(data: pd.DataFrame, path: Path) -> None:
    codebook = load_codebook()
    pyreadstat.write_sav(
        data,
        str(path),
        file_label=STANDIN_LABEL,
        column_labels=[codebook[v].label[:255] for v in data.columns],
        variable_value_labels={v: {float(k): l for k, l in codebook[v].values.items()} for v in data.columns if codebook[v].values},
        missing_ranges={v: sorted(float(c) for c in codebook[v].missing) for v in data.columns if codebook[v].missing},
        variable_measure={v: "scale" if codebook[v].value_range or codebook[v].kind == "id" else "nominal" for v in data.columns},
        variable_format={v: "F8.0" for v in data.columns},
    )


def main(argv: list[str]) -> None:
    target = Path(argv[0]) if argv else paths.STANDIN_SURVEY
    write_sav(generate(), target)
    print(f"wrote {target}")


if __name__ == "__main__":
    main(sys.argv[1:])
