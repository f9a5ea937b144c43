"""Figures: aggregated weighted tables, their Altair charts, and the HTML a chapter page embeds.

A figure's HTML carries a static SVG (vl-convert, nl-NL) so it is visible without JavaScript and in print,
the Vega-Lite spec that static/pz-charts.js turns into the interactive chart, a "Tabel" toggle with the
same numbers, and download links to files written at build time (pzboek/downloads.py).
"""
from __future__ import annotations

import copy
import functools
import html
import json
import math
import re
from dataclasses import dataclass

import altair as alt
import pandas as pd
import vl_convert as vlc

from . import dutch, fonts
from .estimates import SHOWN, WeightedSurvey
from .provenance import PROVENANCE, level_of_source
from .published import load_figures, load_published


UNCERTAIN_MARK = "†"
UNCERTAIN_NOTE = (f"{UNCERTAIN_MARK} Onzeker: volgens de normen die deze uitgave hanteert (NCHS, zie de Verantwoording) "
                  "te weinig respondenten of een te breed interval; alleen indicatief.")
# The one palette. Light (WCAG AA: text and bar edges at least 4.5:1 on white) and, for each light colour, its dark
# counterpart (at least 4.5:1 on the theme's dark background, #121212). Charts take every colour from their Vega
# config (chart_config), light or dark: a live chart turns dark by taking the dark config (pz-charts.js, the
# Verkenner through chart_layout()); the static SVG switches by CSS inside it (PALETTE_STYLE).
TEXT_COLOUR, MUTED_COLOUR = "#1a1a1a", "#595959"
SERIES_COLOURS = ["#1f5fa8", "#b34700", "#2e7d32"]
DARK_COLOURS = {TEXT_COLOUR: "#e6e6e6", MUTED_COLOUR: "#b0b0b0", SERIES_COLOURS[0]: "#8ab8f0",
                SERIES_COLOURS[1]: "#f0a868", SERIES_COLOURS[2]: "#8fd694"}
FONT_SIZE, LINE_HEIGHT = 13, 16  # px; all chart text (at the narrowest column a static cut shows in, still >= 11 px)
BAR, GROUP_BAR, BAR_GAP, ROW_GAP = 18, 14, 2, 10  # px: a single bar, each bar of a group, between them, between rows
VALUE_ROOM = 40  # px right of the longest possible bar (100%) for its value label
LEGEND_GAP, LEGEND_ROW = 14, 20  # px below the plot to the provenance legend, and between its rows
PADDING = 4  # px around the chart: static and live charts measure text with the same font (fonts.py)


@dataclass(frozen=True)
class Layout:
    """Where category labels go: in a column left of the bars, or above each bar (phones, as Datawrapper does)."""

    width: int  # px of the static cut
    labels: int  # px at most for the label column (as wide as the longest label needs); 0: labels above the bars

    def label_column(self, categories) -> int:
        if not self.labels:
            return 0
        return min(self.labels, math.ceil(max(fonts.text_width(c, FONT_SIZE) for c in categories)) + LABEL_GAP)


def chart_config(dark: bool = False) -> dict:
    """The charts' Vega-Lite config, in the light palette or its dark counterpart. No mark names a colour."""
    colour = DARK_COLOURS.get if dark else str
    series, text = [colour(s) for s in SERIES_COLOURS], colour(TEXT_COLOUR)
    return {
        "font": fonts.FAMILY, "background": "transparent", "view": {"stroke": None},
        "aria": False,  # no English ARIA roles and labels in the SVG: the chart as a whole carries a Dutch description
        "range": {"category": series},  # a grouped figure's groups
        "bar": {"color": series[0], "stroke": series[0]}, "square": {"color": series[0], "stroke": series[0]},
        "rule": {"color": text}, "text": {"color": text, "fontSize": FONT_SIZE},
        "axis": {"labelColor": text, "titleColor": text},
        # regular weight: a page then needs only the regular font file (bold is for downloads' titles)
        "legend": {"labelColor": text, "titleColor": text, "labelLimit": 0, "labelFontSize": FONT_SIZE,
                   "titleFontSize": FONT_SIZE, "titleFontWeight": "normal"},
    }


