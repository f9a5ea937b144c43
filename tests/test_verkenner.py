"""The Verkenner (chapters/verkenner.md, pzboek/verkenner.py, _static/pz-verkenner.js): its numbers against the
chapters' estimation code, and the page in a real browser (picking views, the address, the back button, a thinned
file's small groups, the CSV, legibility at every width, dark mode, no outside requests, no console errors)."""
from __future__ import annotations

import json
import re

import dataclasses

import pytest

from browsing import CHART_TEXTS, Tab, legibility_problems
from conftest import ROOT
from pzboek import dutch
from pzboek.charts import bar_chart
from pzboek.data import load_weighted_survey
from pzboek.verkenner import (NO_BREAKDOWN, SUPPRESSED_TEXT, _page_json, breakdowns, caption, chart_layout,
                               explorer_data, explorer_html, questions, standin_tests_sentence, view_notes)

PAGE = "chapters/verkenner.html"
# (question, breakdown): yes/no, a five-point scale, a filtered question by a four-group variable, a multiple
# choice item with a reconstructed value, the age groups derived from age in years, no breakdown
VIEWS = [("betalen", "geslacht"), ("org_overheid", "opleiding"), ("verdwenen_reden", "landsdeel"),
         ("kwestie_1", "leeftijdsgroep"), ("act_4", NO_BREAKDOWN)]
AGE_SPECS = {"18–39 jaar": "leeftijd<=39", "65 jaar en ouder": "leeftijd>=65"}  # the age groups the chapters can name
MARKS = re.compile(r"[≈*°†]")


@pytest.fixture(scope="module")
def data(survey):
    return explorer_data(survey)


def _group_spec(variable: str, group: str, survey) -> str | None:
    """The chapters' subgroup spec for a group of the explorer (None: everyone, or an age group they cannot name)."""
    if variable == NO_BREAKDOWN:
        return ""
    if variable == "leeftijdsgroep":
        return AGE_SPECS.get(group)
    code = next(c for c, label in survey.codebook[variable].values.items() if label == group)
    return f"{variable}={code}"


def _expected_rows(survey, question: str, breakdown: str) -> list[tuple[str, str, str, str]]:
    """(answer, percentage without marks, interval, n) from WeightedSurvey.estimate, as the chapters compute them; a
    cell the NCHS standards suppress shows neither percentage nor interval."""
    var = survey.codebook[question]
    split = next(b for b in breakdowns(survey) if b.key == breakdown)
    rows = []
    for code, answer in var.values.items():
        for group in split.groups:
            spec = _group_spec(breakdown, group, survey)
            if spec is None:
                continue
            e = survey.estimate(question, code, spec)
            key = answer if breakdown == NO_BREAKDOWN else f"{answer}|{group}"
            if e.presentation == "onderdrukt":
                rows.append((key, SUPPRESSED_TEXT, "", dutch.getal(e.n)))
                continue
            rows.append((key, dutch.procent(e.share),
                         f"{dutch.getal(e.lower * 100, 1)}–{dutch.getal(e.upper * 100, 1)}%", dutch.getal(e.n)))
    return rows


# ------------------------------------------------------------------------------------------- the aggregates

def test_every_question_and_every_background_variable(survey, data):
    assert [q["id"] for q in data["vragen"]] == [v.name for v in questions(survey)]
    asked = [v for v in survey.codebook.variables.values() if v.kind == "vraag"]
    # with the stand-in, not the items the report does not name (their numbers would be pure invention)
    assert len(data["vragen"]) == sum(1 for v in asked if v.in_report) < len(asked)
    assert len(explorer_data(dataclasses.replace(survey, standin=False))["vragen"]) == len(asked)
    assert [s["id"] for s in data["indelingen"]] == [NO_BREAKDOWN, "geslacht", "leeftijdsgroep", "opleiding", "provincie",
                                                       "landsdeel"]
    chapters = [q["hoofdstuk"] for q in data["vragen"]]
    assert chapters == sorted(chapters) and chapters[0] == "02_maatschappelijk_waardevol_werk"
    assert "uitg_3" not in [q["id"] for q in data["vragen"]]
    reason = next(q for q in data["vragen"] if q["id"] == "verdwenen_reden")["herkomst"]
    assert reason[1].startswith("Vraag zoals deze uitgave haar formuleert: ")
    assert reason[2] == "Gesteld aan wie bij ‘Kent u maatschappelijk waardevolle banen die op dit moment niet meer bestaan?’ antwoordde: ja."
    assert next(q for q in data["vragen"] if q["id"] == "org_overheid")["herkomst"][0] == "In het rapport: ‘een taak van de overheid’."


