"""Tables and figures of the book's method sections: group tests, Verantwoording and Codebook.

Everything is computed from the configured survey file and the metadata in data/.
"""
from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from . import dutch
from .charts import SERIES_COLOURS, TEXT_COLOUR, Figure, html_table
from .estimates import MIN_BASE, WeightedSurvey
from .published import load_comparisons, load_published
from .weighting import WEIGHT_CAP

SIGNIFICANCE = 0.05
KIND_LABELS = {"bron": "gepubliceerd cijfer", "afgeleid": "afgeleid uit gepubliceerde cijfers",
               "proxy": "benadering (ander jaar of andere leeftijdsgroep)"}


def group_tests(survey: WeightedSurvey, chapter: int) -> str:
    """HTML table: each group difference the chapter's text claims, with its design-adjusted test."""
    rows = []
    for row in load_comparisons().query("hoofdstuk == @chapter").itertuples():
        estimates = [survey.estimate(row.variabele, row.codes, g) for g in row.groepen]
        test = survey.compare_groups(row.variabele, row.codes, row.groepen)
        shares = " / ".join(
            f"{_group_label(survey, g)} {dutch.procent(e.share)}{'†' if e.small_base else ''}"
            for g, e in zip(row.groepen, estimates))
        rows.append({
            "Bewering in de tekst": row.bewering,
            "Gewogen percentages": shares,
            "Toets (F; p)": f"F = {dutch.getal(test.statistic, 2)}; p = {dutch.getal(test.p_value, 3)}",
            "Oordeel": "verschil statistisch significant" if test.p_value < SIGNIFICANCE
                       else "verschil niet significant (kan toeval zijn)",
        })
    return html_table(pd.DataFrame(rows), "Verschillen tussen groepen, getoetst met gewichten "
                                           f"(designgebaseerde Wald-toets, significant bij p < {dutch.getal(SIGNIFICANCE, 2)})")


def _group_label(survey: WeightedSurvey, spec: str) -> str:
    if spec.startswith("leeftijd"):
        return "55-plus" if ">=" in spec else "jonger dan 55"
    variable, code = spec.split("=")
    return survey.codebook[variable].values[int(code)]


def diagnostics(survey: WeightedSurvey) -> dict[str, str]:
    """The weighting diagnostics as the Verantwoording prints them."""
    w = survey.weighting
    low, high = w.weight_range
    return {
        "n_respondenten": dutch.getal(w.n),
        "design_effect": dutch.getal(w.design_effect, 2),
        "effectieve_n": dutch.getal(w.effective_n),
        "gewicht_min": dutch.getal(low, 2),
        "gewicht_max": dutch.getal(high, 2),
        "gewicht_cap": dutch.getal(WEIGHT_CAP),
        "marge_fout": dutch.getal(w.max_margin_error * 100, 3),
        "min_basis": dutch.getal(MIN_BASE),
        **{f"aantal_{source}": dutch.getal(count) for source, count in _distinct_values().items()},
    }


def _distinct_values() -> dict[str, int]:
    """How many distinct numbers of the published-figures table come from the text and how many were rebuilt."""
    table = load_published().drop_duplicates(["variabele", "categorie", "subgroep"])
    return table[table["codes"].map(bool)]["bron"].value_counts().to_dict()


def margin_sources(survey: WeightedSurvey) -> str:
    rows = [{
        "Kenmerk": m.dimension,
        "Soort": KIND_LABELS[m.kind],
        "Bron": m.source,
        "Peildatum": m.reference_date,
        "Toelichting": m.note,
    } for m in survey.margins]
    return html_table(pd.DataFrame(rows), "Bevolkingscijfers waarop is gewogen")


def composition(survey: WeightedSurvey) -> str:
    return html_table(survey.composition(), "Samenstelling: ongewogen steekproef, gewogen steekproef en bevolking")


