"""Figures: aggregated weighted tables, their Altair charts, and the HTML a chapter page embeds.

A figure's HTML carries a static SVG (vl-convert, nl-NL) so it is visible without JavaScript and in print,
the Vega-Lite spec that static/pz-charts.js turns into the interactive chart, a "Tabel" toggle with the
same numbers, and download links to files written at build time (see sphinx_ext.py).
"""
from __future__ import annotations

import copy
import html
import json
from dataclasses import dataclass
from pathlib import Path

import altair as alt
import pandas as pd
import vl_convert as vlc

from . import dutch
from .estimates import MIN_BASE, WeightedSurvey
from .published import load_published

TITLES = {
    1: "Uitgangspunten maatschappelijk waardevol werk (afgeronde %)",
    2: "Maatschappelijk waardevolle activiteiten (afgeronde %)",
    3: "Lokale maatschappelijke kwesties (afgeronde %)",
    4: "Organisatie van maatschappelijk waardevol werk (afgeronde %)",
    5: "Rolverdeling organisatie van maatschappelijk waardevol werk, naar onderwijsniveau (afgeronde %)",
    6: "Financiering maatschappelijk waardevol werk (afgeronde %)",
    7: "Rolverdeling financiering van maatschappelijk waardevol werk, naar onderwijsniveau (afgeronde %)",
    8: "Kerncijfers van de peiling (afgeronde %; toevoeging aan het oorspronkelijke rapport)",
}
RECONSTRUCTED_NOTE = ("* Gereconstrueerde waarde: het oorspronkelijke rapport noemt dit getal niet in de tekst "
                      "en de figuur zelf is verloren gegaan; de waarde is zo gekozen dat ze past bij wat de tekst zegt.")
SMALL_BASE_MARK = "†"
SMALL_BASE_NOTE = f"{SMALL_BASE_MARK} Gebaseerd op minder dan {MIN_BASE} respondenten: alleen indicatief."
SOURCE_LABELS = {"tekst": "rapporttekst", "reconstructie": "gereconstrueerd"}
# Light-mode palette (WCAG AA: text and bar edges at least 4.5:1 on white); pz-charts.js swaps in the dark one.
TEXT_COLOUR, MUTED_COLOUR = "#1a1a1a", "#595959"
SERIES_COLOURS = ["#1f5fa8", "#b34700", "#2e7d32"]
STATIC_WIDTH = 640
WIDE_LABELS = 230  # px for the category labels left of the bars
VALUE_ROOM = 30  # px right of the plot for the value labels
TEXT_SLACK = 24  # px
NARROW_WIDTH = 310  # the static cut for phones: below 600 px of column the page shows this one (pz.css)
DOWNLOAD_FORMATS = ("csv", "svg", "png")


def figure_table(survey: WeightedSurvey, number: int) -> pd.DataFrame:
    """One row per bar: the weighted estimate with its interval, n and source, in reading order."""
    rows = load_published().query("figuur == @number")
    if rows.empty:
        raise KeyError(f"figure {number} is not in the published-figures table")
    groups = survey.codebook["opleiding"].values
    records = []
    for row in rows.itertuples():
        est = survey.estimate(row.variabele, row.codes, row.subgroep)
        reconstructed = row.bron == "reconstructie"
        records.append({
            "categorie": row.label or survey.codebook[row.variabele].label,
            "groep": groups[int(row.subgroep.split("=")[1])] if row.subgroep.startswith("opleiding=") else "",
            "percentage": round(est.share * 100, 1),
            "ondergrens": round(est.lower * 100, 1),
            "bovengrens": round(est.upper * 100, 1),
            "n": est.n,
            "bron": SOURCE_LABELS[row.bron],
            "label": dutch.procent(est.share) + ("*" if reconstructed else "") + (SMALL_BASE_MARK if est.small_base else ""),
            "interval": f"{dutch.getal(est.lower * 100, 1)}–{dutch.getal(est.upper * 100, 1)}%",
            "n_tekst": dutch.getal(est.n),
        })
        r = records[-1]
        r["beschrijving"] = (f"{r['categorie']}{', ' + r['groep'] if r['groep'] else ''}: {r['label'].rstrip('*†')}"
                             f"{' (gereconstrueerd)' if reconstructed else ''}, 95%-interval {r['interval']}")
    table = pd.DataFrame(records)
    if not table["groep"].any():
        table = table.sort_values("percentage", ascending=False, kind="stable")
    return table.reset_index(drop=True)