@pytest.mark.parametrize("question,breakdown", VIEWS)
def test_cells_are_the_chapters_estimates(survey, data, question, breakdown):
    from pzboek.verkenner import view_table

    shown = view_table(data, question, breakdown)
    keys = shown["Antwoord"] + ("|" + shown["Groep"] if "Groep" in shown else "")
    table = {k: (MARKS.sub("", p), i, n) for k, p, i, n in zip(keys, shown["Percentage"], shown["95%-interval"], shown.iloc[:, -2])}
    expected = _expected_rows(survey, question, breakdown)
    assert expected
    for key, percentage, interval, n in expected:
        assert table[key] == (percentage, interval, n), key


def test_the_standin_is_tested_only_where_the_report_prints_both_sides(survey, data):
    """betalen by geslacht (79% against 74%) and by opleiding (7% against 5%), both printed, over the rounding, as
    chapter 4 tests them; nothing else."""
    item = next(q for q in data["vragen"] if q["id"] == "betalen")
    found = survey.compare_within_rounding("betalen", (1,), ["geslacht=1", "geslacht=2"], [79, 74])
    assert item["toetsen"]["geslacht"][:2] == [f"{dutch.p_waarde(found.p_low)}–{dutch.p_waarde(found.p_high)}",
                                               "hangt af van de afronding: kan toeval zijn, of net significant"]
    # 'nee' of the lowest and highest educated (7% against 5%, printed; middelbaar is reconstructed): those two only
    lowest_highest = survey.compare_within_rounding("betalen", (3,), ["opleiding=1", "opleiding=3"], [7, 5])
    assert item["toetsen"]["opleiding"] == [
        f"{dutch.p_waarde(lowest_highest.p_low)}–{dutch.p_waarde(lowest_highest.p_high)}",
        "kan toeval zijn (niet significant) bij elke afronding",
        "‘nee’ (laag en hoog: de groepen waarvoor het rapport een getal noemt), over de afronding van de percentages "
        "die het rapport noemt"]
    tested = [(q["id"], s) for q in data["vragen"] for s, t in q["toetsen"].items() if t]
    assert tested == [("betalen", "geslacht"), ("betalen", "opleiding")]
    assert NO_BREAKDOWN not in item["toetsen"]
    assert data["niet_getoetst"].startswith("Niet getoetst")


def test_a_caption_after_a_question_mark_starts_a_sentence(data):
    assert caption(data, "betalen", "geslacht") == ("Moet er voor maatschappelijk waardevol werk gewoon betaald worden? "
                                                   "Naar geslacht (gewogen percentages, vervangend bestand)")


def test_the_verantwoording_names_every_difference_the_standin_is_tested_on(data):
    """Its sentence comes from the Verkenner's own tests: it once named only the test by geslacht."""
    assert standin_tests_sentence(data).data.startswith(
        "Met het vervangende bestand toetst de Verkenner alleen een antwoord waarvan het rapport het percentage van "
        "elke getoetste groep noemt, op de manier van hoofdstuk 4: ‘Moet er voor maatschappelijk waardevol werk "
        "gewoon betaald worden?’ naar geslacht en naar onderwijsniveau. ")


def test_a_real_file_gets_one_rao_scott_test_per_question_and_breakdown(survey):
    real = dataclasses.replace(survey, standin=False)
    item = next(q for q in explorer_data(real)["vragen"] if q["id"] == "verdwenen_reden")
    split = next(b for b in breakdowns(real) if b.key == "landsdeel")
    test = real.compare_distributions("verdwenen_reden", list(split.members))
    assert item["toetsen"]["landsdeel"] == [dutch.p_waarde(test.p_value), "kan toeval zijn (niet significant)",
                                            "alle antwoorden"]
    assert test.p_value > 0.05  # Noord's 100% of 15 respondents once made this '< 0,001 significant'


