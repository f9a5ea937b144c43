"""Tables and figures of the book's method sections: group tests, Verantwoording and Codebook.

Everything is computed from the configured survey file and the metadata in data/.
"""
from __future__ import annotations

import datetime
import html
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd

from . import dutch, paths
from .charts import FONT_SIZE, PADDING, VALUE_ROOM, Figure, chart_config, html_table
from .estimates import MAX_RELATIVE_WIDTH, MAX_WIDTH, MIN_EFFECTIVE_N, MIN_N, SUPPRESSED, WeightedSurvey
from .provenance import APPROXIMATED, GENERATED, LEVELS, PROVENANCE, TEXT, level_of_source, value_level
from .survey import Variable
from .published import load_comparisons, load_errata, load_published
from .weighting import WEIGHT_CAP

SIGNIFICANCE = 0.05
UNTESTED_STANDIN = ("Niet getoetst: deze verschillen staan niet in het rapport, en in een gegenereerd bestand zou "
                    "een toets alleen iets zeggen over hoe het is gemaakt.")
ORIGINS = {"benadering": "benaderd: de tekst zegt ‘{woorden}’", "reconstructie": "gereconstrueerd: de tekst noemt geen getal",
           "uitgave": "toegevoegd door deze uitgave: niet in het rapport"}
KIND_LABELS = {"bron": "gepubliceerd cijfer", "afgeleid": "afgeleid uit gepubliceerde cijfers",
               "proxy": "benadering (ander jaar of andere leeftijdsgroep)"}


def group_tests(survey: WeightedSurvey, chapter: str) -> str:
    """HTML table: each group difference the chapter's text claims between printed numbers, tested.

    With the stand-in file the exact shares are this edition's; only their rounding to the printed whole
    percentages is the report's. So the test runs over every set of shares that round to those numbers, and
    the verdict says when it depends on the rounding. With a real file the file's own shares are tested."""
    rows = []
    for row in load_comparisons().query("hoofdstuk == @chapter").itertuples():
        estimates = [survey.estimate(row.variabele, row.codes, g) for g in row.groepen]
        labels = [_group_label(survey, g) for g in row.groepen]
        if survey.standin:
            found = survey.compare_within_rounding(row.variabele, row.codes, row.groepen, [e.percent for e in estimates])
            rows.append({
                "Wat het rapport zegt": f"‘{row.rapport}’",
                "Percentages in het rapport": " / ".join(f"{g} {dutch.procent(e.share)}" for g, e in zip(labels, estimates)),
                "Verschil binnen de afronding": f"{dutch.getal(found.difference_low * 100)}–{dutch.getal(found.difference_high * 100)} procentpunt",
                "p binnen de afronding": f"{dutch.p_waarde(found.p_low)}–{dutch.p_waarde(found.p_high)}",
                "Oordeel van deze uitgave": verdict(found.p_low, found.p_high),
            })
        else:
            test = survey.compare_distributions(row.variabele, row.groepen, row.codes)
            spread = max(e.share for e in estimates) - min(e.share for e in estimates)
            rows.append({
                "Wat het rapport zegt": f"‘{row.rapport}’",
                "Gewogen percentages": " / ".join(f"{g} {dutch.procent(e.share, 1)}" for g, e in zip(labels, estimates)),
                "Verschil": f"{dutch.getal(spread * 100, 1)} procentpunt",
                "p": dutch.p_waarde(test.p_value),
                "Oordeel van deze uitgave": verdict(test.p_value, test.p_value),
            })
    method = ("Wald-toets; groepsgrootten en designeffect van het vervangende bestand" if survey.standin
              else "toets van Rao en Scott")
    return html_table(pd.DataFrame(rows), "Verschillen tussen groepen die de tekst noemt, getoetst met de gewichten "
                                          f"({method}, significant bij p < {dutch.getal(SIGNIFICANCE, 2)})")


def verdict(p_low: float, p_high: float) -> str:
    if p_high < SIGNIFICANCE:
        return "groter dan door toeval te verklaren (significant)" + (" bij elke afronding" if p_low != p_high else "")
    if p_low >= SIGNIFICANCE:
        return "kan toeval zijn (niet significant)" + (" bij elke afronding" if p_low != p_high else "")
    return "hangt af van de afronding: kan toeval zijn, of net significant"


def _group_label(survey: WeightedSurvey, spec: str) -> str:
    if spec.startswith("leeftijd"):
        return "55-plus" if ">=" in spec else "jonger dan 55"
    variable, code = spec.split("=")
    return survey.codebook[variable].values[int(code)]


