import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest

from pzboek import paths
from pzboek.data import load_weighted_survey
from tools.standin import write_sav
from pzboek.survey import read_sav

ROOT = paths.ROOT
BIN = Path(sys.executable).parent


@pytest.fixture(scope="session")
def survey():
    return load_weighted_survey(paths.STANDIN_SURVEY)


@pytest.fixture(scope="session")
def raw_standin() -> pd.DataFrame:
    return read_sav(paths.STANDIN_SURVEY)[0]


@pytest.fixture
def write_variant(tmp_path, raw_standin):
    """Write a changed copy of the stand-in file; returns its path."""
    def write(change, name="variant.sav"):
        data = raw_standin.copy()
        data = change(data) if change else data
        path = tmp_path / name
        if set(data.columns) <= set(raw_standin.columns):
            write_sav(data, path)
        else:
            pyreadstat.write_sav(data, str(path))
        return path
    return write


def run_check(survey_file) -> subprocess.CompletedProcess:
    """The build's check step (`python -m pzboek.build`) against another survey file."""
    env = {**os.environ, "PZ_SURVEY": str(survey_file)}
    return subprocess.run([sys.executable, "-m", "pzboek.build"], cwd=ROOT, env=env, capture_output=True,
                          text=True)


@pytest.fixture(scope="session")
def built_book() -> Path:
    """The book built the way CI publishes it (`make pdf`: the site with its PDF edition), into _build/html."""
    env = {**{k: v for k, v in os.environ.items() if k != "PZ_SURVEY"}, "PZ_PDF": "1"}
    result = subprocess.run([str(BIN / "jupyter-book"), "build", ".", "-W", "-n", "--keep-going"],
                            cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return ROOT / "_build" / "html"


@pytest.fixture(scope="session")
def built_pdf(built_book) -> Path:
    """The PDF edition, which the build wrote into the site (pzboek/build/pdf.py)."""
    from pzboek.build.pdf import pdf_name

    assert (built_book / pdf_name()).exists()
    return built_book / pdf_name()