def test_marks_follow_the_published_figures(data):
    """kwestie_1 'genoemd' is a reconstructed value in the published-figures table: marked as in figure 3; its
    'niet genoemd' has no basis in the report: generated. Every cell carries its level."""
    item = next(q for q in data["vragen"] if q["id"] == "kwestie_1")
    assert item["cijfers"][NO_BREAKDOWN][1][0][4] == "r"
    assert item["cijfers"][NO_BREAKDOWN][0][0][4] == "g"
    org = next(q for q in data["vragen"] if q["id"] == "org_bedrijfsleven")
    # the report's ≈34% is 'eens' and 'helemaal eens' together: each on its own is generated
    assert [org["cijfers"][NO_BREAKDOWN][i][0][4] for i in (3, 4)] == ["g", "g"]


def test_page_ships_aggregates_only_and_stays_small(survey):
    page = explorer_html(survey)
    payload = re.search(r'<script type="application/json" class="pz-verkenner-data">(.*?)</script>', page, re.S)[1]
    data = json.loads(payload)
    cells = [c for q in data["vragen"] for split in q["cijfers"].values() for answer in split for c in answer]
    assert all(c is None or len(c) == 7 for c in cells)
    assert str(survey.data[survey.codebook.id_variable].iloc[0]) not in payload.split('"cijfers"')[0]
    assert "respnr" not in payload
    chart = json.dumps(data["opmaak"]["grafiek"], ensure_ascii=False, separators=(",", ":"))  # code, not data
    assert len(payload.encode()) - len(chart.encode()) < 100_000, len(payload.encode())
    assert len(chart.encode()) < 4_000


@pytest.fixture(scope="module")
def thinned(tmp_path_factory, raw_standin):
    """The stand-in with only 40 respondents left in Noord: some of that region's cells fail the NCHS standards."""
    from tools.standin import write_sav

    data = raw_standin
    north = data.index[data["landsdeel"] == 1]
    path = tmp_path_factory.mktemp("dun") / "dun.sav"
    write_sav(data.drop(north[40:]).reset_index(drop=True), path)
    return load_weighted_survey(path)


def _noord_expected(thinned) -> list[str]:
    return [thinned.estimate("betalen", code, "landsdeel=1").presentation for code in thinned.codebook["betalen"].values]


def test_uncertain_groups_are_flagged_or_suppressed(thinned):
    from pzboek.verkenner import view_table

    data = explorer_data(thinned)
    shown = view_table(data, "betalen", "landsdeel")
    north = shown[shown["Groep"] == "Noord"]
    expected = _noord_expected(thinned)
    assert len(north) == 4 and north.iloc[:, -2].eq("40").all() and "onderdrukt" in expected
    for value, presentation in zip(north["Percentage"], expected):
        assert (value == SUPPRESSED_TEXT) == (presentation == "onderdrukt")
        assert value.endswith("†") == (presentation == "indicatief")


# ------------------------------------------------------------------------------------------------ the page

def _open(t: Tab, query: str = ""):
    """The page with its chart live: a view from the address is drawn at once, the first view once reached for."""
    t.page.goto(t.site + PAGE + query, wait_until="load")
    t.page.locator(".pz-verkenner-grafiek").hover()
    t.page.wait_for_selector(".pz-verkenner.pz-live")
    return t.page


def _drawn(page, question: str, breakdown: str):
    page.wait_for_function(f"() => (document.querySelector('.pz-verkenner').dataset.getekend || '').startsWith('{question}|{breakdown}|')")


def _table_rows(page) -> list[tuple[str, str, str, str]]:
    rows = page.evaluate("""() => Array.from(document.querySelectorAll('.pz-verkenner-tabel tbody tr'),
        r => Array.from(r.cells, c => c.textContent))""")
    grouped = len(rows[0]) == 6
    return [(f"{r[0]}|{r[1]}" if grouped else r[0], *r[-4:-1]) for r in rows]