def diagnostics(survey: WeightedSurvey) -> dict[str, str]:
    """The weighting diagnostics as the Verantwoording prints them."""
    w = survey.weighting
    return {
        "n_respondenten": dutch.getal(w.n),
        "design_effect": dutch.getal(w.design_effect, 2),
        "effectieve_n": dutch.getal(w.effective_n),
        "min_n": dutch.getal(MIN_N),
        "min_n_eff": dutch.getal(MIN_EFFECTIVE_N),
        "max_breedte": dutch.getal(MAX_WIDTH * 100),
        "max_relatief": dutch.getal(MAX_RELATIVE_WIDTH * 100),
        "bestand": survey_sentence(survey),
        **weighting_text(survey),
    }


def weighting_text(survey: WeightedSurvey) -> dict[str, str]:
    """How this build weighted the file, in the Verantwoording's words: raked by the book, or the delivery's own
    weight variable (codebook `gewicht`)."""
    w = survey.weighting
    low, high = (dutch.getal(x, 2) for x in w.weight_range)
    error = w.max_margin_error * 100
    error = "minder dan 0,01" if error < 0.005 else dutch.getal(error, 2)
    spread = f"De gewichten lopen uiteen van {low} tot {high}."
    if w.source:
        return {
            "weging_methode": (
                f"Het onderzoeksbestand bevat een eigen weegfactor (de variabele `{w.source}`). Dit boek gebruikt "
                "die gewichten zoals ze zijn geleverd, herschaald naar een gemiddelde van 1, en weegt niet zelf; hoe "
                "ze zijn berekend, staat niet in het bestand. Het grootste verschil tussen een gewogen verdeling en "
                f"de bevolkingscijfers hieronder is {error} procentpunt."),
            "weging_grens": spread,
            "variantie_methode": ("berekend met Taylorlinearisatie, waarbij de geleverde gewichten als vaste "
                                  "gewichten gelden"),
        }
    return {
        "weging_methode": (
            "Hoe I&O Research de respondenten heeft gewogen, en met welke bevolkingscijfers, vermeldt het rapport "
            "niet. Deze uitgave weegt het bestand daarom zelf. Iedere respondent krijgt een gewicht, berekend met "
            "*raking* (iteratieve proportionele aanpassing, met het Python-pakket weightipy) op vier kenmerken "
            "tegelijk: geslacht, leeftijd in drie groepen, onderwijsniveau en landsdeel (de uitwerking van 'regio' "
            "in deze uitgave). Het grootste verschil tussen een gewogen verdeling en het bevolkingscijfer is daarna "
            f"{error} procentpunt."),
        "weging_grens": (
            f"Om te voorkomen dat enkele respondenten een onevenredig grote invloed krijgen, is elk gewicht begrensd "
            f"op {dutch.getal(WEIGHT_CAP)} keer het gemiddelde gewicht; die grens wordt in elke stap van de raking "
            f"toegepast, zodat de verdelingen daarna nog steeds kloppen. {spread}"),
        "variantie_methode": ("berekend met Taylorlinearisatie voor gekalibreerde gewichten, zoals het R-pakket "
                              "*survey* dat doet na kalibratie"),
    }


def survey_sentence(survey: WeightedSurvey) -> str:
    """Which file this build used, in one sentence that follows the file."""
    if survey.standin:
        return ("Dit boek is gebouwd met het **vervangende bestand** van deze uitgave: alle getallen, intervallen, "
                "aantallen en toetsen in het boek komen daaruit.")
    return (f"Dit boek is gebouwd met het onderzoeksbestand `{Path(survey.path).name}`; het vervangende bestand "
            "van deze uitgave is daarbij niet gebruikt.")


def _distinct_rows() -> pd.DataFrame:
    """The published-figures table with each survey number once (some are quoted in several chapters): what
    the Verantwoording counts and lists."""
    table = load_published()
    return table[table["codes"].map(bool)].drop_duplicates(["variabele", "categorie", "subgroep"])


def margin_sources(survey: WeightedSurvey) -> str:
    rows = [{
        "Kenmerk": "Leeftijd" if m.age_groups else survey.codebook[m.source_variable].label,
        "Soort": KIND_LABELS[m.kind],
        "Bron": m.source,
        "Peildatum": dutch.datum(_date(m.reference_date)),
        "Toelichting": m.note,
    } for m in survey.margins]
    caption = ("Bevolkingscijfers waarmee deze uitgave de geleverde gewichten vergelijkt" if survey.weighting.source
               else "Bevolkingscijfers waarop deze uitgave heeft gewogen")
    return html_table(pd.DataFrame(rows), caption)