LABEL_GAP = 12  # px between a label column and its bars
WIDE, NARROW = Layout(640, 270), Layout(300, 0)  # below 600 px of column the page shows NARROW (pz.css, pz-charts.js)
NARROWEST = 272  # px: a chart's column on a 320 px wide phone (WCAG's reflow width), where the live chart is drawn
DOWNLOAD_FORMATS = ("csv", "svg", "png")


def figure_table(survey: WeightedSurvey, key: str) -> pd.DataFrame:
    """One row per bar: the weighted estimate with its interval, n and provenance, in reading order."""
    rows = load_published().query("figuur == @key")
    if rows.empty:
        raise KeyError(f"figure {key} is not in the published-figures table")
    groups = survey.codebook["opleiding"].values
    records = []
    for row in rows.itertuples():
        est = survey.estimate(row.variabele, row.codes, row.subgroep)
        level = level_of_source(row.bron, survey.standin)
        source = PROVENANCE[level]
        label = dutch.procent(est.share)
        records.append({
            "categorie": row.label or survey.codebook[row.variabele].label,
            "groep": groups[int(row.subgroep.split("=")[1])] if row.subgroep.startswith("opleiding=") else "",
            "percentage": round(est.share * 100, 1),
            "ondergrens": round(est.lower * 100, 1),
            "bovengrens": round(est.upper * 100, 1),
            "n": est.n,
            "bron": level,
            "herkomst": source.legend,
            "in_tekst": row.in_tekst if level == "benadering" else "",
            "label": source.value.format(label) + ("" if est.presentation == SHOWN else UNCERTAIN_MARK),
            "interval": f"{dutch.getal(est.lower * 100, 1)}–{dutch.getal(est.upper * 100, 1)}%",
            "n_tekst": dutch.getal(est.n),
        })
        r = records[-1]
        r["beschrijving"] = (f"{r['categorie']}{', ' + r['groep'] if r['groep'] else ''}: {label}{source.spoken}, "
                             f"95%-interval {r['interval']}")
    table = pd.DataFrame(records)
    if not table["groep"].any():
        table = table.sort_values("percentage", ascending=False, kind="stable")
    return table.reset_index(drop=True)


def figure_name(key: str) -> str:
    """'Figuur 1. Uitgangspunten …': the report's numbering, 'A1' … for the edition's additions."""
    return f"Figuur {key}. {load_figures().loc[key, 'titel']}"


def _description(key: str, table: pd.DataFrame) -> str:
    return f"{figure_name(key)}. Staafdiagram; " + "; ".join(table["beschrijving"]) + "."


def figure_notes(key: str, table: pd.DataFrame) -> list[str]:
    """What a reader must know to read the figure: the editorial note, the provenance marks, small bases."""
    notes = [load_figures().loc[key, "toelichting"]]
    for kind in PROVENANCE:
        if (table["bron"] == kind).any():
            words = " en ".join(f"‘{w}’" for w in dict.fromkeys(table.loc[table["bron"] == kind, "in_tekst"]))
            notes.append(PROVENANCE[kind].note.format(woorden=words))
    if table["label"].str.contains(UNCERTAIN_MARK).any():
        notes.append(UNCERTAIN_NOTE)
    return [n for n in notes if n]


def provenance_legend(kinds: list[str], plot_height: int) -> list[dict]:
    """The rows of the figure's legend for how values are drawn (pale fill, dashed outline), below the plot.

    Drawn as marks (bar_chart) because a Vega legend cannot show a fill opacity, and a strokeDash legend of filled
    bars gets a transparent outline: the swatches would not look like the bars they explain."""
    return [{"tekst": PROVENANCE[kind].legend, "y": plot_height + LEGEND_GAP + i * LEGEND_ROW + 6,
             "dekking": PROVENANCE[kind].opacity, "streep": PROVENANCE[kind].dash} for i, kind in enumerate(kinds)]