def test_picked_views_show_the_python_estimates(tab, survey, data):
    t = tab()
    page = _open(t)
    for question, breakdown in VIEWS:
        page.select_option("#pz-vraag", question)
        page.select_option("#pz-naar", breakdown)
        _drawn(page, question, breakdown)
        shown = {key: (MARKS.sub("", p), i, n) for key, p, i, n in _table_rows(page)}
        # the live table's caption is the one Python writes for the first view ("worden? Naar geslacht")
        assert page.locator(".pz-verkenner-tabel caption").inner_text() == caption(data, question, breakdown)
        for key, percentage, interval, n in _expected_rows(survey, question, breakdown):
            assert shown[key] == (percentage, interval, n), (question, breakdown, key)
        bars = page.locator(".pz-verkenner-grafiek svg g.mark-rect path").count()
        assert bars == sum(1 for p, _, _ in shown.values() if p != SUPPRESSED_TEXT), (question, breakdown, bars)
        origins = page.evaluate("""() => Array.from(document.querySelectorAll('.pz-verkenner-tabel tbody tr'),
            r => Array.from(r.cells, c => c.dataset.herkomst))""")
        assert all(len(set(r)) == 1 and r[0] in ("tekst", "benadering", "reconstructie", "gegenereerd") for r in origins)
        if breakdown != NO_BREAKDOWN:
            verdicts = page.locator(".pz-verkenner-toets tbody tr").all_inner_texts()
            note = page.locator(".pz-verkenner-toets").inner_text()
            assert (len(verdicts) == 1) if (question, breakdown) == ("betalen", "geslacht") else note.startswith("Niet getoetst")
        status = page.locator(".pz-verkenner-status")
        assert status.get_attribute("aria-live") == "polite"
        page.wait_for_function("(t) => document.querySelector('.pz-verkenner-status').textContent.startsWith(t)",
                               arg=f"Getoond: ‘{survey.codebook[question].label}’")
    assert not t.outside, t.outside
    assert not t.errors, t.errors


def test_stepping_through_a_list_with_the_keyboard_is_one_step_back_and_one_announcement(tab):
    """Arrow keys in the question list show each view as the reader passes it; the history gets one entry for the
    whole walk (Back returns to where the walk began) and a screen reader hears only the view it stops on."""
    t = tab()
    page = _open(t)
    page.evaluate("""() => { window.heard = []; new MutationObserver(() => heard.push(
        document.querySelector('.pz-verkenner-status').textContent)).observe(
        document.querySelector('.pz-verkenner-status'), {childList: true, characterData: true, subtree: true}); }""")
    page.focus("#pz-vraag")
    for _ in range(5):
        page.keyboard.press("ArrowDown")
    fifth = page.input_value("#pz-vraag")
    page.wait_for_url(re.compile(rf"\?vraag={fifth}&naar=geen$"))
    page.wait_for_function("() => heard.length > 0")
    page.wait_for_timeout(800)
    heard = page.evaluate("heard")
    assert len(heard) == 1 and page.locator("#pz-vraag option:checked").inner_text() in heard[0], heard
    page.go_back()
    page.wait_for_url(re.compile(r"vraag=uitg_1&naar=geen$|verkenner\.html$"))
    _drawn(page, "uitg_1", NO_BREAKDOWN)
    assert not t.errors, t.errors


def test_the_view_is_in_the_address_and_the_back_button_works(tab):
    t = tab()
    page = _open(t)
    page.select_option("#pz-vraag", "org_burgers")
    page.wait_for_url(re.compile(r"\?vraag=org_burgers&naar=geen$"))
    page.select_option("#pz-naar", "leeftijdsgroep")
    page.wait_for_url(re.compile(r"\?vraag=org_burgers&naar=leeftijdsgroep$"))
    _drawn(page, "org_burgers", "leeftijdsgroep")
    shared = page.url
    page.go_back()
    page.wait_for_url(re.compile(r"naar=geen$"))
    _drawn(page, "org_burgers", NO_BREAKDOWN)
    assert page.input_value("#pz-naar") == NO_BREAKDOWN
    assert "Groep" not in page.locator(".pz-verkenner-tabel thead").inner_text()
    page.go_back()
    _drawn(page, "uitg_1", NO_BREAKDOWN)
    assert page.input_value("#pz-vraag") == "uitg_1"
    page.go_forward()
    _drawn(page, "org_burgers", NO_BREAKDOWN)
    # a shared address opens that view
    other = Tab(t.page.context.browser, t.site)
    try:
        other.page.goto(shared, wait_until="load")
        _drawn(other.page, "org_burgers", "leeftijdsgroep")
        assert other.page.input_value("#pz-vraag") == "org_burgers"
        assert "65 jaar en ouder" in other.page.locator(".pz-verkenner-tabel").inner_text()
        assert not other.errors and not other.outside
    finally:
        other.close()
    assert not t.errors and not t.outside, (t.errors, t.outside)


