"""De Verkenner: every question of the codebook by every background variable, as the page ships it.

Everything is computed at build time from the configured survey file with the estimation code the chapters
use (WeightedSurvey.estimate_groups: weighted shares, Korn–Graubard 95% intervals, unweighted n, and whether the
NCHS standards let a cell be shown). Every cell carries its provenance level (pzboek/provenance.py). Group tests:
with a real file one Rao–Scott test per question and breakdown (compare_distributions); with the stand-in only
a difference the report prints on both sides is tested, over the rounding of the printed numbers, as chapter 4
does; nothing the generator made gets a verdict. The page receives aggregates only, as compact JSON inside its own
HTML; the first view (the first question, no breakdown) is also written out as a plain table, so it reads without
JavaScript. _static/pz-verkenner.js draws the chart and tables of any other view from that JSON.
"""
from __future__ import annotations

import html
import json
from dataclasses import dataclass

import pandas as pd
from IPython.display import Markdown

from . import charts, dutch, paths
from .appendix import SIGNIFICANCE, UNTESTED_STANDIN, provenance_lines, verdict
from .charts import NARROW, UNCERTAIN_MARK, UNCERTAIN_NOTE, WIDE, chart_spec, html_table, static_svg, PALETTE_STYLE
from .estimates import FLAGGED, SUPPRESSED, Estimate, WeightedSurvey
from .provenance import LEVELS, PROVENANCE, TEXT, value_level
from .published import load_published
from .weighting import weighting_frame

NO_BREAKDOWN = "geen"
EVERYONE = "alle respondenten"
# how a cell's presentation (NCHS standards) is written in the page's JSON
SHOWN_AS = {FLAGGED: "i", SUPPRESSED: "o"}
SUPPRESSED_TEXT = "niet getoond"
SUPPRESSED_NOTE = ("Niet getoond: te weinig respondenten of een te breed interval om het percentage te tonen "
                   "(normen van het NCHS, zie de Verantwoording).")


@dataclass(frozen=True)
class Breakdown:
    """A background variable to split every question by: its groups as subgroup specs or masks."""

    key: str  # in the address: ?naar=geslacht
    label: str
    groups: tuple[str, ...]  # group labels
    members: tuple  # per group: a subgroup spec ('geslacht=1') or a boolean mask


def breakdowns(survey: WeightedSurvey) -> list[Breakdown]:
    """'geen' and every background variable of the codebook; age in years as the weighting's age groups."""
    found = [Breakdown(NO_BREAKDOWN, "geen (alle respondenten)", (EVERYONE,), ("",))]
    ages = {m.source_variable: m for m in survey.margins if m.age_groups}
    for var in survey.codebook.variables.values():
        if var.kind != "achtergrond":
            continue
        if var.name in ages:
            margin = ages[var.name]
            column = weighting_frame(survey.data, (margin,))[margin.dimension].to_numpy()
            found.append(Breakdown(margin.dimension, "leeftijdsgroep", tuple(margin.age_label(c) for c in margin.age_groups),
                                   tuple(column == c for c in margin.age_groups)))
        elif var.values:
            codes = [c for c in var.values if c not in var.missing]
            found.append(Breakdown(var.name, var.label.lower(), tuple(var.values[c] for c in codes),
                                   tuple(f"{var.name}={c}" for c in codes)))
    return found


def questions(survey: WeightedSurvey) -> list:
    """Every question of the codebook (not the id or background variables), in chapter order. With the stand-in,
    not the items the report does not name (Figure 1's anonymous other uitgangspunten): both the item and its
    numbers would be this edition's invention."""
    chosen = [v for v in survey.codebook.variables.values()
              if v.kind == "vraag" and v.values and (v.in_report or not survey.standin)]
    return sorted(chosen, key=lambda v: v.chapters[0] if v.chapters else "~")  # questions of no chapter last


def tenths(share: float) -> int:
    """A share as tenths of a percent, with the digits dutch.getal(share * 100, 1) writes: 0.6012 -> 601."""
    return int(f"{share * 100:.1f}".replace(".", ""))


