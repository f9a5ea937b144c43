"""The chapters: they execute in a fresh kernel, the built pages carry the original text with numbers and
figures, and the numbers come from the configured survey file."""
import asyncio
import json
import re
from pathlib import Path

import nbclient
import pytest
from myst_nb.core.read import read_myst_markdown_notebook

from pzboek import appendix, paths
from pzboek.sphinxext import kernels
from pzboek import dutch
from pzboek.published import erratum, load_errata, load_figures, load_pinned, words_as_written

CHAPTERS = sorted((paths.ROOT / "chapters").glob("0*.md"))
def page_text(html_dir: Path, stem: str) -> str:
    html = (html_dir / "chapters" / f"{stem}.html").read_text(encoding="utf-8")
    text = re.sub(r"<script.*?</script>|<style.*?</style>|<svg.*?</svg>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", "", text)
    text = text.replace("\xa0", " ").replace("&amp;", "&")
    return re.sub(r"\s+", " ", text)


def _client(chapter: Path) -> nbclient.NotebookClient:
    """A fresh kernel of its own, as JupyterLab starts one, for the chapter as an author opens it."""
    notebook = read_myst_markdown_notebook(chapter.read_text(encoding="utf-8"))
    return nbclient.NotebookClient(notebook, kernel_name="python3", timeout=300,
                                   resources={"metadata": {"path": str(chapter.parent)}})


def execute(chapter: Path):
    return _client(chapter).execute()


@pytest.fixture(scope="module")
def executed_chapters() -> dict[str, object]:
    """Every chapter executed from the stand-in file, each in a fresh kernel of its own, as many at once as there are
    cores (each kernel spends seconds importing): {stem: the executed notebook, or the exception it raised}."""
    async def run_all():
        cores = asyncio.Semaphore(kernels.workers())

        async def run(chapter):
            async with cores:
                client = _client(chapter)
                await client.async_execute()
                return client.nb
        return await asyncio.gather(*map(run, CHAPTERS), return_exceptions=True)

    with pytest.MonkeyPatch.context() as env:
        env.delenv("PZ_SURVEY", raising=False)
        return dict(zip((c.stem for c in CHAPTERS), asyncio.run(run_all())))


def glued(notebook, key: str) -> str:
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("metadata", {}).get("scrapbook", {}).get("name") == key:
                return next(v for k, v in output["data"].items() if k.endswith("text/markdown"))
    raise KeyError(key)


def test_six_chapters_in_order_with_the_reports_titles(built_book):
    titles = [re.search(r"<h1>(.*?)<a", (built_book / "chapters" / f"{c.stem}.html").read_text()).group(1)
              for c in CHAPTERS]
    assert [re.sub(r"<[^>]+>", "", t) for t in titles] == [f"{i}. {title}" for i, title in enumerate([
        "Vooraf: participatiezekerheid", "Wat is maatschappelijk waardevol werk?",
        "De overvraagde (én onbetrouwbare) overheid", "Hoe gaan we het organiseren?",
        "Hoe gaan we het financieren?", "Oprichting denktank en ontwikkeling van publiek-privaat initiatief"], start=1)]


def _sentences(text: str) -> list[str]:
    return [t.strip() for t in re.split(r"(?<=[.?!])\s+", text) if t.strip()]


def pinned_sentence_problem(stem: str, original: str, page: str, errata) -> str | None:
    """None if the report's words (or their recorded correction) are on the page; else what an author needs:
    the chapter file, the original, the nearest words now on the page, and how to record a correction."""
    import difflib

    expected = erratum(errata, original, stem) or original
    if words_as_written(expected) in words_as_written(page):
        return None
    closest = (difflib.get_close_matches(original, _sentences(page), n=1, cutoff=0) or [""])[0]
    windows = [closest[i:i + len(original)] for i in range(max(1, len(closest) - len(original) + 1))]
    near = max(windows, key=lambda part: difflib.SequenceMatcher(None, original, part).ratio())
    return (f"chapters/{stem}.md: the report's words '{expected}' are no longer on the page; nearest now: "
            f"'{near.strip()}'. If this change is an intended correction, record it in data/errata.csv "
            f"(hoofdstuk {stem}, origineel, correctie, reden, datum) and it appears under 'Correcties' in the "
            f"Verantwoording; otherwise restore the words.")