def _description(number: int, table: pd.DataFrame) -> str:
    return f"Figuur {number}. {TITLES[number]}. Staafdiagram; " + "; ".join(table["beschrijving"]) + "."


def chart_spec(number: int, table: pd.DataFrame) -> dict:
    """The Vega-Lite spec: horizontal bars, labels on the bars, reconstructed bars pale and dashed."""
    grouped = bool(table["groep"].any())
    order = list(dict.fromkeys(table["categorie"]))
    group_order = list(dict.fromkeys(table["groep"]))
    tooltip = [
        alt.Tooltip("categorie:N", title="Categorie"),
        *([alt.Tooltip("groep:N", title="Onderwijsniveau")] if grouped else []),
        alt.Tooltip("label:N", title="Percentage"),
        alt.Tooltip("interval:N", title="95%-interval"),
        alt.Tooltip("n_tekst:N", title="Respondenten (ongewogen)"),
        alt.Tooltip("bron:N", title="Bron"),
    ]
    base = alt.Chart(table).encode(
        # Vega's own aria labels are English; screen readers get the Dutch description and bar labels instead
        y=alt.Y("categorie:N", sort=order, title=None, axis=alt.Axis(labelLimit=WIDE_LABELS, labelFontSize=12, aria=False)),
        x=alt.X("percentage:Q", title="Percentage", scale=alt.Scale(domain=[0, 100]),
                axis=alt.Axis(values=[0, 25, 50, 75, 100], labelExpr="datum.value + '%'", aria=False)),
        tooltip=tooltip,
    )
    colour = (alt.Color("groep:N", sort=group_order, title="Onderwijsniveau",
                        scale=alt.Scale(range=SERIES_COLOURS), legend=alt.Legend(orient="bottom", aria=False))
              if grouped else alt.value(SERIES_COLOURS[0]))
    reconstructed = alt.datum.bron == SOURCE_LABELS["reconstructie"]
    bars = base.mark_bar(strokeWidth=1.5).encode(
        color=colour,
        stroke=colour.to_dict() | {"legend": None} if grouped else colour,
        fillOpacity=alt.condition(reconstructed, alt.value(0.35), alt.value(1.0)),
        strokeDash=alt.condition(reconstructed, alt.value([4, 2]), alt.value([1, 0])),
        description=alt.Description("beschrijving:N"),
    )
    text = (alt.Text("tekst:N") if grouped else alt.Text("label:N"))
    labels = base.mark_text(align="left", dx=4, fontSize=12, aria=False).encode(text=text)
    if grouped:
        bars = bars.encode(yOffset=alt.YOffset("groep:N", sort=group_order))
        labels = labels.encode(yOffset=alt.YOffset("groep:N", sort=group_order)).transform_calculate(
            tekst="datum.groep + ': ' + datum.label")
    chart = (bars + labels).properties(
        width=STATIC_WIDTH - WIDE_LABELS - VALUE_ROOM,
        height=alt.Step(16 if grouped else 24),
        description=_description(number, table),
        # vl-convert sizes the static SVG by its own font; a reader's font may run wider: room on both sides
        padding={"left": TEXT_SLACK, "right": TEXT_SLACK, "top": 5, "bottom": 5},
    ).configure(
        font="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
        background="transparent",
    ).configure_axis(
        labelColor=TEXT_COLOUR, titleColor=TEXT_COLOUR, gridColor="#d0d0d0", domainColor=MUTED_COLOUR, tickColor=MUTED_COLOUR,
    ).configure_legend(labelColor=TEXT_COLOUR, titleColor=TEXT_COLOUR).configure_text(color=TEXT_COLOUR).configure_view(stroke=None)
    return chart.to_dict()


def narrow_cut(spec: dict, width: int = NARROW_WIDTH) -> dict:
    """The same bar chart for a phone-wide column: a narrower plot and shorter category labels."""
    labels = round(width * 0.4)
    cut = copy.deepcopy(spec)
    cut["width"] = width - labels - VALUE_ROOM
    for layer in cut["layer"]:
        if "axis" in layer["encoding"]["y"]:
            layer["encoding"]["y"]["axis"]["labelLimit"] = labels
    return cut


