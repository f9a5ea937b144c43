"""The loader accepts the stand-in file and rejects broken ones with one line naming file and variable."""
import pytest

from pzboek import paths
from pzboek.survey import SurveyError, load_codebook, load_survey, read_sav
from conftest import run_check


def test_standin_file_loads_with_1004_respondents():
    data = load_survey(paths.STANDIN_SURVEY)
    assert len(data) == 1004
    assert data["respnr"].is_unique


def test_codebook_and_file_agree_on_labels_and_user_missing():
    codebook = load_codebook()
    _, meta = read_sav(paths.STANDIN_SURVEY)
    assert list(meta.column_names) == list(codebook.variables)
    for name, var in codebook.variables.items():
        assert meta.column_names_to_labels[name] == var.label
        if var.values:
            assert {int(k): v for k, v in meta.variable_value_labels[name].items()} == var.values
        if var.missing:
            assert meta.missing_ranges[name] == [{"lo": float(c), "hi": float(c)} for c in sorted(var.missing)]


def test_missing_file_is_one_line_error(tmp_path):
    with pytest.raises(SurveyError, match=r"nope\.sav: survey file not found"):
        load_survey(tmp_path / "nope.sav")


def test_damaged_file_is_rejected(tmp_path):
    damaged = tmp_path / "damaged.sav"
    damaged.write_bytes(paths.STANDIN_SURVEY.read_bytes()[:5000])
    with pytest.raises(SurveyError, match="damaged.sav: not a readable SPSS"):
        load_survey(damaged)


def test_missing_variable_is_named(write_variant):
    path = write_variant(lambda d: d.drop(columns=["betalen"]))
    with pytest.raises(SurveyError, match="variable 'betalen' from the codebook is missing"):
        load_survey(path)


def test_variables_outside_the_codebook_are_ignored(write_variant, raw_standin):
    """An agency's delivery carries more (its own weight, paradata): those columns are left out, not refused."""
    path = write_variant(lambda d: d.assign(weegfactor=1.0, duur_interview=12.0))
    data = load_survey(path)
    assert list(data.columns) == list(load_codebook().variables)
    assert data.equals(load_survey(paths.STANDIN_SURVEY))


def test_names_in_another_case_give_the_same_survey(write_variant):
    """SPSS names ignore case: upper-case names load as the codebook's, with the same numbers."""
    path = write_variant(lambda d: d.rename(columns=str.upper))
    assert load_survey(path).equals(load_survey(paths.STANDIN_SURVEY))


def test_text_respondent_ids_are_accepted_and_named_as_written(write_variant):
    """An agency's ids may be text ('R100004'): accepted, and a problem names the respondent as the file does."""
    def text_ids(d):
        return d.assign(respnr=[f"R{i:.0f}" for i in d["respnr"]])
    assert load_survey(write_variant(text_ids))["respnr"].iloc[3] == "R100004"
    empty = write_variant(lambda d: text_ids(d).assign(opleiding=d["opleiding"].mask(d.index == 3)), name="leeg.sav")
    with pytest.raises(SurveyError, match="variable 'opleiding' is empty for respondent R100004, who was asked"):
        load_survey(empty)
    blank = write_variant(lambda d: text_ids(d).assign(respnr=lambda t: t["respnr"].mask(t.index == 3, " ")), name="blank.sav")
    with pytest.raises(SurveyError, match="variable 'respnr' has missing or duplicate respondent ids"):
        load_survey(blank)


def test_code_outside_codebook_is_named(write_variant):
    def change(d):
        d.loc[3, "opleiding"] = 7
        return d
    with pytest.raises(SurveyError, match="variable 'opleiding' has value 7, which is not in the codebook"):
        load_survey(write_variant(change))


def test_age_outside_range_is_rejected(write_variant):
    def change(d):
        d.loc[0, "leeftijd"] = 16
        return d
    with pytest.raises(SurveyError, match="variable 'leeftijd' has value 16"):
        load_survey(write_variant(change))


def test_answer_from_respondent_outside_filter_is_rejected(write_variant):
    def change(d):
        row = d.index[d["banen_verdwenen"] == 2][0]
        d.loc[row, "verdwenen_reden"] = 1
        return d
    with pytest.raises(SurveyError, match="'verdwenen_reden' has an answer for respondent .* not asked"):
        load_survey(write_variant(change))


def test_province_and_region_must_agree(write_variant):
    def change(d):
        row = d.index[d["provincie"] == 1][0]
        d.loc[row, "landsdeel"] = 4
        return d
    with pytest.raises(SurveyError, match="variable 'landsdeel' is 4 .* provincie 1 belongs to landsdeel 1"):
        load_survey(write_variant(change))


def test_duplicate_ids_are_rejected(write_variant):
    def change(d):
        d.loc[1, "respnr"] = d.loc[0, "respnr"]
        return d
    with pytest.raises(SurveyError, match="'respnr' has missing or duplicate"):
        load_survey(write_variant(change))


def test_check_command_prints_one_line_and_fails(write_variant):
    path = write_variant(lambda d: d.drop(columns=["geslacht"]))
    result = run_check(path)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert str(path) in result.stderr and "'geslacht'" in result.stderr