@pytest.mark.parametrize("stem", sorted(set(load_pinned()["hoofdstuk"])))
def test_pages_carry_the_reports_sentences_numbers_and_captions(built_book, stem):
    """The pinned words of the original (data/vaste_zinnen.csv), with the numbers the stand-in must
    reproduce and the figure captions, are on their page, or their recorded correction is."""
    text = page_text(built_book, stem)
    problems = [pinned_sentence_problem(stem, z, text, load_errata())
                for z in load_pinned().query("hoofdstuk == @stem")["zin"]]
    assert not [p for p in problems if p], "\n".join(p for p in problems if p)


def test_an_edited_sentence_is_named_with_file_original_and_new_words():
    page = "Zeker bij hardnekkige problemen. Misschien liggen publiek-privé inspanningen wel veel meer voor de hand."
    problem = pinned_sentence_problem("03_overvraagde_overheid", "Misschien liggen publiekprivate inspanningen",
                                      page, load_errata().iloc[0:0])
    assert problem.startswith("chapters/03_overvraagde_overheid.md: the report's words "
                              "'Misschien liggen publiekprivate inspanningen'")
    assert "publiek-privé inspanningen" in problem and "data/errata.csv" in problem
    assert pinned_sentence_problem("03_overvraagde_overheid", "publiekprivate inspanningen",
                                   "Misschien liggen publiek-private inspanningen", load_errata()) is None


def page_html(built_book, stem: str) -> str:
    """A page's markup without the white space between tags (the book writes block elements a line apart)."""
    return re.sub(r">\s+<", "><", (built_book / "chapters" / f"{stem}.html").read_text(encoding="utf-8"))


def test_corrections_are_listed_for_readers(built_book):
    html = page_html(built_book, "verantwoording")
    assert "Correcties ten opzichte van de tekst van het rapport" in html
    for row in load_errata().itertuples():
        assert f"<td>{row.origineel}</td><td>{row.correctie}</td><td>{row.reden}</td>" in html


def test_each_figure_title_comes_from_the_figures_table(built_book):
    """A title is written once (data/figuren.csv): the caption, the chart's accessible label and the download."""
    html = "".join(p.read_text(encoding="utf-8") for p in sorted((built_book / "chapters").glob("0*.html")))
    html = html.replace("&amp;", "&")
    for key, title in load_figures()["titel"].items():
        assert re.search(rf'caption-number">Figuur {key} </span><span class="caption-text">{re.escape(title)}', html), key
        assert f'aria-label="Figuur {key}. {title}' in html, key
        assert f"Figuur {key}." in (built_book / "downloads" / f"figuur{key}.svg").read_text(encoding="utf-8"), key


TYPED_PERCENTAGE = re.compile(r"\d\s?%")  # survey results are percentages; "95 procent" is a method setting


def typed_percentages(path) -> list[str]:
    """Lines of a chapter's prose (outside code cells and glue roles) that type a percentage."""
    found, code = [], False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("```"):
            code = not code and line.startswith("```{code-cell")
            continue
        prose = re.sub(r"\{glue:\w+\}`[^`]*`", "", line)
        if not code and TYPED_PERCENTAGE.search(prose):
            found.append(f"{path.relative_to(paths.ROOT)}:{number}: {line.strip()[:80]}")
    return found


def test_no_percentage_is_typed_into_the_prose(tmp_path, monkeypatch):
    pages = [paths.ROOT / "index.md", *sorted((paths.ROOT / "chapters").glob("*.md"))]
    assert not [f for p in pages for f in typed_percentages(p)]
    (tmp_path / "chapters").mkdir()
    typed = tmp_path / "chapters" / "x.md"
    typed.write_text("Een zin.\n\nVolgens 76% van de burgers {glue:md}`fig4_overheid`.\n", encoding="utf-8")
    monkeypatch.setattr(paths, "ROOT", tmp_path)
    assert typed_percentages(typed) == ["chapters/x.md:3: Volgens 76% van de burgers {glue:md}`fig4_overheid`."]


def test_pages_are_dutch_and_clean(built_book):
    for page in [built_book / "index.html", *(built_book / "chapters").glob("*.html")]:
        html = page.read_text(encoding="utf-8")
        assert '<html lang="nl"' in html
        assert "Search this book" not in html and "Zoeken in dit boek" in html
        assert "Traceback" not in html and "stderr" not in html and "Warning" not in html
        assert "Show code" not in html
        scripts = re.findall(r'<script[^>]*\ssrc="([^"?]+)', html)
        assert len(scripts) == len(set(scripts)), f"{page.name} loads a script twice"