def _date(text: str):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return text


def composition(survey: WeightedSurvey) -> str:
    frame = survey.composition()
    if not survey.standin:
        return html_table(frame, "Samenstelling: ongewogen steekproef, gewogen steekproef en bevolking")
    # the generated sample's make-up is the generator's (marked); weighted it equals the population by construction
    unweighted = "Vervangend bestand, ongewogen"
    frame = frame.rename(columns={"Steekproef ongewogen": unweighted, "Steekproef gewogen": "Vervangend bestand, gewogen"})
    frame[unweighted] = frame[unweighted].map(PROVENANCE[GENERATED].value.format)
    note = ('<p class="pz-noot">De steekproefkolommen beschrijven het vervangende bestand van deze uitgave, '
            "niet het panel van I&amp;O Research: hoe dat panel was samengesteld en gewogen, vermeldt het "
            f"rapport niet. {html.escape(PROVENANCE[GENERATED].note)}</p>")
    return html_table(frame, "Samenstelling: ongewogen steekproef, gewogen steekproef en bevolking",
                      [{unweighted: GENERATED}] * len(frame)) + note


WEIGHT_TITLE = "Verdeling van de weegfactoren (aantal respondenten per klasse)"  # Figure A2, in the Verantwoording


def weight_table(survey: WeightedSurvey) -> pd.DataFrame:
    """The weights counted in classes a quarter wide (empty classes left out): no respondent-level values."""
    weights = survey.weighting.weights.to_numpy()
    edges = np.arange(0, np.ceil(weights.max() * 4) / 4 + 0.25, 0.25)
    counts, _ = np.histogram(weights, bins=edges)
    table = pd.DataFrame({"van": edges[:-1], "tot": edges[1:], "aantal": counts})
    table["klasse"] = [f"{dutch.getal(a, 2)}–{dutch.getal(b, 2)}" for a, b in zip(table["van"], table["tot"])]
    return table[table["aantal"] > 0].reset_index(drop=True)


def weight_figure(survey: WeightedSurvey) -> Figure:
    """Histogram of the weights (Figure A2)."""
    table = weight_table(survey)
    # bins down the side: their labels ("0,25–0,50") never collide, at any width
    base = alt.Chart(table).encode(
        y=alt.Y("klasse:N", sort=None, title="Gewicht",
                axis=alt.Axis(labelFontSize=FONT_SIZE, titleFontSize=FONT_SIZE, titleFontWeight="normal", ticks=False,
                              domain=False)),
        x=alt.X("aantal:Q", axis=None, scale=alt.Scale(range=[0, {"expr": f"width - {VALUE_ROOM}"}])),
        tooltip=[alt.Tooltip("klasse:N", title="Gewicht"), alt.Tooltip("aantal:Q", title="Respondenten")],
    )
    description = ("Verdeling van de weegfactoren: " +
                   "; ".join(f"{r.klasse}: {r.aantal} respondenten" for r in table.itertuples()) + ".")
    values = base.mark_text(align="left", baseline="middle", dx=4, fontSize=FONT_SIZE).encode(text="aantal:Q")
    spec = (base.mark_bar() + values).properties(
        width=210, height=alt.Step(22), description=description, padding=PADDING,  # fits a phone unscaled
    ).to_dict() | {"config": chart_config()}
    shown = pd.DataFrame({"Gewicht": table["klasse"], "Aantal respondenten": table["aantal"].map(dutch.getal)})
    return Figure("figuurA2", spec, shown, "Verdeling van de weegfactoren")


def corrections() -> str:
    """The deliberate differences from the report's text (data/errata.csv), for readers."""
    errata = load_errata()
    if errata.empty:
        return "<p>Deze uitgave wijkt nergens bewust af van de tekst van het rapport.</p>"
    shown = pd.DataFrame({
        "Hoofdstuk": [paths.chapter_number(h) if paths.CHAPTER_STEM.match(h) else h for h in errata["hoofdstuk"]],
        "In het rapport": errata["origineel"],
        "In deze uitgave": errata["correctie"],
        "Reden": errata["reden"],
        "Datum": [dutch.datum(datetime.date.fromisoformat(d)) for d in errata["datum"]],
    })
    return html_table(shown, "Correcties ten opzichte van de tekst van het rapport")