def test_keyboard_picks_a_view(tab):
    t = tab()
    page = _open(t)
    page.focus("#pz-naar")
    page.keyboard.press("ArrowDown")  # geen -> geslacht: a native select changes on arrow keys
    _drawn(page, "uitg_1", "geslacht")
    assert page.url.endswith("naar=geslacht")


def test_questions_stand_under_their_chapters_titles(tab, built_book):
    """The titles as the chapters' pages have them (Sphinx's reading, handed to the page), not parsed in a kernel."""
    page = _open(tab())
    labels = page.eval_on_selector_all("#pz-vraag optgroup", "groups => groups.map(g => g.label)")
    titles = {h: re.search(r"<h1>(?:<span class=\"section-number\">[^<]*</span>)?(.*?)<a", (built_book / "chapters" / f"{h}.html").read_text(encoding="utf-8")).group(1)
              for h in ("02_maatschappelijk_waardevol_werk", "05_financieren")}
    assert labels[0] == f"Hoofdstuk 2. {titles['02_maatschappelijk_waardevol_werk']}"
    assert f"Hoofdstuk 5. {titles['05_financieren']}" in labels and len(labels) == 4


@pytest.mark.parametrize("width", [1280, 375])
def test_first_view_is_a_static_chart_until_reached_for(tab, width):
    """As a chapter's figure: the first view loads no chart library (the wide or, on a phone, the narrow static cut
    shows); pointing at the Verkenner loads Vega and draws the live chart, with intervals. A shared view is drawn at once."""
    t = tab(viewport={"width": width, "height": 900})
    page = t.page
    page.goto(t.site + PAGE, wait_until="networkidle")
    assert [u for u in t.requests if "/_vega/" in u] == []
    shown = page.locator(".pz-verkenner-grafiek svg:visible")
    assert shown.count() == 1 and shown.get_attribute("class").split() == ["marks", "pz-breed" if width > 600 else "pz-smal"]
    assert shown.get_attribute("role") == "img" and shown.get_attribute("aria-label").startswith("Langdurig perspectief")
    assert shown.bounding_box()["width"] / float(shown.get_attribute("width")) > 0.85
    page.locator(".pz-verkenner-grafiek").hover()
    _drawn(page, "uitg_1", NO_BREAKDOWN)
    assert [u for u in t.requests if "/_vega/" in u] == [t.site + "_vega/vega-bundle.js"]
    assert page.locator(".pz-verkenner-grafiek svg g.mark-rule").count() >= 1  # the intervals
    t.page.goto(t.site + PAGE + "?vraag=fin_winsten&naar=opleiding", wait_until="load")
    _drawn(page, "fin_winsten", "opleiding")
    assert not t.errors and not t.outside, (t.errors, t.outside)


def test_first_view_without_javascript(tab, survey):
    t = tab(java_script_enabled=False)
    page = t.page
    page.goto(t.site + PAGE, wait_until="load")
    shown = {key: (MARKS.sub("", p), i, n) for key, p, i, n in _table_rows(page)}
    expected = _expected_rows(survey, "uitg_1", NO_BREAKDOWN)
    assert shown == {k: (p, i, n) for k, p, i, n in expected}
    assert page.locator("#pz-vraag").is_disabled() and page.locator("#pz-naar").is_disabled()
    assert "Zonder JavaScript" in page.locator(".pz-verkenner noscript").inner_text()
    assert page.locator(".pz-verkenner-grafiek svg.pz-breed").is_visible()
    assert not t.outside


def test_uncertain_groups_of_a_thinned_file_on_the_page(tab, thinned):
    """The page's own script with the thinned file's aggregates: Noord's cells are flagged or not shown as the NCHS
    standards say, and the notes explain both."""
    t = tab()
    payload = _page_json(explorer_data(thinned))

    def swap(route):
        body = route.fetch().text()
        body = re.sub(r'(<script type="application/json" class="pz-verkenner-data">).*?(</script>)',
                      lambda m: m[1] + payload + m[2], body, flags=re.S)
        route.fulfill(body=body, content_type="text/html; charset=utf-8")

    t.page.route("**/" + PAGE + "*", swap)
    page = _open(t, "?vraag=betalen&naar=landsdeel")
    _drawn(page, "betalen", "landsdeel")
    north = [r for r in _table_rows(page) if r[0].endswith("|Noord")]
    assert [p == SUPPRESSED_TEXT for _, p, _, _ in north] == [e == "onderdrukt" for e in _noord_expected(thinned)]
    assert all(n == "40" for *_, n in north)
    assert "Niet getoond: te weinig respondenten" in page.locator(".pz-verkenner-noten").inner_text()
    assert not t.errors and not t.outside, (t.errors, t.outside)


