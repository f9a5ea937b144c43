"""`make check` (pzboek/check.py): a data owner's check of the configured file, without building: every problem at
once, one line each, a summary, exit 1 on any problem."""
import os
import subprocess
import sys
from pathlib import Path

import pyreadstat
import pytest

from pzboek import paths
from pzboek.survey import load_codebook
from tools.standin import write_sav


def check(survey_file) -> subprocess.CompletedProcess:
    env = {**os.environ, "PZ_SURVEY": str(survey_file)}
    return subprocess.run([sys.executable, "-m", "pzboek.check"], cwd=paths.ROOT, env=env, capture_output=True,
                          text=True)


def test_the_stand_in_passes_with_a_summary():
    result = check(paths.STANDIN_SURVEY)
    assert result.returncode == 0 and not result.stderr, result.stderr
    assert "1004 respondents, 37 of 37 codebook variables matched" in result.stdout
    assert "extra variables ignored (0)" in result.stdout and "no problems" in result.stdout


def test_every_problem_is_listed_at_once(write_variant):
    def damage(d):
        d.loc[3, "opleiding"] = 7
        d.loc[4, "opleiding"] = 9
        d.loc[0, "leeftijd"] = 16
        return d.drop(columns=["betalen"])
    bad = write_variant(damage)
    result = check(bad)
    errors = result.stderr.splitlines()
    assert result.returncode == 1
    assert errors == [f"error: {bad}: variable 'betalen' from the codebook is missing in the file",
                      f"error: {bad}: variable 'leeftijd' has value 16, which is not in the codebook",
                      f"error: {bad}: variable 'opleiding' has value 7, which is not in the codebook",
                      f"error: {bad}: variable 'opleiding' has value 9, which is not in the codebook"], errors
    assert "36 of 37 codebook variables matched" in result.stdout and "4 problem(s)" in result.stdout


def test_a_delivery_with_its_own_variables_passes_and_lists_them(write_variant):
    extra = write_variant(lambda d: d.assign(weegfactor=1.0, duur_interview=12.0))
    result = check(extra)
    assert result.returncode == 0, result.stderr
    assert "extra variables ignored (2): weegfactor, duur_interview" in result.stdout


def _renamed(tmp_path, raw_standin, rename) -> Path:
    """The stand-in with its variables renamed, value labels and user-missing codes kept under the new names."""
    path = tmp_path / "bureau.sav"
    write_sav(raw_standin, path)
    data, meta = pyreadstat.read_sav(str(path), user_missing=True)
    data = rename(data)
    names = dict(zip(meta.column_names, data.columns))
    pyreadstat.write_sav(data, str(path), column_labels=[*meta.column_labels, *data.columns[len(names):]],
                         variable_value_labels={names[k]: v for k, v in meta.variable_value_labels.items()},
                         missing_ranges={names[k]: v for k, v in meta.missing_ranges.items()})
    return path


def test_variable_names_in_another_case_are_the_codebooks_as_in_spss(tmp_path, raw_standin):
    """SPSS reads LEEFTIJD, Leeftijd and leeftijd as one name: an agency's spelling is matched, and listed."""
    path = _renamed(tmp_path, raw_standin, lambda d: d.rename(columns={"leeftijd": "LEEFTIJD", "geslacht": "Geslacht"}))
    result = check(path)
    assert result.returncode == 0, result.stderr
    assert "1004 respondents, 37 of 37 codebook variables matched" in result.stdout
    assert "names matched ignoring case, as SPSS does (2): Geslacht = geslacht, LEEFTIJD = leeftijd" in result.stdout
    assert "extra variables ignored (0)" in result.stdout


def test_two_names_that_differ_only_in_case_are_one_line(tmp_path, raw_standin):
    path = _renamed(tmp_path, raw_standin, lambda d: d.assign(LEEFTIJD=d["leeftijd"]))
    result = check(path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"error: {path}: variables 'leeftijd' and 'LEEFTIJD' differ only in case, which SPSS reads as one name "
        f"('leeftijd' in data/codebook.yml): keep one"]


def test_a_file_whose_labels_differ_from_the_codebook_is_refused(tmp_path, raw_standin):
    """geslacht labelled 1 = vrouw, 2 = man: the numbers would be published under the wrong words."""
    codebook = load_codebook()
    path = tmp_path / "omgekeerd.sav"
    write_sav(raw_standin, path)
    data, meta = pyreadstat.read_sav(str(path), user_missing=True)
    labels = dict(meta.variable_value_labels)
    labels["geslacht"] = {1.0: codebook.variables["geslacht"].values[2], 2.0: codebook.variables["geslacht"].values[1]}
    labels["opleiding"] = {k: f"  {v.upper()} " for k, v in labels["opleiding"].items()}  # case, spacing: the same
    pyreadstat.write_sav(data, str(path), variable_value_labels=labels, missing_ranges=meta.missing_ranges)
    result = check(path)
    assert result.returncode == 1
    errors = result.stderr.splitlines()
    assert len(errors) == 2 and all("variable 'geslacht' code" in e and "in data/codebook.yml" in e for e in errors), errors
    assert "value label differences: 2" in result.stdout


def test_a_known_label_difference_is_accepted_through_bestandslabels(tmp_path):
    """The codebook's `bestandslabels` names the label a delivery uses for a code (e.g. an agency's spelling)."""
    from dataclasses import replace
    from types import SimpleNamespace

    from pzboek.survey import Codebook, label_problems

    codebook = load_codebook()
    meta = SimpleNamespace(variable_value_labels={"geslacht": {1.0: "Mannelijk", 2.0: codebook.variables["geslacht"].values[2]}})
    assert len(label_problems(meta, codebook, tmp_path / "x.sav")) == 1
    accepting = Codebook({**codebook.variables, "geslacht": replace(codebook.variables["geslacht"],
                                                                   file_labels={1: "mannelijk"})},
                         codebook.questions, codebook.id_variable)
    assert label_problems(meta, accepting, tmp_path / "x.sav") == []