def test_footnotes_5_6_7_are_on_the_captions_of_figures_4_5_and_7_as_in_the_report(built_book):
    found = {}
    for stem in ("04_organiseren", "05_financieren"):
        html = (built_book / "chapters" / f"{stem}.html").read_text(encoding="utf-8")
        for caption in re.findall(r"<figcaption>(.*?)</figcaption>", html, re.S):
            number = re.search(r"Figuur (\d+)", caption).group(1)
            found[number] = re.findall(r'class="footnote-reference.*?</span>(\d+)<span', caption, re.S)
        assert "Percentage dat aangeeft het met de betreffende stelling (helemaal) eens te zijn." in html
    assert found == {"4": ["5"], "5": ["6"], "6": [], "7": ["7"]}


def test_additions_are_marked_as_additions_and_numbered_apart(built_book):
    """The report has no sections inside its chapters: every section heading there is this edition's, and
    says so; no section gets a number such as 1.1; the added figures are A1, A2 after the report's 1 … 7."""
    numbers = []
    for page in sorted((built_book / "chapters").glob("*.html")):
        html = page.read_text(encoding="utf-8")
        article = html[html.index('<article'):html.index('</article>')]
        for heading in re.findall(r"<h2>(.*?)<a", article, re.S):
            text = re.sub(r"<[^>]+>", "", heading).strip()
            assert not re.match(r"\d+\.\d+", text), f"{page.name}: numbered section '{text}'"
            if page.stem[0].isdigit():
                assert text.startswith("Toevoeging: "), f"{page.name}: '{text}' is not marked as an addition"
        numbers += re.findall(r'caption-number">Figuur (A?\d+)', html)
    assert numbers == ["1", "2", "3", "4", "5", "6", "7", "A1", "A2"]


def test_citations_and_bibliography(built_book):
    text = page_text(built_book, "01_vooraf")
    assert "(Verhoeven, 2018)" in text
    assert "Publieke zaken in de marktsamenleving" in page_text(built_book, "06_denktank")


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_executes_in_a_fresh_kernel(chapter, executed_chapters):
    notebook = executed_chapters[chapter.stem]
    if isinstance(notebook, Exception):
        raise notebook
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o["output_type"] == "error"
              or o.get("name") == "stderr"]
    assert not errors


def test_glued_numbers_come_from_the_configured_file(write_variant, monkeypatch, executed_chapters):
    """With a file in which fewer people want paid work, chapter 4's sentence changes with it."""
    def fewer_in_favour(data):
        favour = data.index[data["betalen"] == 1]
        data.loc[favour[:150], "betalen"] = 3
        return data
    monkeypatch.setenv("PZ_SURVEY", str(write_variant(fewer_in_favour)))
    changed = execute(paths.ROOT / "chapters" / "04_organiseren.md")
    original = executed_chapters["04_organiseren"]
    assert glued(original, "betalen_onvoorwaardelijk") == "76%"
    new = int(glued(changed, "betalen_onvoorwaardelijk").rstrip("%"))
    assert 58 <= new <= 66
    assert glued(changed, "fig4_overheid") == glued(original, "fig4_overheid")


def test_verantwoording_reports_the_weighting_of_the_configured_file(built_book, survey):
    text = (built_book / "chapters" / "verantwoording.html").read_text(encoding="utf-8")
    deff = f"{survey.weighting.design_effect:.2f}".replace(".", ",")
    assert f"is {deff}" in page_text(built_book, "verantwoording")
    assert f"{round(survey.weighting.effective_n)} personen" in page_text(built_book, "verantwoording")
    assert "Bevolkingscijfers waarop deze uitgave heeft gewogen" in text and "benadering (ander jaar" in text
    assert "Waarden die het rapport niet als getal noemt" in text and "vervangende bestand" in text
    assert text.count('class="pz-figuur"') == 1  # the weight distribution


def test_codebook_lists_every_variable_with_counts(built_book, survey):
    text = page_text(built_book, "codeboek")
    for name, var in survey.codebook.variables.items():
        if var.kind != "id":
            assert f"Variabele {name}" in text
    html = page_html(built_book, "codeboek")
    # with the stand-in: no generated counts; a weighting variable's percentage is the population figure
    assert "Aantal (ongewogen" not in html
    assert '<td data-herkomst="weging">1</td><td data-herkomst="weging">man</td><td data-herkomst="weging">ja</td>' in html
    # in sections (the page's contents: background variables, then the questions of each chapter), each opening
    # with links to its variables; every variable once
    asked = [n for n, v in survey.codebook.variables.items() if v.kind != "id"]
    assert sorted(re.findall(r'<section id="var-([^"]+)"', html)) == sorted(asked)
    assert sorted(re.findall(r'<li><a href="#var-([^"]+)"', html)) == sorted(asked)
    assert re.findall(r"<h2>([^<]+?)<a", html) == [
        "Achtergrondkenmerken" if part == appendix.BACKGROUND else f"Vragen bij hoofdstuk {paths.chapter_number(part)}"
        for part in appendix.codebook_parts(survey)]