def test_csv_of_the_current_view(tab, survey):
    t = tab()
    page = _open(t, "?vraag=betalen&naar=geslacht")
    _drawn(page, "betalen", "geslacht")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV van deze weergave").click()
    assert download.value.suggested_filename == "verkenner-betalen-geslacht.csv"
    text = open(download.value.path(), encoding="utf-8-sig").read()
    lines = [line.split(";") for line in text.strip().splitlines()]
    assert lines[0][:7] == ["vraag", "antwoord", "groep", "percentage", "ondergrens", "bovengrens", "n"]
    e = survey.estimate("betalen", 1, "geslacht=2")
    row = next(r for r in lines if r[1] == "ja, onvoorwaardelijk" and r[2] == "vrouw")
    assert row[3:7] == [dutch.getal(e.share * 100, 1), dutch.getal(e.lower * 100, 1), dutch.getal(e.upper * 100, 1), str(e.n)]
    assert len(lines) == 1 + 2 * len(survey.codebook["betalen"].values)
    assert not t.errors and not t.outside


def test_the_first_view_has_its_notes_and_csv_before_the_reader_reaches_for_it(tab, data):
    """The page as it loads (nothing live yet) carries the first view's notes and its CSV link; a tap makes the file."""
    t = tab(viewport={"width": 375, "height": 740}, has_touch=True, is_mobile=True)
    page = t.page
    page.goto(t.site + PAGE, wait_until="load")
    notes = view_notes(data, data["vragen"][0]["id"], NO_BREAKDOWN)
    assert notes and page.locator(".pz-verkenner-noten p").all_inner_texts() == notes
    link = page.get_by_role("link", name="CSV van deze weergave")
    assert link.is_visible() and not page.locator(".pz-verkenner.pz-live").count()
    link.scroll_into_view_if_needed()
    with page.expect_download() as download:
        link.tap()
    assert download.value.suggested_filename == f"verkenner-{data['vragen'][0]['id']}-{NO_BREAKDOWN}.csv"
    assert open(download.value.path(), encoding="utf-8-sig").read().startswith("vraag;antwoord;groep;percentage")
    assert page.locator(".pz-verkenner-noten p").all_inner_texts() == notes  # as the script writes them
    assert not t.errors and not t.outside


@pytest.mark.parametrize("width", [1280, 800, 375])
def test_chart_text_is_whole_legible_and_apart(tab, survey, width, shots):
    """The chapters' chart rules (test_browser): labels whole, nothing under 11 px, nothing overlapping or outside the SVG."""
    t = tab(viewport={"width": width, "height": 900})
    problems = []
    views = [("uitg_1", NO_BREAKDOWN, "statisch"), ("verdwenen_reden", "provincie", "live"),
             ("verantw_klimaat", NO_BREAKDOWN, "live"), ("betalen", "leeftijdsgroep", "live")]
    for question, breakdown, state in views:
        if state == "live":
            page = _open(t, f"?vraag={question}&naar={breakdown}")
            _drawn(page, question, breakdown)
        else:
            page = t.page
            page.goto(t.site + PAGE, wait_until="load")
        page.evaluate("document.fonts.ready.then(() => true)")
        split = next(b for b in breakdowns(survey) if b.key == breakdown)
        names = list(survey.codebook[question].values.values()) + ([] if breakdown == NO_BREAKDOWN else list(split.groups))
        found = page.evaluate(CHART_TEXTS.replace(".pz-figuur", ".pz-verkenner"), 0)
        problems += [f"{question}/{breakdown} ({state}): {p}" for p in legibility_problems(found, names)]
        widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], widths
        page.locator(".pz-verkenner").screenshot(path=str(shots / f"verkenner-{width}-{question}-{breakdown}-{state}.png"))
    assert not problems, "\n".join(problems)
    assert not t.errors and not t.outside