def non_printed_values(survey: WeightedSurvey) -> pd.DataFrame:
    """Every value of the published-figures table that the report does not print as a number."""
    rows = _distinct_rows().query("bron != 'tekst'")
    return pd.DataFrame({
        "Waar": [f"figuur {f}" if f else f"hoofdstuk {paths.chapter_number(h)}" for f, h in zip(rows["figuur"], rows["hoofdstuk"])],
        "Categorie": [survey.codebook[v].label for v in rows["variabele"]],
        "Antwoord": [" of ".join(survey.codebook[r.variabele].values[c] for c in r.codes) for r in rows.itertuples()],
        "Groep": [_group_label(survey, g) if g else "" for g in rows["subgroep"]],
        "Herkomst": [ORIGINS[r.bron].format(woorden=r.in_tekst) for r in rows.itertuples()],
        "Gekozen waarde (deze uitgave)": ["" if pd.isna(v) else f"{v}%" for v in rows["waarde"]],
        "Schatting uit het bestand": [dutch.procent(survey.estimate(r.variabele, r.codes, r.subgroep).share)
                                      for r in rows.itertuples()],
    })


def reconstructed_values(survey: WeightedSurvey) -> str:
    return html_table(non_printed_values(survey), "Waarden die het rapport niet als getal noemt")


def provenance_lines(var: Variable, codebook) -> list[str]:
    """Where a question comes from: the report's words for it (or that it is this edition's), its wording as this
    edition formulates it, and whom it was asked."""
    lines = [f"In het rapport: ‘{var.in_report}’." if var.in_report
             else "Niet in het rapport: een toevoeging van deze uitgave."]
    # the report publishes no questionnaire: a wording, where there is one, is always this edition's
    lines.append(f"Vraag zoals deze uitgave haar formuleert: {var.question or var.label}")
    if var.filter:
        lines.append("Gesteld aan wie " + " en ".join(f"bij ‘{codebook[k].label}’ antwoordde: {codebook[k].values[v]}"
                                                       for k, v in var.filter.items()) + ".")
    if var.reading:
        lines.append(var.reading)
    return lines


def codebook_levels(survey: WeightedSurvey, var: Variable) -> dict[int, str | None]:
    """Per answer code, the provenance level of its weighted percentage as the Codeboek shows it, or None where it
    is not shown. With the stand-in a percentage is shown only where it has a basis outside the generator: the
    report (provenance levels), or, for a weighting variable, the population figure it was raked to."""
    raked = {m.source_variable for m in survey.margins if not m.age_groups}
    levels = {}
    for code in var.values:
        level = value_level(var.name, code, "", survey.standin)
        if survey.standin and level == GENERATED:
            level = "weging" if var.name in raked else None
        levels[code] = level
    return levels


RAKED_NOTE = "gelijk aan het bevolkingscijfer waarop is gewogen (Verantwoording)"
STANDIN_CODEBOOK_NOTE = ("Met het vervangende bestand toont het codeboek alleen percentages die op het rapport of op "
                         "een bevolkingscijfer berusten; de rest van de verdeling is gegenereerd en zegt niets over de "
                         "peiling.")


BACKGROUND = "achtergrond"


def codebook_part_of(var: Variable) -> str:
    """The Codeboek's section a variable stands in: the background variables, or the first chapter that asks it."""
    return BACKGROUND if var.kind == BACKGROUND else var.chapters[0]


def codebook_parts(survey: WeightedSurvey) -> list[str]:
    """The Codeboek's sections in page order (chapters/codeboek.md has a heading for each)."""
    return list(dict.fromkeys(codebook_part_of(v) for v in survey.codebook.variables.values() if v.kind != "id"))


