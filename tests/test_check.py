"""The pre-build step: stale cached notebooks are dropped whenever an input of the numbers changes."""
import shutil

import pytest

from pzboek import check, paths


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    """check.main() working on copies of the data files, with its own stamp and cache folders."""
    data = tmp_path / "data"
    shutil.copytree(paths.DATA, data)
    for name in ["CODEBOOK", "MARGINS", "PUBLISHED", "COMPARISONS", "STANDIN_SURVEY"]:
        monkeypatch.setattr(paths, name, data / getattr(paths, name).name)
    monkeypatch.delenv("PZ_SURVEY", raising=False)
    monkeypatch.setattr(check, "BUILD", tmp_path / "_build")
    monkeypatch.setattr(check, "STAMP", tmp_path / "_build" / ".inputs-digest")
    monkeypatch.setattr(check, "JUPYTER_CACHE", tmp_path / "_build" / ".jupyter_cache")
    monkeypatch.setattr(check, "SPHINX_DOCTREES", tmp_path / "_build" / ".doctrees")
    monkeypatch.setattr(check, "ASSETS", tmp_path / "_build" / ".assets")
    monkeypatch.setattr(check, "check_inputs", lambda: None)
    monkeypatch.setattr(check, "write_assets", lambda digest: check.ASSETS.mkdir(parents=True, exist_ok=True))
    runs = []

    def execute(notebooks, before):
        before()
        runs.append(len(notebooks))
    monkeypatch.setattr(check, "execute_notebooks", execute)
    check.main()
    for folder in (check.JUPYTER_CACHE, check.SPHINX_DOCTREES):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "marker").write_text("from the last build")
    return data, runs


def cache_survives() -> bool:
    kept = [(folder / "marker").exists() for folder in (check.JUPYTER_CACHE, check.SPHINX_DOCTREES)]
    assert kept[0] == kept[1], "notebook cache and Sphinx doctrees must be dropped together"
    return kept[0]


def test_nothing_changed_keeps_the_cache_and_runs_nothing(sandbox):
    _, runs = sandbox
    assert check.main() == 0
    assert cache_survives() and runs == [len(check.book_notebooks())]


@pytest.mark.parametrize("name", ["participatiezekerheid_2019.sav", "codebook.yml", "margins.yml",
                                  "published_figures.csv", "vergelijkingen.csv"])
def test_changed_data_file_clears_the_cache(sandbox, name):
    data, _ = sandbox
    with open(data / name, "ab") as handle:
        handle.write(b"\n" if name.endswith((".yml", ".csv")) else b"\0")
    assert check.main() == 0
    assert not cache_survives()


def test_changed_package_clears_the_cache(sandbox, monkeypatch):
    digest = check.inputs_digest()
    monkeypatch.setattr(check, "inputs_digest", lambda: digest[::-1])
    check.main()
    assert not cache_survives()


def test_other_survey_file_clears_the_cache(sandbox, tmp_path, monkeypatch):
    other = tmp_path / "echt.sav"
    shutil.copy(paths.STANDIN_SURVEY, other)
    monkeypatch.setenv("PZ_SURVEY", str(other))
    check.main()
    assert not cache_survives()


def test_missing_assets_are_written_again_without_clearing_the_cache(sandbox):
    _, runs = sandbox
    shutil.rmtree(check.ASSETS)
    assert check.main() == 0
    assert check.ASSETS.exists() and cache_survives() and runs == [len(check.book_notebooks())]


def test_bad_inputs_stop_before_any_notebook_and_keep_the_cache(sandbox, monkeypatch, capsys):
    data, runs = sandbox
    from pzboek.survey import SurveyError

    def bad():
        raise SurveyError(f"{data / 'participatiezekerheid_2019.sav'}: variable 'opleiding' has value 7")
    monkeypatch.setattr(check, "check_inputs", bad)
    with open(data / "codebook.yml", "a") as handle:
        handle.write("\n")
    assert check.main() == 1
    assert capsys.readouterr().err.count("\n") == 1  # one line
    assert runs == [len(check.book_notebooks())]  # only the first, good build ran notebooks
    assert cache_survives()
