"""Intervals and tests: checked against closed forms and an independent bootstrap with re-raking."""
import json
import re

import numpy as np
import pandas as pd
import pytest

from pzboek.charts import figure_table
from pzboek.published import load_published
from pzboek.estimates import Estimate, WeightedSurvey
from pzboek.weighting import Weighting, load_margins, rake_to_margins


def equal_weight_survey(values: dict) -> WeightedSurvey:
    data = pd.DataFrame(values, dtype=float)
    weighting = Weighting(pd.Series(1.0, index=data.index), 0.0, True)
    return WeightedSurvey(data, weighting, (), None, "<test>")


def test_equal_weights_give_the_clopper_pearson_interval_on_the_effective_n():
    """Without calibration the linearised variance is p(1-p)/(n-1), so the effective n is n - 1 and the
    Korn–Graubard interval is Clopper–Pearson's beta quantiles on it (checked with scipy.stats' beta)."""
    from scipy.stats import beta

    rng = np.random.default_rng(1)
    survey = equal_weight_survey({"y": rng.integers(0, 2, 400)})
    est = survey.estimate("y", 1)
    n_eff = 399
    x = est.share * n_eff
    assert est.n_eff == pytest.approx(n_eff)
    assert est.lower == pytest.approx(beta.ppf(0.025, x, n_eff - x + 1), abs=1e-9)
    assert est.upper == pytest.approx(beta.ppf(0.975, x + 1, n_eff - x), abs=1e-9)


@pytest.mark.parametrize("yes,expected", [(0, (0.0, 0.5218)), (5, (0.4782, 1.0)), (2, (0.0527, 0.8534))])
def test_five_respondents_give_the_published_exact_interval(yes, expected):
    """0, 5 and 2 of 5: the exact binomial intervals of the tables (0–52,2%, 47,8–100%, 5,3–85,3%); never zero-width.
    At 0% and 100% the variance is zero and the effective n is n (NCHS); 2 of 5 is scaled by n/(n-1), as above."""
    survey = equal_weight_survey({"y": [1.0] * yes + [0.0] * (5 - yes)})
    est = survey.estimate("y", 1)
    if yes in (0, 5):
        assert (est.lower, est.upper) == pytest.approx(expected, abs=1e-4)
    else:
        assert est.n_eff == pytest.approx(4) and est.lower < expected[0] and est.upper > expected[1]
    assert est.upper > est.lower
    assert est.presentation == "onderdrukt"  # five respondents are never enough to show a percentage


@pytest.mark.parametrize("share,lower,upper,n,n_eff,shown", [
    (0.40, 0.37, 0.43, 1000, 900, "tonen"),        # narrow
    (0.40, 0.30, 0.50, 100, 29.5, "onderdrukt"),   # effective n below 30
    (0.40, 0.20, 0.50, 100, 60, "onderdrukt"),     # interval 30 points wide
    (0.05, 0.01, 0.12, 100, 60, "onderdrukt"),     # relative width 220%
    (0.00, 0.00, 0.04, 100, 100, "tonen"),         # 0% with an interval of at most 5 points
    (0.00, 0.00, 0.10, 40, 40, "onderdrukt"),      # 0% with a wider interval: relative width unbounded
    (0.95, 0.86, 0.99, 60, 60, "indicatief"),      # shown, but its complement would fail (13 / 5 = 260%)
])
def test_nchs_presentation_rules(share, lower, upper, n, n_eff, shown):
    assert Estimate(share, lower, upper, n, n_eff).presentation == shown


@pytest.mark.parametrize("empty_cell,tolerance", [(False, 1e-6), (True, 0.05)])
def test_rao_scott_agrees_with_pearson_under_simple_random_sampling(empty_cell, tolerance):
    """Equal weights, no calibration: every design effect is n/(n-1), so the Rao–Scott F is Pearson's X² (scipy's
    chi2_contingency) times (n-1)/n over its degrees of freedom, exactly. With a group at 0% of one answer the cell's
    zero is left out of the design-effect matrix (as R's svychisq does), so it holds only approximately."""
    from scipy.stats import chi2_contingency

    rng = np.random.default_rng(3)
    group = np.repeat([1.0, 2.0, 3.0], [60, 80, 40])
    answer = rng.integers(1, 4, 180).astype(float)
    if empty_cell:
        answer[(group == 3) & (answer == 3)] = 2  # nobody in group 3 gives answer 3
    survey = equal_weight_survey({"y": answer, "g": group})
    test = survey.compare_distributions("y", ["g=1", "g=2", "g=3"])
    chi2, p, dof, _ = chi2_contingency(pd.crosstab(answer, group).to_numpy(), correction=False)
    assert test.df1 == pytest.approx(dof, rel=tolerance)
    assert test.statistic * dof == pytest.approx(chi2 * 179 / 180, rel=tolerance)
    assert test.p_value == pytest.approx(p, rel=max(tolerance, 0.01) * 2)


def test_a_group_at_100_percent_does_not_make_a_difference_significant():
    """15 respondents all 'ja' against 85% of 200: a Wald test with the group's own (zero) variance reports
    p < 0,001; the Rao–Scott test gives Pearson's p (about 0,09)."""
    from scipy.stats import chi2_contingency

    yes = np.r_[np.ones(15), np.ones(170), np.zeros(30)]
    group = np.r_[np.ones(15), np.full(200, 2.0)]
    survey = equal_weight_survey({"y": yes, "g": group})
    assert survey.compare_groups("y", 1, ["g=1", "g=2"]).p_value < 0.001  # the failure this replaces
    test = survey.compare_distributions("y", ["g=1", "g=2"])
    p = chi2_contingency([[15, 0], [170, 30]], correction=False)[1]
    assert test.p_value == pytest.approx(p, rel=0.1) and test.p_value > 0.05
    assert survey.compare_distributions("y", ["g=1", "g=2"], codes=1).p_value == pytest.approx(test.p_value)


