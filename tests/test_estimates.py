"""Intervals and tests: checked against closed forms and an independent bootstrap with re-raking."""
import json
import re

import numpy as np
import pandas as pd
import pytest

from pzboek.charts import figure_table
from pzboek.estimates import WeightedSurvey
from pzboek.weighting import Weighting, load_margins, rake_to_margins


def equal_weight_survey(values: dict) -> WeightedSurvey:
    data = pd.DataFrame(values, dtype=float)
    weighting = Weighting(pd.Series(1.0, index=data.index), 0.0, True)
    return WeightedSurvey(data, weighting, (), None, "<test>")


def test_equal_weights_without_calibration_give_the_binomial_variance():
    rng = np.random.default_rng(1)
    survey = equal_weight_survey({"y": rng.integers(0, 2, 400)})
    est = survey.estimate("y", 1)
    p, n = est.share, 400
    se = np.sqrt(p * (1 - p) / (n - 1))
    logit_half = 1.959964 * se / (p * (1 - p))
    centre = np.log(p / (1 - p))
    assert est.lower == pytest.approx(1 / (1 + np.exp(-(centre - logit_half))), abs=1e-9)
    assert est.upper == pytest.approx(1 / (1 + np.exp(-(centre + logit_half))), abs=1e-9)


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


def test_small_subgroups_are_flagged(survey):
    data = survey.data
    low = data.index[data["opleiding"] == 1]
    subset = data.drop(low[40:]).reset_index(drop=True)  # 40 low-educated respondents left
    margins = load_margins()
    small = WeightedSurvey(subset, rake_to_margins(subset, margins), margins, survey.codebook, "<small>")
    assert small.estimate("org_overheid", (4, 5), "opleiding=1").small_base
    table = figure_table(small, "5")
    flagged = table[table["groep"] == "laag"]["label"]
    assert flagged.str.endswith("†").all()
    assert not table[table["groep"] == "hoog"]["label"].str.contains("†").any()


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
