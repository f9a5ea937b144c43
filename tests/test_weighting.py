"""Raking meets the population margins and its diagnostics are what they claim."""
import numpy as np
import pytest

from pzboek.survey import SurveyError
from pzboek.weighting import WEIGHT_CAP, load_margins, rake_to_margins, weighting_frame


def test_weighted_margins_match_targets_within_a_tenth_point(survey):
    frame = weighting_frame(survey.data, survey.margins)
    w = survey.weighting.weights
    for margin in survey.margins:
        for code, target in margin.shares.items():
            share = w[frame[margin.dimension] == code].sum() / w.sum()
            assert abs(share - target) < 0.001, (margin.dimension, code, share, target)
    assert survey.weighting.converged


def test_raw_sample_is_skewed_so_weighting_matters(survey):
    frame = weighting_frame(survey.data, survey.margins)
    assert (frame["leeftijdsgroep"] == 3).mean() > 0.30  # population 23.8%
    assert (frame["opleiding"] == 3).mean() > 0.36  # population 32.0%
    assert survey.weighting.design_effect > 1.05


def test_design_effect_and_effective_n_follow_kish(survey):
    w = survey.weights
    deff = len(w) * (w**2).sum() / w.sum() ** 2
    assert survey.weighting.design_effect == pytest.approx(deff)
    assert survey.weighting.effective_n == pytest.approx(len(w) / deff)


def test_weights_are_trimmed_at_the_cap(survey):
    data = survey.data.copy()
    # ten young, low-educated respondents stand in for a group that is 8x too small
    young_low = (data["leeftijd"] < 40) & (data["opleiding"] == 1)
    data = data[~young_low | (young_low.cumsum() <= 10)]
    weighting = rake_to_margins(data, load_margins())
    assert weighting.weights.max() <= WEIGHT_CAP + 1e-3
    assert weighting.weights.mean() == pytest.approx(1)


def test_margin_category_without_respondents_blames_the_survey_file(survey):
    """A file without anyone in Noord cannot be weighted: the survey file is at fault, not data/margins.yml."""
    data = survey.data[survey.data["landsdeel"] != 1]
    with pytest.raises(SurveyError, match=r"^levering\.sav: no respondent is in 'landsdeel' category 1 \(variable "
                                          r"'landsdeel'\), which .*margins\.yml weights to 10\.0%"):
        rake_to_margins(data, load_margins(), "levering.sav")


def test_margins_file_records_source_and_kind():
    for margin in load_margins():
        assert margin.kind in {"bron", "afgeleid", "proxy"}
        assert margin.source and margin.reference_date
        assert sum(margin.shares.values()) == pytest.approx(1)


def _with_weight_variable(raw_standin, weights):
    from dataclasses import replace

    from pzboek.survey import load_codebook

    return raw_standin.assign(weegfactor=weights), replace(load_codebook(), weight_variable="weegfactor")


@pytest.mark.parametrize("weights, message", [
    (None, "weight variable 'weegfactor' (gewicht in data/codebook.yml) is missing in the file"),
    (lambda n: np.r_[0.0, np.ones(n - 1)], "weight variable 'weegfactor' is 0.0 for respondent"),
    (lambda n: np.r_[-1.0, np.ones(n - 1)], "is -1.0 for respondent"),
    (lambda n: np.r_[np.nan, np.ones(n - 1)], "is nan for respondent"),
    (lambda n: np.full(n, 3.0), "sums to 3,012.0, neither the number of respondents (1004) nor the adult population"),
])
def test_a_bad_weight_variable_is_one_line(raw_standin, weights, message, tmp_path):
    from pzboek.survey import weight_problems

    data, codebook = _with_weight_variable(raw_standin, weights(len(raw_standin)) if weights else 1.0)
    if weights is None:
        data = data.drop(columns="weegfactor")
    found = weight_problems(data, codebook, tmp_path / "levering.sav")
    assert len(found) == 1 and found[0].startswith(f"{tmp_path / 'levering.sav'}: ") and message in found[0], found


def test_the_files_own_weights_replace_raking_and_the_verantwoording_says_so(raw_standin, tmp_path):
    """Weights summing to the adult population are used as delivered (scaled to mean 1), their gap to the margins
    reported; the variance treats them as fixed; the Verantwoording names the variable instead of raking."""
    from pzboek import appendix
    from pzboek.estimates import WeightedSurvey
    from pzboek.survey import weight_problems
    from pzboek.weighting import file_weights, load_margins

    rng = np.random.default_rng(1)
    delivered = rng.uniform(0.5, 2.0, len(raw_standin))
    data, codebook = _with_weight_variable(raw_standin, delivered / delivered.sum() * 13_900_000)
    assert weight_problems(data, codebook, tmp_path / "levering.sav") == []
    weighting = file_weights(data, load_margins(), "weegfactor", tmp_path / "levering.sav")
    assert weighting.source == "weegfactor" and weighting.weights.mean() == pytest.approx(1.0)
    assert np.allclose(weighting.weights, delivered / delivered.mean())
    assert weighting.max_margin_error > 0.01  # random weights miss the margins, and that is reported, not fixed
    survey = WeightedSurvey(data, weighting, load_margins(), codebook, str(tmp_path / "levering.sav"))
    assert survey.calibration_matrix.shape[1] == 1  # no calibration credited
    text = appendix.weighting_text(survey)
    assert "eigen weegfactor (de variabele `weegfactor`)" in text["weging_methode"] and "raking" not in " ".join(text.values())
    assert "vaste gewichten" in text["variantie_methode"]
    assert "vergelijkt" in appendix.margin_sources(survey) and "heeft gewogen" not in appendix.margin_sources(survey)