def test_group_tests_cover_printed_numbers_only_and_their_rounding(built_book):
    """Chapter 4 tests the three comparisons the text makes with printed numbers, each over the range its
    rounding allows; figures 5 and 7 (reconstructed values) are not tested anywhere."""
    html = page_html(built_book, "04_organiseren")
    table = re.search(r'<table class="pz-tabel"><caption>Verschillen tussen groepen.*?</table>', html, re.S).group(0)
    rows = [re.findall(r"<td[^>]*>(.*?)</td>", r) for r in re.findall(r"<tr><td.*?</tr>", table)]
    assert [r[1] for r in rows] == ["man 79% / vrouw 74%", "55-plus 80% / jonger dan 55 74%", "laag 7% / hoog 5%"]
    for _, _, difference, p_range, verdict in rows:
        low, high = (float(p.replace(",", ".")) for p in p_range.split("–"))
        assert low < high
        if low < 0.05 <= high:
            assert verdict.startswith("hangt af van de afronding"), verdict
        else:
            assert "bij elke afronding" in verdict
    assert rows[0][2] == "4–6 procentpunt"
    assert "*" not in table and "middelbaar" not in table
    assert "Verschillen tussen groepen" not in (built_book / "chapters" / "05_financieren.html").read_text(encoding="utf-8")


def test_codebook_phrases_are_the_reports_own_words(built_book, survey):
    """Each item the codebook says the report names is named in the report's text with those words."""
    report = " ".join(page_text(built_book, c.stem) for c in CHAPTERS).lower()
    for var in survey.codebook.variables.values():
        if var.in_report:
            chapters = [c for c in CHAPTERS if c.stem in var.chapters] or CHAPTERS
            assert any(var.in_report.lower() in page_text(built_book, c.stem).lower() for c in chapters), var.name
    assert "huiskamerassistenten" in report


def test_verantwoording_counts_the_table_it_shows_and_says_only_true_things(built_book):
    html = page_html(built_book, "verantwoording")
    text = page_text(built_book, "verantwoording")
    table = re.search(r"<caption>Waarden die het rapport niet als getal noemt.*?</table>", html, re.S).group(0)
    kinds = re.findall(r"<td>(benaderd|gereconstrueerd):", table)
    counts = re.search(r"<caption>Aantal getoonde percentages per pagina en herkomst.*?</table>", html, re.S).group(0)
    head = re.findall(r'<th scope="col">(.*?)</th>', counts)
    rows = {r[0]: dict(zip(head, r)) for r in (re.findall(r"<td[^>]*>(.*?)</td>", row)
                                                for row in re.findall(r"<tr><td.*?</tr>", counts))}
    chapters = rows["Hoofdstukken en figuren"]
    assert chapters["≈ benaderd"] == str(kinds.count("benaderd"))
    assert chapters["* gereconstrueerd"] == str(kinds.count("gereconstrueerd"))
    assert chapters["° gegenereerd"] == "0"  # the chapters show nothing the generator made
    # the Verkenner's count is every cell it shows: read from its page, independently of the counting code
    explorer = (built_book / "chapters" / "verkenner.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'class="pz-verkenner-data">(.*?)</script>', explorer, re.S)[1].replace("<\\/", "</"))
    shown = [c for q in data["vragen"] for split in q["cijfers"].values() for a in split for c in a if c and c[5] != "o"]
    assert rows["Verkenner"]["Totaal"] == dutch.getal(len(shown))
    assert rows["Verkenner"]["° gegenereerd"] == dutch.getal(sum(c[4] == "g" for c in shown))
    for wrong in ["verloren", "tegenhanger", "binnen 0 en 100", "design-effect", "designgebaseerde", "0,000",
                  "logit-schaal"]:
        assert wrong not in text, wrong
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text), "ISO date shown to a reader"
    assert "<td>leeftijdsgroep</td>" not in html and "<td>Leeftijd</td>" in html
    assert "vermeldt het rapport niet" in text


