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
    path = tmp_path / f"published_figures_{len(list(tmp_path.iterdir()))}.csv"  # a new name: the table is cached by path
    path.write_text(change(text), encoding="utf-8")
    return path


@pytest.mark.parametrize("change,message", [
    # an item the report does not name, put into one of the report's figures
    (lambda t: t + "fig1_extra,02_maatschappelijk_waardevol_werk,1,uitg_3,1,,30,reconstructie,,\n", "but the report does not name it"),
    (lambda t: t.replace("ongeveer een derde", ""), "has bron 'benadering' but no in_tekst"),
    (lambda t: t.replace("fig6_winsten,05_financieren,6,fin_winsten,4;5,,39,", "fig6_winsten,05_financieren,6,fin_winsten,4;5,,,"), "has waarde ''"),
    (lambda t: t.replace(",tekst,42%", ",geschat,42%"), "bron 'geschat' is not one of"),
    # a number this edition adds, in a figure of the report
    (lambda t: t + "extra,05_financieren,6,fin_winsten,5,,,uitgave,,\n", "has bron 'uitgave' in figure 6 of the report"),
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

    path = _table_with(tmp_path, lambda t: t + "extra_helemaal_eens,04_organiseren,,org_overheid,5,,,uitgave,,\n")
    validate_published(survey.codebook, path)
    row = load_published(path).set_index("sleutel").loc["extra_helemaal_eens"]
    assert row["bron"] == "uitgave" and row["waarde"] is pd.NA


def _validate_with_rows(tmp_path, *extra: str) -> str:
    """validate_published on the table with these CSV rows appended; the one-line error it raises."""
    from pzboek import paths
    from pzboek.published import validate_published
    from pzboek.survey import SurveyError, load_codebook

    path = tmp_path / f"published_figures_{len(list(tmp_path.iterdir()))}.csv"  # a new name: the table is cached by path
    path.write_text(paths.PUBLISHED.read_text(encoding="utf-8") + "".join(f"{r}\n" for r in extra), encoding="utf-8")
    with pytest.raises(SurveyError) as raised:
        validate_published(load_codebook(), path)
    assert "\n" not in str(raised.value)
    return str(raised.value)


def test_an_authors_slip_in_the_published_table_is_named_by_file_line_and_key(tmp_path):
    lines = len(load_published()) + 2
    duplicate = _validate_with_rows(tmp_path, "betalen_onvoorwaardelijk,04_organiseren,,betalen,1,,74,tekst,74%,")
    assert f"sleutel 'betalen_onvoorwaardelijk' of hoofdstuk 04_organiseren is on lines 19 and {lines}" in duplicate
    conflicting = _validate_with_rows(tmp_path, "betalen_nogmaals,05_financieren,,betalen,1,,74,tekst,74%,")
    assert f"give 'betalen' code 1 different values or sources" in conflicting and str(lines) in conflicting
    for wrong in ("4", "07_nieuw"):  # a chapter is named by its file's stem, and must be one of the book's
        named = _validate_with_rows(tmp_path, f"betalen_hoofdstuk,{wrong},,betalen,1,,74,tekst,74%,")
        assert f"published_figures_" in named and f"line {lines} has hoofdstuk '{wrong}', which is not a chapter" in named
    unknown = _validate_with_rows(tmp_path, "betalen_geen_groep,05_financieren,,betalen,1,opleiding=9,70,reconstructie,,")
    assert "row 'betalen_geen_groep' has subgroup 'opleiding=9', but 'opleiding' has no code 9" in unknown


def test_an_edited_report_caption_is_named_in_the_figures_table():
    from pzboek.published import _check_pinned_captions, load_errata, load_figures, load_pinned
    from pzboek.survey import SurveyError

    figures = load_figures().copy()
    _check_pinned_captions(figures, load_pinned(), load_errata())  # as the book has them
    figures.loc["2", "titel"] = "Maatschappelijke activiteiten"
    with pytest.raises(SurveyError, match=r"figuren\.csv: line 3 \(figuur 2\) has titel 'Maatschappelijke activiteiten', "
                                          r"but the report's caption is 'Maatschappelijk waardevolle activiteiten"):
        _check_pinned_captions(figures, load_pinned(), load_errata())


def test_an_estimate_for_a_code_the_variable_lacks_says_so(survey):
    from pzboek.survey import SurveyError

    with pytest.raises(SurveyError, match="'opleiding' has no code 9"):
        survey.estimate("betalen", 1, "opleiding=9")


def test_a_correction_is_found_with_the_words_as_the_page_shows_them():
    """An author copies the words from the page: curly quotes, a non-breaking space or a soft hyphen do not matter."""
    from pzboek.published import erratum

    errata = pd.DataFrame([{"hoofdstuk": "01_vooraf", "origineel": "de 'gewone' baan", "correctie": "de ‘gewone’ baan"}])
    assert erratum(errata, "de ‘gewone’\u00a0ba\u00adan", "01_vooraf") == "de ‘gewone’ baan"
    assert erratum(errata, "de ‘gewone’ baan", "02_maatschappelijk_waardevol_werk") is None
    assert erratum(errata, "de gewone baan") is None