def _cell(estimate: Estimate | None, level: str) -> list | None:
    """[percentage, lower and upper bound in tenths of a percent, n, level letter, presentation ('', 'i', 'o'),
    percentage in tenths (for the CSV)]; a suppressed cell carries no numbers but its n."""
    if estimate is None:
        return None
    shown = SHOWN_AS.get(estimate.presentation, "")
    if shown == "o":
        return [None, None, None, estimate.n, PROVENANCE[level].letter, shown, None]
    return [estimate.percent, tenths(estimate.lower), tenths(estimate.upper), estimate.n, PROVENANCE[level].letter,
            shown, tenths(estimate.share)]


def group_test(survey: WeightedSurvey, var, split: Breakdown, found: dict) -> list | None:
    """[p as the page writes it, the verdict, what was tested] for one question and breakdown, or None when nothing
    can be tested. With the stand-in only an answer whose every group the report prints is tested, over the rounding
    of the printed numbers (compare_within_rounding, as chapter 4); with a real file the whole distribution."""
    if survey.standin:
        for code, estimates in found.items():
            printed = [(e, g, label) for e, g, label in zip(estimates, split.members, split.groups)
                       if e is not None and value_level(var.name, code, g, True) == TEXT]
            if len(printed) >= 2:
                r = survey.compare_within_rounding(var.name, (code,), [g for _, g, _ in printed],
                                                   [e.percent for e, _, _ in printed])
                groups = "" if len(printed) == len(split.members) else \
                    f" ({' en '.join(label for _, _, label in printed)}: de groepen waarvoor het rapport een getal noemt)"
                return [f"{dutch.p_waarde(r.p_low)}–{dutch.p_waarde(r.p_high)}", verdict(r.p_low, r.p_high),
                        f"‘{var.values[code]}’{groups}, over de afronding van de percentages die het rapport noemt"]
        return None
    test = survey.compare_distributions(var.name, list(split.members))
    return None if test is None else [dutch.p_waarde(test.p_value), verdict(test.p_value, test.p_value), "alle antwoorden"]


def explorer_data(survey: WeightedSurvey) -> dict:
    """The page's JSON: questions with their provenance, breakdowns, and per question, breakdown and answer the
    cells (see _cell), and per question and breakdown the group test (see group_test)."""
    published = load_published()
    splits = breakdowns(survey)
    items = []
    for var in questions(survey):
        answers = list(var.values)
        cells, tests = {}, {}
        for split in splits:
            found = {code: survey.estimate_groups(var.name, code, list(split.members)) for code in answers}
            cells[split.key] = [[_cell(e, value_level(var.name, code, g, survey.standin))
                                 for e, g in zip(found[code], split.members)] for code in answers]
            if split.key != NO_BREAKDOWN:
                tests[split.key] = group_test(survey, var, split, found)
        words = published.loc[(published["variabele"] == var.name) & (published["bron"] == "benadering"), "in_tekst"]
        items.append({
            "id": var.name, "label": var.label,
            "hoofdstuk": var.chapters[0] if var.chapters else "",
            "herkomst": provenance_lines(var, survey.codebook),
            "antwoorden": [var.values[c] for c in answers],
            "woorden": " en ".join(f"‘{w}’" for w in dict.fromkeys(words)),
            "cijfers": cells, "toetsen": tests,
        })
    return {
        "vragen": items,
        "indelingen": [{"id": s.key, "label": s.label, "groepen": list(s.groups)} for s in splits],
        "vervangend": survey.standin,
        "niveaus": LEVELS,
        "tekens": {p.letter: p.value for p in PROVENANCE.values()} | {"i": UNCERTAIN_MARK, "o": SUPPRESSED_TEXT},
        "legenda": {p.letter: p.legend for p in PROVENANCE.values()},
        "noten": {p.letter: p.note for p in PROVENANCE.values() if p.note} | {"i": UNCERTAIN_NOTE, "o": SUPPRESSED_NOTE},
        "niet_getoetst": UNTESTED_STANDIN if survey.standin else "Niet te toetsen: te weinig groepen of antwoorden met respondenten.",
        "significantie": dutch.getal(SIGNIFICANCE, 2),
        "opmaak": chart_layout(),
    }


