"""How to cite this edition, from its one source of citation metadata: CITATION.cff.

`pzboek.sphinxext.content` writes the landing page's "Citeer deze uitgave" block (directive `pz-citeer`) with these
functions; tests/test_citation.py checks CITATION.cff against the Citation File Format schema.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

from pzboek import paths

CFF = paths.ROOT / "CITATION.cff"
NO_DATE = "z.d."  # APA's "n.d." in Dutch
LICENCES = {"MIT": "code onder de MIT-licentie",
            "CC-BY-4.0": "eigen teksten, gegevens en figuren onder CC BY 4.0"}


class _KeepDates(yaml.SafeLoader):
    """YAML as the Citation File Format reads it: dates stay strings."""


_KeepDates.yaml_implicit_resolvers = {k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
                                      for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def load(path: Path = CFF) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_KeepDates)


def names(people: list[dict]) -> list[str]:
    return [p["name"] if "name" in p else f"{p['family-names']}, {p.get('given-names', '')}".rstrip(", ")
            for p in people]


def year(cff: dict) -> str:
    released = str(cff.get("date-released", ""))
    return released[:4] if released else NO_DATE


def checkout_version(folder: Path) -> tuple[str, str] | None:
    """(short commit, commit date) of the checkout the book is built from, or None outside a git checkout: a
    published build names the state of the edition it shows."""
    try:
        out = subprocess.run(["git", "-C", str(folder), "log", "-1", "--format=%h %cs"], capture_output=True,
                             text=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        return None
    return (out[0], out[1]) if len(out) == 2 else None


def with_version(cff: dict, version: tuple[str, str] | None) -> dict:
    """CITATION.cff's own version and release date where it gives them, else the checkout's."""
    if version is None or "version" in cff:
        return cff
    return {**cff, "version": version[0], "date-released": cff.get("date-released", version[1])}


def original(cff: dict) -> dict:
    """The report this edition reproduces: the first reference of type report."""
    return next(r for r in cff.get("references", []) if r.get("type") == "report")


def apa(cff: dict) -> str:
    """The edition in APA style (Dutch words), as Markdown."""
    report = original(cff)
    authors = " & ".join(names(cff["authors"]))
    source = f"{', '.join(names(report['authors']))}, {report['year']}"
    version = f" (versie {cff['version']})" if cff.get("version") else ""
    return (f"{authors}. ({year(cff)}). *{cff['title']}*{version} [Online uitgave van het rapport van {source}]. "
            f"<{cff['url']}>")


def apa_original(cff: dict) -> str:
    report = original(cff)
    authors = " & ".join(names(report["authors"]))
    publisher = report.get("institution", report.get("publisher", {})).get("name", "")
    tail = f" {publisher}." if publisher and publisher != authors else ""
    return f"{authors}. ({report['year']}). *{report['title']}*.{tail}"


def bibtex(cff: dict) -> str:
    report = original(cff)
    fields = [("author", "{" + " and ".join("{" + n + "}" for n in names(cff["authors"])) + "}"),
              ("title", "{" + cff["title"] + "}"),
              ("howpublished", "{Online uitgave}")]
    if year(cff) != NO_DATE:
        fields.append(("year", "{" + year(cff) + "}"))
    if cff.get("version"):
        fields.append(("version", "{" + str(cff["version"]) + "}"))
    fields += [("url", "{" + cff["url"] + "}"),
               ("note", "{Oorspronkelijk rapport: " + ", ".join(names(report["authors"])) + f" ({report['year']})}}")]
    width = max(len(name) for name, _ in fields)
    body = ",\n".join(f"  {name.ljust(width)} = {value}" for name, value in fields)
    return f"@misc{{participatiezekerheid_online,\n{body}\n}}"


def licence(cff: dict) -> str:
    licences = cff["license"] if isinstance(cff["license"], list) else [cff["license"]]
    return "; ".join(LICENCES[name] for name in licences)


def markdown(cff: dict, repository: str = "") -> list[str]:
    """The landing page's block: who to cite, APA, BibTeX, the original report and the licence (LICENSE linked
    in the repository when its address is given)."""
    report = original(cff)
    licence_file = f"[LICENSE]({repository.rstrip('/')}/blob/main/LICENSE)" if repository else "LICENSE"
    return [
        f"Het oorspronkelijke rapport is van {', '.join(names(report['authors']))} ({report['year']}). "
        "Deze online uitgave citeert u zo:",
        "",
        "**APA**",
        "",
        apa(cff),
        "",
        "**BibTeX**",
        "",
        "```text",  # not highlighted: Pygments' BibTeX colours are too faint on the theme's code background
        *bibtex(cff).splitlines(),
        "```",
        "",
        "**Oorspronkelijk rapport (APA)**",
        "",
        apa_original(cff),
        "",
        f"**Licentie.** Deze uitgave: {licence(cff)} (zie {licence_file}). "
        f"De tekst en de titel van het rapport blijven © {report['year']} {', '.join(names(report['authors']))} "
        "en vallen daar niet onder.",
    ]
