"""The weighted survey as chapters use it: loaded, validated and raked once per build.

The build's check step (pzboek/sphinxext/prepare.py) keeps the checked survey in _build (never in the site) and
names that file in $PZBOEK_PREPARED_SURVEY, which the notebook kernels inherit: each takes that copy instead of
reading and raking the survey file again. Without it (JupyterLab, the tests) the file is loaded here.
"""
from __future__ import annotations

import os
import pickle
from functools import cache
from pathlib import Path

from . import paths
from .estimates import WeightedSurvey
from .survey import load_codebook, load_survey, survey_is_standin
from .weighting import load_margins, weigh


@cache
def load_weighted_survey(path: Path | None = None) -> WeightedSurvey:
    path = Path(path) if path else paths.survey_path()
    prepared = os.environ.get(paths.PREPARED_SURVEY)
    if path == paths.survey_path() and prepared and Path(prepared).exists():
        return pickle.loads(Path(prepared).read_bytes())
    data, codebook, margins = load_survey(path), load_codebook(), load_margins()
    return WeightedSurvey(data, weigh(data, margins, codebook.weight_variable, path), margins, codebook, str(path),
                          survey_is_standin(path))