def chart_layout() -> dict:
    """The chapters' chart (pzboek/charts.py: bar_chart) and its rules, for the chart pz-verkenner.js lays out: one
    set of numbers, one spec."""
    return {
        "lettergrootte": charts.FONT_SIZE, "regelhoogte": charts.LINE_HEIGHT, "enkelestaaf": charts.BAR,
        "staaf": charts.GROUP_BAR, "staafruimte": charts.BAR_GAP, "rijruimte": charts.ROW_GAP,
        "legendaruimte": charts.LEGEND_GAP, "legendarij": charts.LEGEND_ROW,
        "labelruimte": charts.LABEL_GAP, "marge": charts.PADDING, "labelkolom": charts.WIDE.labels,
        "lettertype": charts.fonts.FAMILY, "licht": charts.chart_config(), "donker": charts.chart_config(dark=True),
        "dekking": {p.letter: p.opacity for p in PROVENANCE.values()},
        "streep": {p.letter: p.dash for p in PROVENANCE.values()},
        # the chapters' bar chart, with intervals; pz-verkenner.js fills in its datasets (charts.BARS, LABELS,
        # LEGEND), its size and its label column (params[0], charts.COLUMN). Without a breakdown a bar's group, in
        # its tooltip, is 'alle respondenten'.
        "grafiek": charts.bar_chart(intervals=True, category_title="Antwoord", group_title="Groep"),
    }


def cell_texts(cell: list | None, marks: dict) -> tuple[str, str, str]:
    """Percentage, interval and n as the page's table writes them ('63%°†', '58,3–67,0%', '1.004')."""
    if cell is None:
        return "geen respondenten", "", "0"
    pct, lower, upper, n, level, shown, _ = cell
    if shown == "o":
        return marks["o"], "", dutch.getal(n)
    value = marks[level].format(f"{pct}%") + (marks["i"] if shown else "")
    return value, f"{dutch.getal(lower / 10, 1)}–{dutch.getal(upper / 10, 1)}%", dutch.getal(n)


def _entry(entries: list[dict], key: str) -> dict:
    """The question or breakdown of the page's JSON with this id."""
    return next(e for e in entries if e["id"] == key)


def view_table(data: dict, question: str, breakdown: str) -> pd.DataFrame:
    """One view as the page's table shows it (pz-verkenner.js writes the same columns)."""
    item = _entry(data["vragen"], question)
    split = _entry(data["indelingen"], breakdown)
    rows = []
    for answer, groups in zip(item["antwoorden"], item["cijfers"][breakdown]):
        for group, cell in zip(split["groepen"], groups):
            value, interval, n = cell_texts(cell, data["tekens"])
            rows.append({"Antwoord": answer, **({"Groep": group} if breakdown != NO_BREAKDOWN else {}),
                         "Percentage": value, "95%-interval": interval, n_header(data["vervangend"]): n,
                         "Herkomst": data["legenda"][cell[4]] if cell else ""})
    return pd.DataFrame(rows)


def view_levels(data: dict, question: str, breakdown: str) -> list[str | None]:
    """Each row's provenance level, in view_table's order."""
    item = _entry(data["vragen"], question)
    return [data["niveaus"][cell[4]] if cell else None for groups in item["cijfers"][breakdown] for cell in groups]


def n_header(standin: bool) -> str:
    return f"Respondenten (ongewogen{', vervangend bestand' if standin else ''})"


def caption(data: dict, question: str, breakdown: str) -> str:
    item = _entry(data["vragen"], question)
    split = _entry(data["indelingen"], breakdown)
    # after a question mark a new sentence: "… betaald worden? Naar leeftijdsgroep", not "worden?, naar"
    by = "" if breakdown == NO_BREAKDOWN else (" Naar " if item["label"][-1] in "?!." else ", naar ") + split["label"]
    return f"{item['label']}{by} (gewogen percentages{', vervangend bestand' if data['vervangend'] else ''})"