def static_svg(spec: dict, css_class: str = "") -> str:
    """The chart as SVG (nl-NL numbers), labelled for screen readers as the live chart is."""
    svg = vlc.vegalite_to_svg(spec, format_locale="nl-NL")
    label = html.escape(spec.get("description", ""), quote=True)
    attributes = f'role="img" aria-label="{label}"' + (f' class="{css_class}"' if css_class else "")
    return svg.replace("<svg ", f"<svg {attributes} ", 1)


def html_table(frame: pd.DataFrame, caption: str) -> str:
    """An accessible HTML table (caption, column headers) of already formatted values."""
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in frame.columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
                   for row in frame.itertuples(index=False))
    return (f'<table class="pz-tabel"><caption>{html.escape(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


@dataclass
class Figure:
    """A chart as a page shows it (static SVG, spec, table toggle, notes, downloads); glued by myst-nb."""

    key: str  # file name of the downloads, e.g. figuur1
    spec: dict
    table: pd.DataFrame  # formatted for readers
    caption: str
    notes: tuple[str, ...] = ()
    downloads: bool = True
    narrow_spec: dict | None = None  # a static cut for phone-wide columns, shown instead of spec's there

    def _static(self) -> str:
        if self.narrow_spec is None:
            return static_svg(self.spec)
        return static_svg(self.spec, "pz-breed") + static_svg(self.narrow_spec, "pz-smal")

    def _repr_html_(self) -> str:
        # no "$schema": it is a URL on another host, and vega-embed assumes Vega-Lite without it
        page_spec = {k: v for k, v in self.spec.items() if k != "$schema"}
        spec_json = json.dumps(page_spec, ensure_ascii=False).replace("</", "<\\/")
        notes = "".join(f'<p class="pz-noot">{html.escape(n)}</p>' for n in self.notes)
        links = " · ".join(f'<a href="../downloads/{self.key}.{fmt}" download>{fmt.upper()}</a>' for fmt in DOWNLOAD_FORMATS)
        downloads = f'<p class="pz-downloads">Downloads: {links}</p>' if self.downloads else ""
        return (
            f'<div class="pz-figuur"><div class="pz-chart">{self._static()}</div>'
            f'<script type="application/json" class="pz-spec">{spec_json}</script>{notes}'
            f'<details class="pz-tabel-toggle"><summary>Tabel</summary>{html_table(self.table, self.caption)}</details>'
            f"{downloads}</div>"
        )


def build_figure(survey: WeightedSurvey, number: int) -> Figure:
    return _figure(number, figure_table(survey, number))


def _figure(number: int, table: pd.DataFrame) -> Figure:
    grouped = bool(table["groep"].any())
    shown = pd.DataFrame({
        "Categorie": table["categorie"],
        **({"Onderwijsniveau": table["groep"]} if grouped else {}),
        "Percentage": table["label"],
        "95%-interval": table["interval"],
        "Respondenten (ongewogen)": table["n_tekst"],
        "Bron": table["bron"],
    })
    notes = []
    if (table["bron"] == SOURCE_LABELS["reconstructie"]).any():
        notes.append(RECONSTRUCTED_NOTE)
    if table["label"].str.contains(SMALL_BASE_MARK).any():
        notes.append(SMALL_BASE_NOTE)
    spec = chart_spec(number, table)
    return Figure(f"figuur{number}", spec, shown, f"Cijfers bij figuur {number} (gewogen)",
                  tuple(notes), narrow_spec=narrow_cut(spec))


def write_downloads(survey: WeightedSurvey, folder: Path) -> None:
    """The aggregated table as CSV and the chart as SVG and PNG, for every figure."""
    folder.mkdir(parents=True, exist_ok=True)
    for number in TITLES:
        table = figure_table(survey, number)
        columns = ["categorie", "groep", "percentage", "ondergrens", "bovengrens", "n", "bron"]
        table[columns].to_csv(
            folder / f"figuur{number}.csv", index=False, sep=";", decimal=",", encoding="utf-8-sig")
        svg = static_svg(chart_spec(number, table))
        (folder / f"figuur{number}.svg").write_text(svg, encoding="utf-8")
        # rasterised from that SVG: the chart is laid out once, not a second time for the PNG
        (folder / f"figuur{number}.png").write_bytes(vlc.svg_to_png(svg, scale=2))
