"""Where the book's data lives. The survey file is one setting: the PZ_SURVEY environment variable."""
import os
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
STANDIN_SURVEY = DATA / "participatiezekerheid_2019.sav"
SURVEY_SETTING = "PZ_SURVEY"  # the environment variable that names the survey file
# names the checked, weighted survey the build's check kept for the notebook kernels (pzboek/data.py)
PREPARED_SURVEY = "PZBOEK_PREPARED_SURVEY"


def survey_path() -> Path:
    """The configured survey file: $PZ_SURVEY if set (relative to the book's root), else the stand-in; normalised,
    so that `a.sav`, `./a.sav` and its full path are one setting."""
    configured = os.environ.get(SURVEY_SETTING)
    return Path(os.path.normcase((ROOT / configured).resolve())) if configured else STANDIN_SURVEY