def _place_rows(table: pd.DataFrame, column: int, width: int) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Pixel positions of every bar and every label; labels wrapped to their room, never cut.

    Returns the bars (table with y, y2, midden), the labels (regels, x, align, y) and the plot height. The layout
    is fixed in pixels top to bottom; only the bars' horizontal scale follows the chart's width. A grouped figure
    (Figures 5 and 7) names every bar: each category as a heading over its bars, each group (laag, middelbaar,
    hoog) in the label column beside its own bar, as the Verkenner draws it, so that no reader depends on telling
    the colours apart (WCAG 1.4.1 and 1.4.11)."""
    grouped = bool(table["groep"].any())
    # labels above the bars wrap to the narrowest live chart the phone cut is drawn at (the cut itself is wider)
    span = min(width, NARROWEST) if width <= NARROW.width else width
    room = column - LABEL_GAP if column and not grouped else span - 2 * PADDING - LABEL_GAP
    bars, labels, top = [], [], 0
    for category, rows in table.groupby("categorie", sort=False):
        lines = fonts.wrap(category, room, FONT_SIZE)
        text_height = len(lines) * LINE_HEIGHT
        bar = GROUP_BAR if grouped else BAR
        block = len(rows) * bar + (len(rows) - 1) * BAR_GAP
        if grouped:  # heading above, a label per bar beside it
            height = text_height + 4 + block
            label_top, bars_top = top, top + text_height + 4
        elif column:  # label centred beside its bars
            height = max(block, text_height)
            label_top, bars_top = top + (height - text_height) / 2, top + (height - block) / 2
        else:  # label above its bars
            height = text_height + 4 + block
            label_top, bars_top = top, top + text_height + 4
        beside = column and not grouped
        labels.append({"regels": "\n".join(lines), "x": column - LABEL_GAP + 2 if beside else 0,
                       "align": "right" if beside else "left", "y": label_top})
        for i, row in enumerate(rows.to_dict("records")):
            y = bars_top + i * (bar + BAR_GAP)
            bars.append({**row, "y": y, "y2": y + bar, "midden": y + bar / 2})
            if grouped:
                labels.append({"regels": row["groep"], "x": column - LABEL_GAP + 2, "align": "right",
                               "y": y + (bar - LINE_HEIGHT) / 2})
        top += height + ROW_GAP
    return pd.DataFrame(bars), pd.DataFrame(labels), int(top - ROW_GAP)


# The one bar chart of the book, for the chapters' figures (chart_spec) and the Verkenner's live chart (pz-verkenner.js
# takes it from chart_layout() and fills it in the browser). Its data comes as three named datasets, every position
# computed beforehand (here by _place_rows; in the Verkenner by its own layout, which measures the reader's text):
BARS, LABELS, LEGEND = "staven", "labels", "legenda"
COLUMN = "kolom"  # the parameter: px left of the bars (the label column), 0 when labels stand above them


def bar_chart(*, intervals: bool = False, category_title: str = "Categorie", group_title: str | None = None,
              group_order: list[str] | None = None) -> dict:
    """See _bar_chart; a copy of its spec, built and validated once per process (half a chapter's run, without)."""
    return copy.deepcopy(_bar_chart(intervals, category_title, group_title, tuple(group_order or ())))


@functools.cache
def _bar_chart(intervals: bool, category_title: str, group_title: str | None, group_order: tuple[str, ...]) -> dict:
    """Horizontal bars with their values and full labels (no axis: every bar carries its value); values the report does
    not print pale and dashed, explained by the legend rows; with `intervals`, each bar's 95% interval as a line through
    its end. `group_order`: the groups take the series colours in this order (the chapters' grouped figures; every bar
    is named as well, so no reader depends on the colours).

    A bar (dataset "staven") has: categorie, groep, y, y2, midden, percentage, label, interval, n_tekst, herkomst,
    dekking (fill opacity), streep (outline dash), leeg (no bar: a value not shown); with intervals also onder, boven,
    kapBoven, kapOnder and waardeX (where its value stands). A label ("labels"): regels, x, align, y. A legend row
    ("legenda"): tekst, y, dekking, streep."""
    def at(field):  # a position on the bars' scale (the layers share it; the bars define it)
        return alt.X(f"{field}:Q", axis=None)

    def y(field):
        return alt.Y(f"{field}:Q", scale=None)

    bars = alt.Chart(alt.NamedData(BARS))
    shown = bars.transform_filter("!datum.leeg")
    tooltip = [alt.Tooltip("categorie:N", title=category_title),
               *([alt.Tooltip("groep:N", title=group_title)] if group_title else []),
               alt.Tooltip("label:N", title="Percentage"), alt.Tooltip("interval:N", title="95%-interval"),
               alt.Tooltip("n_tekst:N", title="Respondenten (ongewogen)"), alt.Tooltip("herkomst:N", title="Herkomst")]
    colour = {"color": alt.Color("groep:N", sort=list(group_order), legend=None),
              "stroke": alt.Stroke("groep:N", sort=list(group_order), legend=None)} if group_order else {}
    # bars from the label column (or the left edge) to VALUE_ROOM short of the right edge, whatever the width
    scale = alt.Scale(domain=[0, 100], range=[{"expr": COLUMN}, {"expr": f"width - {VALUE_ROOM}"}])
    layers = [shown.mark_bar(orient="horizontal", strokeWidth=1.5).encode(
        x=alt.X("percentage:Q", axis=None, scale=scale), x2=alt.X2(datum=0), y=y("y"), y2="y2:Q", tooltip=tooltip,
        **colour, fillOpacity=alt.FillOpacity("dekking:Q", scale=None, legend=None),
        strokeDash=alt.StrokeDash("streep:N", scale=None, legend=None))]
    if intervals:  # the interval's ends reach past the bar's edges: visible on the bar and beside it, light or dark
        layers += [shown.mark_rule(strokeWidth=1.5).encode(x=at("onder"), x2="boven:Q", y=y("midden")),
                   *(shown.mark_rule(strokeWidth=1.5).encode(x=at(end), y=y("kapBoven"), y2="kapOnder:Q")
                     for end in ("onder", "boven"))]
    layers.append(bars.mark_text(align="left", baseline="middle", dx=4, fontSize=FONT_SIZE).encode(
        x=at("waardeX" if intervals else "percentage"), y=y("midden"), text="label:N"))
    labels = alt.Chart(alt.NamedData(LABELS))
    layers += [labels.transform_filter(alt.datum.align == align).mark_text(
        align=align, baseline="top", fontSize=FONT_SIZE, lineHeight=LINE_HEIGHT, lineBreak="\n").encode(
        x=alt.X("x:Q", scale=None), y=y("y"), text="regels:N") for align in ("left", "right")]
    legend = alt.Chart(alt.NamedData(LEGEND))
    layers += [  # a symbol, not a rect: the chart's bars stay its only rect marks
        legend.mark_square(size=160, strokeWidth=1.5, opacity=1).encode(
            x=alt.value(7), y=y("y"), fillOpacity=alt.FillOpacity("dekking:Q", scale=None, legend=None),
            strokeDash=alt.StrokeDash("streep:N", scale=None, legend=None)),
        legend.mark_text(align="left", baseline="middle", fontSize=FONT_SIZE).encode(
            x=alt.value(22), y=y("y"), text="tekst:N")]
    chart = alt.layer(*layers).add_params(alt.param(name=COLUMN, value=0)).to_dict()
    # no "$schema" (a URL on another host) and none of Altair's default config: chart_spec adds the book's
    return {k: v for k, v in chart.items() if k not in ("$schema", "config")}


def chart_spec(key: str, table: pd.DataFrame, layout: Layout = WIDE, description: str | None = None) -> dict:
    """The Vega-Lite spec of a figure (bar_chart) at `layout`, its bars without intervals. `description` (for screen
    readers) defaults to the figure's title and values; a chart that is no figure of the report (`key` not in
    data/figuren.csv) passes its own."""
    grouped = bool(table["groep"].any())
    group_order = list(dict.fromkeys(table["groep"]))
    # a grouped figure's label column holds the group names, in every layout (they are short)
    column = Layout(layout.width, WIDE.labels).label_column(group_order) if grouped else layout.label_column(table["categorie"])
    placed, labels, height = _place_rows(table, column, layout.width)
    placed["dekking"] = [PROVENANCE[k].opacity for k in placed["bron"]]
    placed["streep"] = [PROVENANCE[k].dash for k in placed["bron"]]
    placed["leeg"] = False  # a figure shows every value it has (the Verkenner hides those the NCHS standards bar)
    kinds = [k for k in PROVENANCE if (table["bron"] == k).any()]
    explained = kinds if any(PROVENANCE[k].note for k in kinds) else []  # unmarked values need no legend
    spec = bar_chart(group_title="Onderwijsniveau" if grouped else None, group_order=group_order if grouped else None)
    spec["params"][0]["value"] = column
    return {**spec,
            "datasets": {BARS: _records(placed), LABELS: _records(labels),
                         LEGEND: provenance_legend(explained, plot_height=height)},
            "width": layout.width - 2 * PADDING,
            "height": height + (LEGEND_GAP + len(explained) * LEGEND_ROW if explained else 0),
            "description": description or _description(key, table), "padding": PADDING, "config": chart_config()}


def _records(frame: pd.DataFrame) -> list[dict]:
    return json.loads(frame.to_json(orient="records", force_ascii=False))


# Vega writes English roles into every SVG it draws ("group mark container", "graphics-symbol"); the chart
# as a whole is one image with a Dutch description, so inner roles go.
INNER_ARIA = re.compile(r'\s(?:role|aria-roledescription|aria-label)="[^"]*"')


def start_renderer() -> None:
    """vl-convert starts its JavaScript engine with the first chart it draws (0.35 s); a kernel that will draw
    charts calls this as it starts up (pzboek/sphinxext/kernels.py)."""
    vlc.vegalite_to_svg({"mark": "point"}, format_locale="nl-NL")


def static_svg(spec: dict, css_class: str = "") -> str:
    """The chart as SVG (nl-NL numbers), one image labelled in Dutch for screen readers, as the live chart is."""
    svg = INNER_ARIA.sub("", vlc.vegalite_to_svg(spec, format_locale="nl-NL"))
    label = html.escape(spec.get("description", ""), quote=True)
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)
    if css_class:  # into vl-convert's own class attribute ("marks"): an element has one
        svg = svg.replace('class="marks"', f'class="marks {css_class}"', 1)
    return svg