def weight_figure(survey: WeightedSurvey) -> Figure:
    """Histogram of the weights (aggregated into bins: no respondent-level values reach the page)."""
    weights = survey.weighting.weights.to_numpy()
    edges = np.arange(0, np.ceil(weights.max() * 4) / 4 + 0.25, 0.25)
    counts, _ = np.histogram(weights, bins=edges)
    table = pd.DataFrame({"van": edges[:-1], "tot": edges[1:], "aantal": counts})
    table["klasse"] = [f"{dutch.getal(a, 2)}–{dutch.getal(b, 2)}" for a, b in zip(table["van"], table["tot"])]
    table = table[table["aantal"] > 0].reset_index(drop=True)
    base = alt.Chart(table).encode(
        x=alt.X("klasse:N", sort=None, title="Gewicht", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("aantal:Q", title="Aantal respondenten"),
        tooltip=[alt.Tooltip("klasse:N", title="Gewicht"), alt.Tooltip("aantal:Q", title="Respondenten")],
    )
    description = ("Verdeling van de weegfactoren: " +
                   "; ".join(f"{r.klasse}: {r.aantal} respondenten" for r in table.itertuples()) + ".")
    spec = (base.mark_bar(color=SERIES_COLOURS[0]) + base.mark_text(dy=-6, fontSize=11).encode(text="aantal:Q")).properties(
        width=380, height=200, description=description,
    ).configure(background="transparent").configure_axis(
        labelColor=TEXT_COLOUR, titleColor=TEXT_COLOUR).configure_text(color=TEXT_COLOUR).configure_view(stroke=None).to_dict()
    shown = pd.DataFrame({"Gewicht": table["klasse"], "Aantal respondenten": table["aantal"].map(dutch.getal)})
    return Figure("gewichten", spec, shown, "Verdeling van de weegfactoren", downloads=False)


def reconstructed_values(survey: WeightedSurvey) -> str:
    table = load_published()
    rows = table[(table["bron"] == "reconstructie") & table["figuur"].notna()]
    shown = pd.DataFrame({
        "Figuur": rows["figuur"].astype(int),
        "Categorie": [survey.codebook[v].label for v in rows["variabele"]],
        "Groep": [_group_label(survey, g) if g else "" for g in rows["subgroep"]],
        "Gereconstrueerde waarde": [f"{v}%" for v in rows["waarde"]],
        "Schatting uit het bestand": [dutch.procent(survey.estimate(r.variabele, r.codes, r.subgroep).share)
                                      for r in rows.itertuples()],
    })
    return html_table(shown, "Gereconstrueerde figuurwaarden")


def codebook(survey: WeightedSurvey) -> str:
    """Per variable: question, categories, unweighted counts and weighted percentages."""
    parts = []
    data, w = survey.data, survey.weights
    for var in survey.codebook.variables.values():
        if var.kind == "id":
            continue
        column = data[var.name].to_numpy()
        asked = ~np.isnan(column)
        title = f"{var.name}: {var.question + ' — ' if var.question else ''}{var.label}"
        if var.value_range:
            values = column[asked]
            frame = pd.DataFrame([{"Statistiek": "bereik", "Waarde": f"{dutch.getal(values.min())}–{dutch.getal(values.max())}"},
                                  {"Statistiek": "gewogen gemiddelde", "Waarde": dutch.getal(np.average(values, weights=w[asked]), 1)},
                                  {"Statistiek": "aantal (ongewogen)", "Waarde": dutch.getal(asked.sum())}])
        else:
            frame = pd.DataFrame([{
                "Code": code,
                "Antwoord": label + (" (ontbrekend)" if code in var.missing else ""),
                "Aantal (ongewogen)": dutch.getal(int((column == code).sum())),
                "Percentage (gewogen)": dutch.procent(w[column == code].sum() / w[asked].sum(), 1),
            } for code, label in var.values.items()])
        if var.filter:
            title += " (gesteld aan: " + ", ".join(f"{k} = {v}" for k, v in var.filter.items()) + ")"
        if var.chapters:
            title += " — hoofdstuk " + ", ".join(str(c) for c in var.chapters)
        parts.append(html_table(frame, title))
    return "\n".join(parts)