def test_a_path_that_is_no_survey_file_is_one_line(tmp_path):
    """A folder, a missing file and the same file written two ways: one line each, never a traceback."""
    for configured, expected in [(tmp_path, "is a folder"), (tmp_path / "nergens.sav", "survey file not found")]:
        result = check(configured)
        assert result.returncode == 1 and result.stderr.splitlines() == [
            f"error: {configured}: {result.stderr.split(': ', 2)[2].strip()}"], result.stderr
        assert expected in result.stderr and "Traceback" not in result.stderr


def test_equal_paths_are_one_setting(monkeypatch):
    from pzboek.sphinxext import inputs

    monkeypatch.setenv("PZ_SURVEY", "data/participatiezekerheid_2019.sav")
    relative = inputs.digest("results")
    monkeypatch.setenv("PZ_SURVEY", "./data/../data/participatiezekerheid_2019.sav")
    assert inputs.digest("results") == relative
    monkeypatch.delenv("PZ_SURVEY")
    assert inputs.digest("results") == relative  # the stand-in, named or not


@pytest.mark.parametrize("line, value", [
    ('    pz_survey: ""', ""),
    ("    pz_survey: data/echt.sav", "data/echt.sav"),
    ("    pz_survey: 'data/echt bestand.sav'  # van het bureau", "data/echt bestand.sav"),
    ("    # pz_survey: data/oud.sav", ""),
])
def test_the_survey_file_is_the_pz_survey_setting(tmp_path, monkeypatch, line, value):
    config = tmp_path / "_config.yml"
    config.write_text(f"sphinx:\n  config:\n{line}\n    pz_executor: pzboek-shared-kernels\n", encoding="utf-8")
    assert paths.survey_in_config(config) == value
    monkeypatch.setattr(paths, "CONFIG", config)
    monkeypatch.delenv("PZ_SURVEY", raising=False)
    assert paths.survey_path() == (paths.ROOT / value if value else paths.STANDIN_SURVEY).resolve()
    monkeypatch.setenv("PZ_SURVEY", "data/ander.sav")  # the environment overrides it
    assert paths.survey_path() == paths.ROOT / "data" / "ander.sav"


def test_a_survey_setting_the_makefile_would_read_differently_stops_the_build(tmp_path, monkeypatch):
    """Sphinx reads _config.yml as YAML, the Makefile's digest by one line: a value split over lines would check
    and hash one file and build from another, so the build stops with one line."""
    from types import SimpleNamespace

    from pzboek.sphinxext import _survey_setting

    (tmp_path / "_config.yml").write_text("sphinx:\n  config:\n    pz_survey:\n      data/echt.sav\n", encoding="utf-8")
    monkeypatch.delenv("PZ_SURVEY", raising=False)
    with pytest.raises(SystemExit):
        _survey_setting(SimpleNamespace(confdir=str(tmp_path)), {"pz_survey": "data/echt.sav"})
    config = {"pz_survey": "data/echt.sav"}
    (tmp_path / "_config.yml").write_text("sphinx:\n  config:\n    pz_survey: data/echt.sav\n", encoding="utf-8")
    monkeypatch.setenv("PZ_SURVEY", "data/ander.sav")
    _survey_setting(SimpleNamespace(confdir=str(tmp_path)), config)
    assert config["pz_survey"] == "data/ander.sav"


def test_a_file_the_build_could_not_weight_fails_the_check_naming_the_file(write_variant):
    nobody_in_noord = write_variant(lambda d: d[d["landsdeel"] != 1].reset_index(drop=True))
    result = check(nobody_in_noord)
    assert result.returncode == 1 and result.stderr.startswith(f"error: {nobody_in_noord}: no respondent is in 'landsdeel'")


PSPP = paths.ROOT / "tests" / "data" / "pspp"  # written by GNU PSPP 1.6 (tools/pspp_fixtures.py)


def test_files_written_by_pspp_pass_the_check():
    """Resaved, .zsav, and a Windows-1252 file with a delivery's own extra variables: no problems, extras listed."""
    for name in ("resaved.sav", "resaved.zsav", "windows-1252.sav"):
        result = check(PSPP / name)
        assert result.returncode == 0 and not result.stderr, (name, result.stderr)
        assert "1004 respondents, 37 of 37 codebook variables matched" in result.stdout, name
    assert "extra variables ignored (2): weegfactor_io, duur_minuten" in check(PSPP / "windows-1252.sav").stdout


def test_files_written_by_pspp_give_the_stand_ins_numbers(survey):
    from pzboek.data import load_weighted_survey
    from pzboek.published import load_published

    rows = [r for r in load_published().itertuples() if r.codes]
    for name in ("resaved.sav", "resaved.zsav", "windows-1252.sav"):
        delivered = load_weighted_survey(PSPP / name)
        _, meta = pyreadstat.read_sav(str(PSPP / name), metadataonly=True)
        assert meta.variable_value_labels["provincie"][2] == "Fryslân"  # decoded from the file's code page
        assert delivered.standin and meta.file_encoding == ("WINDOWS-1252" if "1252" in name else "UTF-8")
        for row in rows:
            theirs, ours = (s.estimate(row.variabele, row.codes, row.subgroep) for s in (delivered, survey))
            assert (theirs.share, theirs.lower, theirs.upper, theirs.n) == pytest.approx(
                (ours.share, ours.lower, ours.upper, ours.n), abs=1e-12), (name, row.sleutel)
