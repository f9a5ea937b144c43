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


def test_margin_category_without_respondents_is_an_error(survey):
    data = survey.data[survey.data["landsdeel"] != 1]
    with pytest.raises(SurveyError, match="'landsdeel' category 1 has no respondents"):
        rake_to_margins(data, load_margins())


def test_margins_file_records_source_and_kind():
    for margin in load_margins():
        assert margin.kind in {"bron", "afgeleid", "proxy"}
        assert margin.source and margin.reference_date
        assert sum(margin.shares.values()) == pytest.approx(1)
