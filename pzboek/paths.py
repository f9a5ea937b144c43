"""Where the book's data lives. The survey file is one setting: `pz_survey` in _config.yml, which the environment
variable PZ_SURVEY overrides."""
from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
CODEBOOK = DATA / "codebook.yml"
MARGINS = DATA / "margins.yml"
PUBLISHED = DATA / "published_figures.csv"
COMPARISONS = DATA / "vergelijkingen.csv"
FIGURES = DATA / "figuren.csv"
PINNED = DATA / "vaste_zinnen.csv"
ERRATA = DATA / "errata.csv"
CHAPTERS = ROOT / "chapters"  # a chapter is named by its file's stem in every data file: 03_overvraagde_overheid
CHAPTER_STEM = re.compile(r"^(\d+)_")  # a report chapter's stem starts with its number: 03_… is chapter 3
STANDIN_SURVEY = DATA / "participatiezekerheid_2019.sav"
CONFIG = ROOT / "_config.yml"
SURVEY_CONFIG = "pz_survey"  # the Sphinx setting (_config.yml) that names the survey file
SURVEY_SETTING = "PZ_SURVEY"  # the environment variable that overrides it
# _config.yml is YAML, but the Makefile's digest (pzboek/sphinxext/inputs.py) reads the survey setting before any
# environment with a YAML parser exists, and the build's launcher reads the executor's before it imports one, so
# they are read by this pattern and must stay on one line; the build stops when Sphinx reads the survey file
# differently (pzboek/sphinxext/__init__.py).
_SETTING_LINE = r"""^[ \t]+{name}:[ \t]*("[^"\n]*"|'[^'\n]*'|[^\s#"']*)[ \t]*(?:#.*)?$"""
# names the checked, weighted survey the build's check kept for the notebook kernels (pzboek/data.py)
PREPARED_SURVEY = "PZBOEK_PREPARED_SURVEY"


def chapter_number(stem: str) -> int:
    """The report's number of a chapter, from its file name (chapters/03_… is chapter 3)."""
    return int(CHAPTER_STEM.match(stem).group(1))


def setting_in_config(name: str, config: Path | None = None) -> str:
    """The value of the Sphinx setting `name`, written on one line in _config.yml ('' when it is not set)."""
    config = config or CONFIG
    line = re.compile(_SETTING_LINE.format(name=re.escape(name)), re.M)
    found = line.search(config.read_text(encoding="utf-8")) if config.is_file() else None
    return found.group(1).strip("\"'") if found else ""


def survey_in_config(config: Path | None = None) -> str:
    """The value of `pz_survey` in _config.yml ('' when it is not set)."""
    return setting_in_config(SURVEY_CONFIG, config)


def survey_path() -> Path:
    """The configured survey file: $PZ_SURVEY if set, else `pz_survey` in _config.yml, else the stand-in; relative
    to the book's root, normalised, so that `a.sav`, `./a.sav` and its full path are one setting."""
    configured = os.environ.get(SURVEY_SETTING) or survey_in_config()
    return Path(os.path.normcase((ROOT / configured).resolve())) if configured else STANDIN_SURVEY
