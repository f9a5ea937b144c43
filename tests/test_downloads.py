"""The downloads beside every figure (pzboek/downloads.py): each file stands alone, the SVG draws the same without
the font installed, and the CSVs are described by a data package that a data user's validator accepts."""
import csv
import io
import json
import re
import shutil

import numpy as np
import pytest
import vl_convert as vlc
from frictionless import Package
from PIL import Image

from pzboek import charts, downloads, fonts
from pzboek.provenance import PROVENANCE
from pzboek.published import load_figures


@pytest.fixture(scope="module")
def downloads_folder(tmp_path_factory, survey):
    folder = tmp_path_factory.mktemp("downloads")
    downloads.write_downloads(survey, folder)
    return folder


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def test_every_figure_has_its_downloads_figure_A2_too(downloads_folder):
    keys = [*load_figures().index, "A2"]
    assert sorted(p.name for p in downloads_folder.iterdir() if p.name != downloads.DRAWN) == sorted(
        ["datapackage.json", *(f"figuur{k}.{fmt}" for k in keys for fmt in charts.DOWNLOAD_FORMATS)])


def test_a_chart_is_drawn_again_only_when_what_it_shows_changed(downloads_folder, survey, tmp_path, monkeypatch):
    """An edited note redraws its figure's SVG and PNG, and no other; a figure no longer in the book goes."""
    folder = tmp_path / "downloads"
    shutil.copytree(downloads_folder, folder)
    (folder / "figuur9.svg").write_text("<svg/>", encoding="utf-8")

    def drawn_at():
        return {p.name: p.stat().st_mtime_ns for p in folder.glob("figuur*") if p.suffix in (".svg", ".png")}

    before = drawn_at()
    noted = downloads.figure_notes
    monkeypatch.setattr(downloads, "figure_notes", lambda key, table: [*noted(key, table), *(["Bewerkt."] if key == "3" else [])])
    downloads.write_downloads(survey, folder)
    after = drawn_at()
    assert "figuur9.svg" not in after
    assert sorted(n for n in after if after[n] != before[n]) == ["figuur3.png", "figuur3.svg"]
    assert "Bewerkt." in (folder / "figuur3.svg").read_text(encoding="utf-8")


def test_a_downloaded_chart_stands_alone(downloads_folder):
    """Title, notes, source, address, licence and the stand-in notice are inside the image (as outlines) and in its
    <title>/<desc>; the PNG has an opaque white background (a transparent one turns pale fills grey)."""
    for key, needs_legend in [("3", "reconstructie"), ("4", "benadering"), ("6", None), ("A2", None)]:
        svg = (downloads_folder / f"figuur{key}.svg").read_text(encoding="utf-8")
        assert "<text" not in svg and "font-family" not in svg, key  # nothing left for a missing font to change
        said = re.search(r"<title>(.*?)</title><desc>(.*?)</desc>", svg, re.S)
        title, desc = (t.replace("&amp;", "&") for t in said.groups())
        assert title.startswith(f"Figuur {key}. ")
        for line in downloads.credit_lines(standin=True):
            assert line in desc
        assert "CC BY 4.0" in desc and downloads.edition_address() in desc
        for kind in ("benadering", "reconstructie"):
            assert (PROVENANCE[kind].note.split(":")[0] in desc) == (kind == needs_legend), (key, kind)
        assert tuple(_pixels((downloads_folder / f"figuur{key}.png").read_bytes())[0, 0]) == (255, 255, 255, 255)


def test_outlined_text_draws_what_the_text_did(survey):
    """The outlines are the font's glyphs where vl-convert's renderer puts the text (anchors, lines, bold, kerning):
    the two renderings differ only in anti-aliasing, never by a shifted or missing letter."""
    table = charts.figure_table(survey, "5")
    spec = downloads.download_spec(charts.chart_spec("5", table), charts.figure_name("5"),
                                   [*charts.figure_notes("5", table), *downloads.credit_lines(True)])
    as_text = charts.static_svg(spec)
    outlined = fonts.outline_text(as_text)
    assert as_text.count("</text>") > 20 and "<text" not in outlined
    a, b = (_pixels(vlc.svg_to_png(s, scale=1)).astype(int) for s in (as_text, outlined))
    differs = np.abs(a - b).max(axis=2) > 96
    assert a.shape == b.shape and differs.mean() < 0.001, differs.sum()
    assert 'font-weight="bold"' in as_text and "pz-gb" in outlined  # the title's bold glyphs are the bold font's


def test_outline_text_refuses_what_it_cannot_place():
    with pytest.raises(ValueError, match="dx"):
        fonts.outline_text('<svg><text dx="3" font-size="13px">x</text></svg>')


def test_the_csvs_are_a_valid_data_package(downloads_folder, survey):
    report = Package(str(downloads_folder / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = json.loads((downloads_folder / "datapackage.json").read_text(encoding="utf-8"))
    assert package["licenses"][0]["name"] == "CC-BY-4.0" and "raking" in package["description"]
    assert downloads.STANDIN_NOTE in package["description"]
    by_name = {r["name"]: r for r in package["resources"]}
    figure1 = by_name["figuur1"]
    assert figure1["title"] == charts.figure_name("1") and figure1["description"].startswith("Vraag: ")
    bron = next(f for f in figure1["schema"]["fields"] if f["name"] == "bron")
    assert bron["constraints"]["enum"] == ["tekst", "benadering", "reconstructie", "gegenereerd"]
    # the numbers the data user reads are the figure's
    rows = list(csv.DictReader(io.StringIO((downloads_folder / "figuur1.csv").read_text(encoding="utf-8-sig")), delimiter=";"))
    expected = charts.figure_table(survey, "1")
    assert [float(r["percentage"].replace(",", ".")) for r in rows] == list(expected["percentage"])