def view_notes(data: dict, question: str, breakdown: str) -> list[str]:
    """The notes under a view, as pz-verkenner.js writes them: one for each mark its cells carry."""
    item = _entry(data["vragen"], question)
    cells = [cell for row in item["cijfers"][breakdown] for cell in row if cell]
    return [note.replace("{woorden}", item["woorden"]) for mark, note in data["noten"].items()
            if any(mark in (cell[4], cell[5]) for cell in cells)]


def first_chart(data: dict) -> str:
    """The first view (first question, no breakdown) as the chapters draw a figure: static SVG, a wide and a narrow
    cut (charts.chart_spec). It is the chart until a reader reaches for the Verkenner; pz-verkenner.js then
    draws the live chart, which adds each value's interval."""
    item = data["vragen"][0]
    rows = []
    for answer, (cell,) in zip(item["antwoorden"], item["cijfers"][NO_BREAKDOWN]):
        value, interval, n = cell_texts(cell, data["tekens"])
        kind = LEVELS[cell[4]] if cell else TEXT
        rows.append({"categorie": answer, "groep": "", "percentage": (cell[0] or 0) if cell else 0, "label": value,
                     "interval": interval, "n_tekst": n, "bron": kind, "herkomst": PROVENANCE[kind].legend})
    table = pd.DataFrame(rows)
    description = (f"{caption(data, item['id'], NO_BREAKDOWN)}. Staafdiagram; "
                   + "; ".join(f"{r.categorie}: {r.label}{PROVENANCE[r.bron].spoken}, 95%-interval {r.interval}"
                               for r in table.itertuples()) + ".")
    return "".join(static_svg(chart_spec(item["id"], table, layout, description), cut)
                   for layout, cut in [(WIDE, "pz-breed"), (NARROW, "pz-smal")])


def _options(data: dict) -> str:
    """The questions by chapter: 'Hoofdstuk 2', which pz-verkenner.js completes with the chapter's title as Sphinx
    read it (the page's pz-hoofdstukken, pzboek/sphinxext/pages.py), so a title is never read in a kernel."""
    groups: dict[str, list[str]] = {}
    for q in data["vragen"]:
        groups.setdefault(q["hoofdstuk"], []).append(f'<option value="{q["id"]}">{html.escape(q["label"])}</option>')
    return "\n".join((f'<optgroup label="Hoofdstuk {paths.chapter_number(h)}" data-hoofdstuk="{h}">' if h else
                      '<optgroup label="Overige vragen">') + "\n".join(o) + "</optgroup>" for h, o in groups.items())


def _page_json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