# The palette as CSS, in each figure beside its chart (an <svg> of its own, so the <style> is valid HTML, and it
# stays when the chart turns live): in dark mode on screen the static chart takes the dark colours at once, as
# the live one will; in print every chart, static or live (drawn dark on a dark page), takes the light ones.
PALETTE_STYLE = (
    '<svg class="pz-palet" aria-hidden="true" focusable="false" width="0" height="0"><style>'
    + "@media screen{" + "".join(f'html[data-theme="dark"] .pz-chart [{a}="{light}"]{{{a}:{dark}}}'
                                for light, dark in DARK_COLOURS.items() for a in ("fill", "stroke")) + "}"
    + "@media print{" + "".join(f'.pz-chart [{a}="{dark}"]{{{a}:{light}}}'
                               for light, dark in DARK_COLOURS.items() for a in ("fill", "stroke")) + "}"
    + "</style></svg>")


# a range ("60,1–73,1%", "4–6 procentpunt", "< 0,001–0,050") is one value: pz.css keeps it on one line, as a
# cell of its own or within a cell's text ("leeftijdsklassen 20–39, 40–64")
RANGE = re.compile(r"[<\d][\d.,% <]*–[\d.,%]+(?: procentpunt)?")
RANGE_IN_TEXT = re.compile(r"\d+(?:[.,]\d+)*%?–\d+(?:[.,]\d+)*%?")


