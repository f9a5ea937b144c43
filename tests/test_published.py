"""Every number of the report text is reproduced by the weighted estimate of the stand-in file."""
import pandas as pd
import pytest

from pzboek.book import format_estimate
from pzboek.published import load_published

ROWS = [r for r in load_published().itertuples() if r.codes]


@pytest.mark.parametrize("row", [r for r in ROWS if r.bron == "tekst"], ids=lambda r: f"{r.hoofdstuk}-{r.sleutel}")
def test_text_value_is_reproduced(survey, row):
    assert survey.estimate(row.variabele, row.codes, row.subgroep).percent == row.waarde


@pytest.mark.parametrize("row", [r for r in ROWS if r.bron in ("benadering", "reconstructie")], ids=lambda r: f"{r.hoofdstuk}-{r.sleutel}")
def test_reconstructed_value_is_reproduced(survey, row):
    assert survey.estimate(row.variabele, row.codes, row.subgroep).percent == row.waarde


@pytest.mark.parametrize("row", [r for r in ROWS if r.in_tekst], ids=lambda r: f"{r.hoofdstuk}-{r.sleutel}")
def test_printed_phrase_is_reproduced(survey, row):
    assert format_estimate(survey.estimate(row.variabele, row.codes, row.subgroep).share, row.in_tekst) == row.in_tekst


def test_reconstructions_keep_the_texts_claims(survey):
    def pct(variable, codes, subgroup=""):
        return survey.estimate(variable, codes, subgroup).share
    agree = (4, 5)
    # Figure 3: affordable housing first, poverty and quality of care "op gepaste afstand"
    issues = sorted((pct(f"kwestie_{i}", 1), i) for i in range(1, 4))
    assert [i for _, i in issues] == [3, 2, 1] and issues[-1][0] - issues[-2][0] > 0.10
    # Figure 5: lower educated look to business, higher educated to citizens themselves
    assert pct("org_bedrijfsleven", agree, "opleiding=1") > pct("org_bedrijfsleven", agree, "opleiding=3")
    assert pct("org_burgers", agree, "opleiding=3") > pct("org_burgers", agree, "opleiding=1")
    # Figure 7: lower educated prefer benefit savings and profits, higher educated higher taxes
    assert pct("fin_uitkeringen", agree, "opleiding=1") > pct("fin_uitkeringen", agree, "opleiding=3")
    assert pct("fin_winsten", agree, "opleiding=1") > pct("fin_winsten", agree, "opleiding=3")
    assert pct("fin_belastingen", agree, "opleiding=3") > pct("fin_belastingen", agree, "opleiding=1")
    # Figure 1: choose-two answers add up to 200%
    assert sum(pct(f"uitg_{i}", 1) for i in range(1, 7)) == pytest.approx(2)


def _table_with(tmp_path, change):
    from pzboek import paths

    text = paths.PUBLISHED.read_text(encoding="utf-8")
    path = tmp_path / "published_figures.csv"
    path.write_text(change(text), encoding="utf-8")
    return path


@pytest.mark.parametrize("change,message", [
    # an item the report does not name, put into one of the report's figures
    (lambda t: t + "fig1_extra,2,1,uitg_3,1,,30,reconstructie,,\n", "but the report does not name it"),
    (lambda t: t.replace("ongeveer een derde", ""), "has bron 'benadering' but no in_tekst"),
    (lambda t: t.replace("fig6_winsten,5,6,fin_winsten,4;5,,39,", "fig6_winsten,5,6,fin_winsten,4;5,,,"), "has waarde ''"),
    (lambda t: t.replace(",tekst,42%", ",geschat,42%"), "bron 'geschat' is not one of"),
    # a number this edition adds, in a figure of the report
    (lambda t: t + "extra,5,6,fin_winsten,5,,,uitgave,,\n", "has bron 'uitgave' in figure 6 of the report"),
])
def test_bad_published_table_gives_one_line_naming_file_and_row(tmp_path, survey, change, message):
    from pzboek.published import validate_published
    from pzboek.survey import SurveyError

    path = _table_with(tmp_path, change)
    with pytest.raises(SurveyError) as err:
        validate_published(survey.codebook, path)
    assert str(path) in str(err.value) and message in str(err.value) and "\n" not in str(err.value)


def test_report_figures_show_only_items_the_report_names(survey):
    from pzboek.published import load_figures

    figures = load_figures()
    for row in load_published().itertuples():
        if row.figuur and not figures.loc[row.figuur, "toevoeging"]:
            assert survey.codebook[row.variabele].in_report, row.sleutel


def test_only_printed_numbers_are_compared():
    from pzboek.published import load_comparisons, printed_value
    from pzboek.survey import SurveyError

    for row in load_comparisons().itertuples():
        assert all(printed_value(row.variabele, row.codes, g) for g in row.groepen)
    with pytest.raises(SurveyError, match="has no printed value"):
        printed_value("betalen", (3,), "opleiding=2")  # a reconstructed value


def test_a_number_this_edition_adds_needs_no_target_value(tmp_path, survey):
    from pzboek.published import validate_published

    path = _table_with(tmp_path, lambda t: t + "extra_helemaal_eens,4,,org_overheid,5,,,uitgave,,\n")
    validate_published(survey.codebook, path)
    row = load_published(path).set_index("sleutel").loc["extra_helemaal_eens"]
    assert row["bron"] == "uitgave" and row["waarde"] is pd.NA
