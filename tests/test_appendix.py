"""What the book says about its own numbers follows the configured file: the stand-in is named as such
wherever its numbers appear, and a real file gets plain estimates without the stand-in's caveats."""
import dataclasses
import re

import pyreadstat
import pytest

from pzboek import appendix
from pzboek.charts import build_figure
from pzboek.survey import read_sav, survey_is_standin


@pytest.fixture(scope="module")
def real(survey):
    """The same respondents, as if they came from a real fieldwork file."""
    return dataclasses.replace(survey, standin=False)


def test_the_standin_file_says_what_it_is(tmp_path, write_variant):
    assert survey_is_standin(write_variant(None))
    data, meta = read_sav(write_variant(None))
    other = tmp_path / "io-research.sav"
    pyreadstat.write_sav(data, str(other), file_label="Participatiezekerheid, I&O Research juli 2019")
    assert not survey_is_standin(other)


def test_standin_numbers_are_labelled_where_they_appear(survey):
    assert "vervangende bestand" in appendix.survey_sentence(survey)
    assert "Vervangend bestand, ongewogen" in appendix.composition(survey)
    assert "Met het vervangende bestand toont het codeboek alleen percentages" in appendix.codebook_note(survey)
    assert "Aantal (ongewogen" not in _whole_codebook(survey)  # generated counts are not shown
    figure = build_figure(survey, "1")
    assert "vervangend bestand" in figure.caption and any("vervangend bestand" in c for c in figure.table.columns)
    assert "Verschil binnen de afronding" in appendix.group_tests(survey, "04_organiseren")


def test_a_real_file_gets_plain_estimates_and_tests(real):
    sentence = appendix.survey_sentence(real)
    assert real.path.split("/")[-1] in sentence and "niet gebruikt" in sentence
    assert "vervangend" not in appendix.composition(real) + _whole_codebook(real)
    tests = appendix.group_tests(real, "04_organiseren")
    assert "Gewogen percentages" in tests and "afronding" not in tests and "vervangend" not in tests
    figure = build_figure(real, "1")
    assert "vervangend" not in figure.caption + " ".join(figure.table.columns)


def _whole_codebook(survey) -> str:
    return appendix.codebook_note(survey) + "".join(appendix.codebook(survey, p) for p in appendix.codebook_parts(survey))


def test_codebook_marks_what_is_this_editions(survey):
    html = re.sub(r">\s+<", "><", _whole_codebook(survey))
    assert "Vraag zoals deze uitgave haar formuleert" in html
    assert re.search(r"<h3>Ander uitgangspunt 1 \(niet genoemd in het rapport\)</h3><div [^>]*><table class=\"pz-tabel\"><caption>Variabele uitg_3<", html)
    assert "Niet in het rapport: een toevoeging van deze uitgave." in html
    assert ('<td data-herkomst="gegenereerd">overgenomen door vrijwilligers</td>'
            '<td data-herkomst="gegenereerd">nee (deze uitgave)</td><td data-herkomst="gegenereerd">–</td>') in html
    assert ('<td data-herkomst="tekst">wegbezuinigd door de politiek</td><td data-herkomst="tekst">ja</td>'
            '<td data-herkomst="tekst">81%</td>') in html  # as printed: no generated tenth in html