def _cell(text: str, level: str | None) -> str:
    origin = f' data-herkomst="{level}"' if level else ""
    if RANGE.fullmatch(text):
        return f'<td class="pz-bereik"{origin}>{html.escape(text)}</td>'
    kept = RANGE_IN_TEXT.sub(lambda m: f'<span class="pz-bereik">{m.group(0)}</span>', html.escape(text))
    return f"<td{origin}>{kept}</td>"


def html_table(frame: pd.DataFrame, caption: str, levels=None) -> str:
    """An accessible HTML table (caption, column headers) of already formatted values; `levels`, one per row, puts
    each row's provenance level (pzboek/provenance.py) on its cells as data-herkomst (a dict: per column)."""
    # (block elements apart by a line break: a text taken from the page, as Sphinx's search summary is, keeps its
    # words apart)
    head = "\n".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in frame.columns)
    levels = list(levels) if levels is not None else [None] * len(frame)
    body = "\n".join("<tr>" + "\n".join(_cell(str(v), level.get(c) if isinstance(level, dict) else level)
                                        for c, v in zip(frame.columns, row)) + "</tr>"
                   for row, level in zip(frame.itertuples(index=False), levels))
    return (f'<table class="pz-tabel"><caption>{html.escape(caption)}</caption>\n'
            f"<thead><tr>{head}</tr></thead>\n<tbody>{body}</tbody></table>")


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
    levels: tuple[str, ...] | None = None  # each table row's provenance level

    def _static(self) -> str:
        if self.narrow_spec is None:
            return static_svg(self.spec)
        return static_svg(self.spec, "pz-breed") + static_svg(self.narrow_spec, "pz-smal")

    def _repr_html_(self) -> str:
        specs = "".join(f'<script type="application/json" class="{name}">{_page_json(spec)}</script>'
                        for name, spec in [("pz-spec", self.spec), ("pz-spec-smal", self.narrow_spec)] if spec)
        notes = "\n".join(f'<p class="pz-noot">{html.escape(n)}</p>' for n in self.notes)
        # a screen reader moving from control to control hears which figure a toggle or link belongs to
        which = f"{'figuur ' + self.key.removeprefix('figuur') if self.key.startswith('figuur') else self.caption.lower()}"
        links = " · ".join(f'<a href="../downloads/{self.key}.{fmt}" download aria-label="{fmt.upper()} van {which}">'
                           f'{fmt.upper()}</a>' for fmt in DOWNLOAD_FORMATS)
        downloads = f'<p class="pz-downloads">Downloads: {links}</p>' if self.downloads else ""
        return (
            # not focusable: the chart is one image, its numbers are in the table (the next control), and a focused
            # chart that does nothing with its keys is a trap of nothing (the tooltips are for pointer and touch)
            f'<div class="pz-figuur">{PALETTE_STYLE}<div class="pz-chart">{self._static()}</div>'
            f'{specs}{notes}'
            f'<details class="pz-tabel-toggle"><summary>Tabel<span class="visually-hidden"> bij {html.escape(which)}</span>'
            f'</summary>{html_table(self.table, self.caption, self.levels)}</details>'
            f"{downloads}</div>"
        )


def _page_json(spec: dict) -> str:
    # no "$schema": it is a URL on another host, and vega-embed assumes Vega-Lite without it; the dark config
    # travels in usermeta (ignored by Vega), for pz-charts.js
    page = {k: v for k, v in spec.items() if k != "$schema"} | {"usermeta": {"donker": chart_config(dark=True)}}
    return json.dumps(page, ensure_ascii=False).replace("</", "<\\/")


def build_figure(survey: WeightedSurvey, key: str) -> Figure:
    table = figure_table(survey, key)
    grouped = bool(table["groep"].any())
    source = ", vervangend bestand" if survey.standin else ""
    shown = pd.DataFrame({
        "Categorie": table["categorie"],
        **({"Onderwijsniveau": table["groep"]} if grouped else {}),
        "Percentage": table["label"],
        "95%-interval": table["interval"],
        f"Respondenten (ongewogen{', vervangend bestand' if survey.standin else ''})": table["n_tekst"],
        "Herkomst": table["herkomst"],
    })
    return Figure(f"figuur{key}", chart_spec(key, table), shown, f"Cijfers bij figuur {key} (gewogen{source})",
                  tuple(figure_notes(key, table)), narrow_spec=chart_spec(key, table, NARROW), levels=tuple(table["bron"]))