def explorer_html(survey: WeightedSurvey) -> str:
    """The explorer element: the form (shown once the script runs), the first view as a table, and the JSON."""
    data = explorer_data(survey)
    first = data["vragen"][0]
    splits = "\n".join(f'<option value="{s["id"]}">{html.escape(s["label"][0].upper() + s["label"][1:])}</option>'
                     for s in data["indelingen"])
    about = "\n".join(f"<p>{html.escape(line)}</p>" for line in first["herkomst"])
    return (
        f'<div class="pz-verkenner">{PALETTE_STYLE}'
        # usable once the script runs (pz-verkenner.js enables it); disabled, not hidden, so nothing moves then
        '<form class="pz-verkenner-keuze"><fieldset disabled><legend>Kies wat de Verkenner toont</legend>\n'
        f'<p><label for="pz-vraag">Vraag</label>\n<select id="pz-vraag" name="vraag">{_options(data)}</select></p>\n'
        f'<p><label for="pz-naar">Uitgesplitst naar</label>\n<select id="pz-naar" name="naar">{splits}</select></p>'
        # a submit button for the form (HTML_CodeSniffer H32), out of sight and out of the tab order: a choice in a
        # list shows its view at once
        '<button type="submit" class="visually-hidden" tabindex="-1">Toon</button>'
        "</fieldset></form>"
        '<p class="pz-verkenner-status" aria-live="polite" aria-atomic="true"></p>'
        f'<div class="pz-verkenner-vraag">{about}</div>'
        f'<div class="pz-verkenner-grafiek"><div class="pz-chart">{first_chart(data)}</div></div>'
        '<noscript><p class="pz-noot">Zonder JavaScript toont de Verkenner alleen de eerste vraag; de verdeling '
        "van elke vraag staat ook in het codeboek.</p></noscript>"
        # a details element as the figures' tables are: a table wider than a phone scrolls sideways inside it, and
        # its summary makes the scroller reachable by keyboard (axe) without a tab stop that is no control (IBM)
        '<details class="pz-verkenner-tabel" open><summary>Tabel<span class="visually-hidden"> bij deze weergave</span></summary>'
        f'{html_table(view_table(data, first["id"], NO_BREAKDOWN), caption(data, first["id"], NO_BREAKDOWN), view_levels(data, first["id"], NO_BREAKDOWN))}</details>'
        '<div class="pz-verkenner-toets"></div>\n<div class="pz-verkenner-noten">'
        + "\n".join(f'<p class="pz-noot">{html.escape(n)}</p>' for n in view_notes(data, first["id"], NO_BREAKDOWN))
        + "</div>\n"
        # shown by the script as the page loads; the link gets its file (written in the browser) when a reader
        # reaches for the Verkenner, as the chart turns live
        f'<p class="pz-downloads pz-verkenner-download" hidden>Download: <a href="#" download="verkenner-{first["id"]}-'
        f'{NO_BREAKDOWN}.csv">CSV van deze weergave</a></p>'
        f'<script type="application/json" class="pz-verkenner-data">{_page_json(data)}</script>'
        "</div>"
    )


def standin_tests_sentence(data: dict) -> Markdown:
    """For the Verantwoording: which differences the Verkenner tests with the stand-in, read from its own tests
    (explorer_data), so that the sentence names every one the page shows."""
    if not data["vervangend"]:
        return Markdown("Met het vervangende bestand toetst de Verkenner alleen verschillen tussen groepen waarvan het "
                        "rapport de percentages noemt; alle andere verschillen in dat bestand zijn gegenereerd.")
    splits = {s["id"]: s["label"] for s in data["indelingen"]}
    tested = [f"‘{q['label']}’ naar {' en naar '.join(splits[b] for b, t in q['toetsen'].items() if t)}"
              for q in data["vragen"] if any(q["toetsen"].values())]
    return Markdown(
        "Met het vervangende bestand toetst de Verkenner alleen een antwoord waarvan het rapport het percentage van "
        f"elke getoetste groep noemt, op de manier van hoofdstuk 4: {dutch.opsomming(tested) if tested else 'geen'}. "
        "Alle andere verschillen in dat bestand zijn gegenereerd en worden niet getoetst.")


def guide_sentence(survey: WeightedSurvey) -> Markdown:
    """What the Verkenner's numbers are, for the top of its page: with the stand-in, a demonstration."""
    if not survey.standin:
        return Markdown("Alle percentages komen uit het onderzoeksbestand waarmee dit boek is gebouwd; waar het rapport "
                        "een percentage noemt, staat dat erbij.")
    return Markdown(
        "**Met het vervangende bestand is de Verkenner een demonstratie van het instrument.** Het bestand is "
        "gegenereerd: alleen de percentages die het rapport noemt (zonder teken, met ≈ of met \\*) berusten op het "
        "onderzoek van 2019. Alle andere percentages, met het teken °, bestaan alleen in het vervangende bestand en "
        "zeggen niets over de peiling; verschillen tussen groepen worden daarin niet getoetst. Vragen waarvan het "
        "rapport het onderwerp niet noemt (drie naamloze uitgangspunten bij figuur 1), ontbreken hier.")


class Verkenner:
    """What the page's code cell shows: the explorer element, computed from the configured survey file."""

    def __init__(self, survey: WeightedSurvey | None = None):
        from .data import load_weighted_survey

        self.survey = survey or load_weighted_survey()

    def _repr_html_(self) -> str:
        return explorer_html(self.survey)