def codebook_sections(survey: WeightedSurvey, part: str | int) -> list[tuple[Variable, str]]:
    """Per variable of section `part` (codebook_part_of): its provenance, question, categories and (where shown, see
    codebook_levels) weighted percentages; with a real file also the unweighted counts."""
    parts = []
    data, w = survey.data, survey.weights
    for var in survey.codebook.variables.values():
        if var.kind == "id" or codebook_part_of(var) != part:
            continue
        column = data[var.name].to_numpy()
        asked = ~np.isnan(column)
        levels = []
        if var.value_range:
            values = column[asked]
            if survey.standin:
                frame = pd.DataFrame([{"Statistiek": "bereik", "Waarde": f"{dutch.getal(var.value_range[0])}–{dutch.getal(var.value_range[1])} (toegestaan)"}])
            else:
                frame = pd.DataFrame([{"Statistiek": "bereik", "Waarde": f"{dutch.getal(values.min())}–{dutch.getal(values.max())}"},
                                      {"Statistiek": "gewogen gemiddelde", "Waarde": dutch.getal(np.average(values, weights=w[asked]), 1)},
                                      {"Statistiek": "aantal (ongewogen)", "Waarde": dutch.getal(asked.sum())}])
        else:
            found = codebook_levels(survey, var)
            rows = []
            for code, label in var.values.items():
                level = found[code]
                share = w[column == code].sum() / w[asked].sum()
                named = code in var.answers_in_report or level in (TEXT, APPROXIMATED)  # its value is printed
                row = {"Code": code, "Antwoord": label + (" (ontbrekend)" if code in var.missing else ""),
                       "Antwoord genoemd in het rapport": "ja" if named else "nee (deze uitgave)"}
                if not survey.standin:
                    row["Aantal (ongewogen)"] = dutch.getal(int((column == code).sum()))
                # a report's value as the report prints it: the stand-in's tenths are the generator's
                shown = dutch.procent(share, 0 if survey.standin and level in PROVENANCE else 1)
                row["Percentage (gewogen)"] = (PROVENANCE[level].value.format(shown) if level in PROVENANCE
                                               else shown if level else "–")
                row["Herkomst van het percentage"] = (RAKED_NOTE if level == "weging" else PROVENANCE[level].legend if level
                                                      else "niet getoond: gegenereerd")
                rows.append(row)
                levels.append(level if level in PROVENANCE else GENERATED if level is None else "weging")
            frame = pd.DataFrame(rows)
        about = [*provenance_lines(var, survey.codebook)]
        if var.chapters:
            about.append("Hoofdstuk " + ", ".join(str(paths.chapter_number(c)) for c in var.chapters) + ".")
        # a wide table scrolls in its own frame (pz.css), not the page; the theme's class makes the frame reachable
        # by keyboard when it scrolls (pydata-sphinx-theme sets its tabindex)
        parts.append((var, '<div class="pst-scrollable-table-container pz-tabel-kader">' + html_table(frame, f"Variabele {var.name}", levels or None) + "</div>"
                      + "\n".join(f'<p class="pz-noot">{html.escape(line)}</p>' for line in about)))
    return parts


def codebook_note(survey: WeightedSurvey) -> str:
    return f'<p class="pz-noot">{STANDIN_CODEBOOK_NOTE}</p>' if survey.standin else ""


def codebook(survey: WeightedSurvey, part: str) -> str:
    """One section of the Codeboek: its own contents (a link to every variable), then each variable under its
    heading (h3: the page's sections are the chapter's Markdown headings), its table captioned by its name."""
    sections = codebook_sections(survey, part)
    contents = "\n".join(f'<li><a href="#var-{var.name}">{html.escape(var.label)}</a></li>' for var, _ in sections)
    return (f'<div class="pz-codeboek-inhoud"><p>In dit deel:</p>\n<ul>{contents}</ul></div>\n'
            + "\n".join(f'<section id="var-{var.name}"><h3>{html.escape(var.label)}</h3>\n{body}</section>'
                        for var, body in sections))


def value_counts(survey: WeightedSurvey, explorer: dict) -> pd.DataFrame:
    """How many values a reader can reach, per page and provenance level: the chapters (each number of the
    published-figures table once: text, figures and their tables show the same values), the Codeboek's percentages
    and the Verkenner's cells (`explorer`: pzboek.verkenner.explorer_data), suppressed cells not counted."""
    chapters = _distinct_rows()["bron"].map(lambda b: level_of_source(b, survey.standin)).tolist()
    codebook_shown = [lv for var in survey.codebook.variables.values() if var.values and var.kind != "id"
                      for lv in codebook_levels(survey, var).values() if lv]
    explorer_shown = [LEVELS[cell[4]] for q in explorer["vragen"] for split in q["cijfers"].values()
                      for groups in split for cell in groups if cell and cell[5] != "o"]
    pages = {"Hoofdstukken en figuren": chapters, "Codeboek": codebook_shown, "Verkenner": explorer_shown}
    kinds = [k for k in [*PROVENANCE, "weging"] if any(k in v for v in pages.values())]
    names = {k: PROVENANCE[k].legend if k in PROVENANCE else "bevolkingscijfer (weging)" for k in kinds}
    frame = pd.DataFrame([{"Pagina": page, **{names[k]: dutch.getal(found.count(k)) for k in kinds},
                           "Totaal": dutch.getal(len(found))} for page, found in pages.items()])
    return frame


def value_counts_table(survey: WeightedSurvey, explorer: dict) -> str:
    return html_table(value_counts(survey, explorer), "Aantal getoonde percentages per pagina en herkomst")
