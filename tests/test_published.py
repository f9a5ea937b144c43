"""Every number of the report text is reproduced by the weighted estimate of the stand-in file."""
import pytest

from pzboek.book import format_estimate
from pzboek.published import load_published

ROWS = [r for r in load_published().itertuples() if r.codes]


@pytest.mark.parametrize("row", [r for r in ROWS if r.bron == "tekst"], ids=lambda r: f"{r.hoofdstuk}-{r.sleutel}")
def test_text_value_is_reproduced(survey, row):
    assert survey.estimate(row.variabele, row.codes, row.subgroep).percent == row.waarde


@pytest.mark.parametrize("row", [r for r in ROWS if r.bron != "tekst"], ids=lambda r: f"{r.hoofdstuk}-{r.sleutel}")
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