def test_one_group_or_one_answer_cannot_be_tested():
    survey = equal_weight_survey({"y": np.ones(20), "g": np.repeat([1.0, 2.0], 10)})
    assert survey.compare_distributions("y", ["g=1", "g=2"]) is None
    assert survey.compare_distributions("y", ["g=1", "g=3"]) is None


def test_two_group_wald_test_matches_the_closed_form():
    # group 1: 30 of 100 say yes; group 2: 50 of 100
    y = np.r_[np.ones(30), np.zeros(70), np.ones(50), np.zeros(50)]
    g = np.r_[np.ones(100), np.full(100, 2)]
    survey = equal_weight_survey({"y": y, "g": g})
    test = survey.compare_groups("y", 1, ["g=1", "g=2"])
    n = 200
    variance = n / (n - 1) * (0.3 * 0.7 / 100 + 0.5 * 0.5 / 100)
    assert test.statistic == pytest.approx(0.2**2 / variance)
    assert (test.df1, test.df2) == (1, 199)
    assert test.p_value == pytest.approx(0.0037, abs=5e-4)


def test_identical_groups_are_not_significant():
    y = np.tile([1, 0, 0, 1, 1], 40).astype(float)
    survey = equal_weight_survey({"y": y, "g": np.repeat([1.0, 2.0], 100)})
    assert survey.compare_groups("y", 1, ["g=1", "g=2"]).p_value > 0.5


@pytest.mark.slow  # a kernel, a build or a bootstrap of its own
@pytest.mark.parametrize("variable,codes,subgroup", [
    ("betalen", (1,), ""), ("org_burgers", (4, 5), "opleiding=3"), ("banen_verdwenen", (1,), "")])
def test_linearised_standard_error_agrees_with_a_bootstrap_with_reraking(survey, variable, codes, subgroup):
    rng = np.random.default_rng(7)
    margins = load_margins()
    data = survey.data
    replicates = []
    for _ in range(200):
        sample = data.iloc[rng.integers(0, len(data), len(data))].reset_index(drop=True)
        boot = WeightedSurvey(sample, rake_to_margins(sample, margins), margins, survey.codebook, "<boot>")
        replicates.append(boot.estimate(variable, codes, subgroup).share)
    bootstrap_se = np.std(replicates, ddof=1)
    est = survey.estimate(variable, codes, subgroup)
    linearised_se = (est.upper - est.lower) / (2 * 1.96)  # close to symmetric away from 0 and 1
    assert linearised_se == pytest.approx(bootstrap_se, rel=0.2)


def test_weighting_widens_intervals_compared_with_equal_weights(survey):
    flat = WeightedSurvey(survey.data, Weighting(pd.Series(1.0, index=survey.data.index), 0, True), (), None, "")
    weighted = survey.estimate("fin_winsten", (4, 5), "opleiding=1")
    unweighted = flat.estimate("fin_winsten", (4, 5), "opleiding=1")
    assert weighted.upper - weighted.lower > unweighted.upper - unweighted.lower


def test_uncertain_subgroups_are_flagged_in_figures(survey):
    data = survey.data
    low = data.index[data["opleiding"] == 1]
    subset = data.drop(low[40:]).reset_index(drop=True)  # 40 low-educated respondents left
    margins = load_margins()
    small = WeightedSurvey(subset, rake_to_margins(subset, margins), margins, survey.codebook, "<small>")
    assert small.estimate("org_overheid", (4, 5), "opleiding=1").presentation != "tonen"
    table = figure_table(small, "5")
    rows = load_published().query("figuur == '5'")
    uncertain = {(small.codebook[r.variabele].label if not r.label else r.label, r.subgroep)
                 for r in rows.itertuples() if small.estimate(r.variabele, r.codes, r.subgroep).presentation != "tonen"}
    assert uncertain and all(s.startswith("opleiding=1") for _, s in uncertain)
    flagged = table["label"].str.endswith("†")
    assert flagged.sum() == len(uncertain) and set(table.loc[flagged, "groep"]) == {"laag"}


def test_build_output_holds_no_respondent_level_data(built_book):
    files = [p for p in built_book.rglob("*") if p.is_file()]
    assert not [p for p in files if p.suffix in {".sav", ".parquet", ".pkl", ".feather", ".dta", ".xlsx"}]
    for csv in [p for p in files if p.suffix == ".csv"]:
        assert len(csv.read_text(encoding="utf-8-sig").splitlines()) <= 31, csv
    for page in built_book.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "respnr" not in html, page
        for spec in re.findall(r'<script type="application/json" class="pz-spec">(.*?)</script>', html, re.S):
            datasets = json.loads(spec.replace("<\\/", "</")).get("datasets", {})
            assert sum(len(rows) for rows in datasets.values()) <= 30, page


def test_group_test_over_the_rounding_of_printed_numbers(survey):
    """79% against 74% may be 4 to 6 points apart; with the file's group sizes p then spans 0,05."""
    found = survey.compare_within_rounding("betalen", (1,), ["geslacht=1", "geslacht=2"], [79, 74])
    assert found.difference_low == pytest.approx(0.04) and found.difference_high == pytest.approx(0.06)
    assert found.p_low < 0.05 < found.p_high
    exact = survey.compare_groups("betalen", (1,), ["geslacht=1", "geslacht=2"]).p_value
    assert found.p_low <= exact <= found.p_high
    # printed numbers that may be equal leave every p up to 1
    assert survey.compare_within_rounding("betalen", (1,), ["geslacht=1", "geslacht=2"], [76, 76]).p_high == pytest.approx(1)