def test_the_live_chart_is_the_chapters_chart(tab):
    """One spec for the chapters' figures and the Verkenner (charts.bar_chart): the script only fills it in, and the
    chart it draws is that chart, its bars' tooltips too."""
    script = (ROOT / "_static" / "pz-verkenner.js").read_text(encoding="utf-8")
    assert not re.search(r"\b(mark|encoding|layer|transform)\s*:", script), "pz-verkenner.js defines chart marks again"
    assert chart_layout()["grafiek"] == bar_chart(intervals=True, category_title="Antwoord", group_title="Groep")
    t = tab()
    page = _open(t, "?vraag=betalen&naar=geslacht")
    _drawn(page, "betalen", "geslacht")
    page.locator(".pz-verkenner-grafiek svg g.mark-rect path").first.hover()
    page.wait_for_function("() => document.getElementById('vg-tooltip-element')?.classList.contains('visible')")
    lines = page.locator("#vg-tooltip-element").inner_text().split("\n")
    assert [line.split("\t")[0] for line in lines if "\t" in line] == \
        ["Antwoord", "Groep", "Percentage", "95%-interval", "Respondenten (ongewogen)", "Herkomst"], lines
    assert page.locator(".pz-verkenner-grafiek svg g.mark-rule").count() == 3  # the intervals: a line and its two ends
    assert not t.errors and not t.outside


@pytest.fixture(scope="module")
def shots(built_book):
    folder = built_book.parent / "screenshots"
    folder.mkdir(exist_ok=True)
    return folder


def test_dark_mode_redraws_the_chart_in_dark_colours(tab):
    t = tab(color_scheme="dark")
    page = _open(t, "?vraag=betalen&naar=geslacht")
    page.wait_for_function("() => document.querySelector('.pz-verkenner').dataset.getekend.endsWith('d')")
    fills = page.evaluate("""() => Array.from(document.querySelectorAll('.pz-verkenner-grafiek svg text'),
        t => getComputedStyle(t).fill)""")
    assert fills and all(f == "rgb(230, 230, 230)" for f in fills), set(fills)
    page.evaluate("document.documentElement.dataset.theme = 'light'")
    page.wait_for_function("() => document.querySelector('.pz-verkenner').dataset.getekend.endsWith('l')")
    assert not t.errors and not t.outside


def test_reconstructed_values_are_marked_as_in_the_figures(tab):
    """kwestie_1 'genoemd' is reconstructed (figure 3): '*' after the value, a pale bar, and the note under the chart."""
    t = tab()
    page = _open(t, "?vraag=kwestie_1&naar=geen")
    _drawn(page, "kwestie_1", NO_BREAKDOWN)
    rows = dict((key, p) for key, p, _, _ in _table_rows(page))
    assert rows["genoemd"].endswith("%*") and rows["niet genoemd"].endswith("%°"), rows
    notes = page.locator(".pz-verkenner-noten").inner_text()
    assert "* Gereconstrueerd" in notes and "° Gegenereerd" in notes
    opacities = page.evaluate("""() => Array.from(document.querySelectorAll('.pz-verkenner-grafiek svg g.mark-rect path'),
        p => Number(p.getAttribute('fill-opacity') ?? 1))""")
    assert sorted(opacities) == [0.08, 0.3], opacities
    assert not t.errors and not t.outside


def test_estimate_groups_is_estimate(survey):
    """WeightedSurvey.estimate_groups, which the Verkenner uses: per group what estimate() gives, and None for a
    group nobody in which was asked."""
    import numpy as np

    groups = ["opleiding=1", "opleiding=2", "opleiding=3"]
    found = survey.estimate_groups("verdwenen_reden", 1, groups)
    for group, e in zip(groups, found):
        expected = survey.estimate("verdwenen_reden", 1, group)
        assert e.n == expected.n and abs(e.share - expected.share) < 1e-12 and abs(e.lower - expected.lower) < 1e-12
    nobody = np.zeros(len(survey.data), dtype=bool)
    found = survey.estimate_groups("verdwenen_reden", 1, ["opleiding=1", nobody])
    assert found[1] is None and found[0].n == survey.estimate("verdwenen_reden", 1, "opleiding=1").n
