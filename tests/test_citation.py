"""For readers: how to cite the edition (one source, CITATION.cff, valid Citation File Format 1.2.0, shown on the
landing page in APA and BibTeX), its licence, the repository links from the one repository setting, and each
chapter as an executed notebook.

CITATION.cff is validated the way `cffconvert --validate` does it (jsonschema against the CFF 1.2.0 schema, with
format checks; the schema is vendored from cffconvert 2.0.0 in tests/data). cffconvert itself cannot be a
dependency: it requires jsonschema < 4, which the notebook tooling (jupyterlab, `make lab`) cannot run with.
"""
import copy
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest
import yaml

from pzboek import paths
from pzboek.sphinxext import citation

ROOT = paths.ROOT
SCHEMA = json.loads((ROOT / "tests" / "data" / "citation-file-format-1.2.0.schema.json").read_text(encoding="utf-8"))
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
REPOSITORY = CONFIG["repository"]["url"]
CHAPTERS = sorted(p.stem for p in (ROOT / "chapters").glob("*.md"))
AUTHOR = "Redactie online uitgave Participatiezekerheid"


def cff_errors(cff: dict) -> list[str]:
    validator = jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    return [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(cff)]


class _Block(HTMLParser):
    """The text and links of the element with class pz-citeer."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.text: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.depth:
            self.depth += tag not in ("br", "img", "meta", "link", "input", "hr")
            if tag == "a":
                self.links.append(attrs.get("href", ""))
        elif tag == "div" and "pz-citeer" in (attrs.get("class") or "").split():
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)


def citation_block(built_book: Path) -> _Block:
    block = _Block()
    block.feed((built_book / "index.html").read_text(encoding="utf-8"))
    assert block.text, "index.html has no pz-citeer block"
    return block


def test_citation_cff_is_valid_citation_file_format():
    cff = citation.load()
    assert cff["cff-version"] == "1.2.0"
    assert not cff_errors(cff), cff_errors(cff)


def test_the_validation_catches_a_broken_citation_file():
    broken = copy.deepcopy(citation.load())
    del broken["authors"]
    broken["license"] = "MIT-ish"
    broken["url"] = "not an address"
    errors = "\n".join(cff_errors(broken))
    assert "'authors' is a required property" in errors and "MIT-ish" in errors, errors


def test_the_edition_is_cited_with_a_neutral_author_and_the_original_report():
    cff = citation.load()
    assert [a.get("name") for a in cff["authors"]] == [AUTHOR]
    report = citation.original(cff)
    assert [a["name"] for a in report["authors"]] == ["Start Foundation"] and report["year"] == 2019
    assert sorted(cff["license"]) == ["CC-BY-4.0", "MIT"]
    # the repository and site addresses are the book's own settings
    assert cff["repository-code"] == REPOSITORY
    assert cff["url"] == CONFIG["html"]["baseurl"]


def test_apa_and_bibtex_follow_citation_cff():
    cff = citation.load()
    changed = {**cff, "title": "Een andere titel", "date-released": "2027-03-01"}
    assert "*Een andere titel*" in citation.apa(changed) and "(2027)" in citation.apa(changed)
    assert "title        = {Een andere titel}" in citation.bibtex(changed)
    assert "year         = {2027}" in citation.bibtex(changed)
    assert citation.apa(cff).startswith(f"{AUTHOR}. ({citation.year(cff)}). *{cff['title']}*")
    assert citation.bibtex(cff).startswith("@misc{participatiezekerheid_online,\n  author       = {{" + AUTHOR + "}},")


def test_landing_page_says_how_to_cite_without_survey_numbers(built_book):
    index = (built_book / "index.html").read_text(encoding="utf-8")
    assert 'id="citeer-deze-uitgave"' in index and ">Citeer deze uitgave<" in index
    block = citation_block(built_book)
    text = re.sub(r"\s+", " ", "".join(block.text))
    for words in ["APA", "BibTeX", "@misc{participatiezekerheid_online", f"{AUTHOR}. ({citation.year(citation.load())}).",
                  "Het oorspronkelijke rapport is van Start Foundation (2019)", "Oorspronkelijk rapport (APA)",
                  "Licentie.", "MIT-licentie", "CC BY 4.0", "© 2019 Start Foundation"]:
        assert words in text, (words, text)
    assert "De makers van deze online uitgave" not in text
    # no survey number typed into the block: no percentages, no numbers but the years
    assert not re.search(r"\d\s*%|procent", text), text
    numbers = set(re.findall(r"(?<![\w.])\d[\d.,]*", re.sub(r"https?://\S+", "", text)))
    assert numbers <= {"2019", "4.0"}, numbers
    assert f"{REPOSITORY}/blob/main/LICENSE" in block.links


def test_repository_edit_and_issue_links_come_from_the_repository_setting(built_book):
    page = (built_book / "chapters" / "01_vooraf.html").read_text(encoding="utf-8")
    assert f'href="{REPOSITORY}"' in page
    assert f'href="{REPOSITORY}/edit/main/chapters/01_vooraf.md"' in page
    issue = re.search(rf'href="({re.escape(REPOSITORY)}/issues/new\?[^"]*)"', page)
    assert issue and "Opmerking%20bij%20pagina" in issue.group(1) and "Your%20issue" not in issue.group(1)
    # Dutch words only on the buttons
    for english in ["Suggest edit", "Open issue", ">Repository<", "Source repositor", "Issue on page"]:
        assert english not in page, english
    for calque in ["Bronopslagplaats", "Open een probleem"]:  # the theme's own Dutch, which locale/ replaces
        assert calque not in page, calque
    assert 'title="Broncode"' in page and 'title="Probleem melden"' in page
    for dutch in ['aria-label="Broncode en opmerkingen"', ">Broncode<", ">Wijziging voorstellen<", ">Probleem melden<"]:
        assert dutch in page, dutch
    # the one setting: no other place in the configuration names the repository
    assert (ROOT / "_config.yml").read_text(encoding="utf-8").count("github.com/startfoundation") == 1


def test_each_chapter_links_its_executed_notebook(built_book):
    for name in CHAPTERS:
        page = (built_book / "chapters" / f"{name}.html").read_text(encoding="utf-8")
        assert f'<a href="../notebooks/{name}.ipynb" download>' in page, name
        assert "make lab" in page and "kloon van de repository" in page, name
        notebook = json.loads((built_book / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
        assert notebook["nbformat"] == 4
        code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
        assert code and all(c.get("execution_count") for c in code), f"{name}.ipynb is not executed"
    assert "notebooks/" not in (built_book / "index.html").read_text(encoding="utf-8").split("<article")[1]


def test_readme_says_why_there_is_no_launch_button():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "Binder" in readme and "make lab" in readme
    assert CONFIG["launch_buttons"]["binderhub_url"] == ""


def test_a_build_from_a_checkout_cites_its_commit(tmp_path):
    """APA's "(z.d.)" and no version only outside a git checkout; CITATION.cff's own version, when it gives one, wins."""
    import subprocess

    cff = citation.load()
    assert citation.checkout_version(tmp_path) is None and citation.with_version(cff, None) == cff
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "a").write_text("a")
    subprocess.run(["git", "-C", str(tmp_path), "add", "a"], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "a"],
                   check=True, env={"GIT_COMMITTER_DATE": "2027-03-01T12:00:00", "PATH": "/usr/bin:/bin"})
    commit, date = citation.checkout_version(tmp_path)
    assert date == "2027-03-01" and len(commit) >= 7
    cited = citation.with_version(cff, (commit, date))
    assert f"(2027). *{cff['title']}* (versie {commit}) [" in citation.apa(cited)
    assert "year         = {2027}" in citation.bibtex(cited) and f"version      = {{{commit}}}" in citation.bibtex(cited)
    assert citation.with_version({**cff, "version": "1.0"}, (commit, date))["version"] == "1.0"
