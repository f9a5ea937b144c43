"""The chapters' report text against the report's own text (tests/data/rapport.txt, the text version of the PDF this
edition starts from): every difference in wording must be a row of data/errata.csv, which the Verantwoording lists
for readers as 'Correcties'."""
import re
from collections import Counter

import pytest

from pzboek import paths
from pzboek.published import load_errata

REPORT = paths.ROOT / "tests" / "data" / "rapport.txt"
CHAPTERS = sorted((paths.ROOT / "chapters").glob("[0-9][0-9]_*.md"))
WORD = re.compile(r"[^\W\d_][\w’'-]*")


def words(text: str) -> list[str]:
    return [w.lower().rstrip("0123456789’'") for w in WORD.findall(text)]


def report_words(text: str) -> Counter:
    """The report's words, plus each pair of words split by a line break joined: the PDF's text version breaks long
    words at line ends without a hyphen ('zelfredzaam' / 'heid'), which is its layout, not its wording."""
    lines = [words(line) for line in text.splitlines()]
    joined = [a[-1].rstrip("-") + b[0] for a, b in zip(lines, lines[1:]) if a and b]
    return Counter([w for line in lines for w in line] + joined)


def report_prose(chapter_text: str) -> str:
    """The chapter's text as it comes from the report: no code cells, directives, roles, front matter, markup, or
    this edition's additions (sections headed 'Toevoeging', italic notes of the edition)."""
    text = re.sub(r"^---\n.*?\n---\n", "", chapter_text, flags=re.S)
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    text = re.sub(r"\{[\w:-]+\}`[^`]*`", "", text)
    text = re.sub(r"^## Toevoeging.*?(?=^## |\Z)", "", text, flags=re.S | re.M)
    text = re.sub(r"^\*[^*].*\*$", "", text, flags=re.M)
    text = re.sub(r"\[\^\d+\]:?", "", text)
    return re.sub(r"[*#>]", " ", text)


def unlisted_differences(chapter, report_words: Counter) -> list[str]:
    errata = load_errata()
    corrected = Counter(w for c in errata.loc[errata["hoofdstuk"] == chapter.stem, "correctie"] for w in words(c))
    counts = Counter(words(report_prose(chapter.read_text(encoding="utf-8"))))
    return sorted(w for w, n in counts.items() if n > report_words[w] + corrected[w])


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_every_difference_from_the_report_is_a_listed_correction(chapter):
    report = report_words(REPORT.read_text(encoding="utf-8"))
    assert unlisted_differences(chapter, report) == [], (
        f"{chapter.relative_to(paths.ROOT)} differs from the report in these words; record each change in data/errata.csv")


def test_an_unlisted_change_is_found(tmp_path):
    chapter = tmp_path / "99_nieuw.md"  # no row of data/errata.csv
    chapter.write_text("Het gaat om sociaal-culturele werkzaamheden en sociaal-culturele ondersteuning.",
                       encoding="utf-8")
    report = report_words("Het gaat om sociaalculturele werkzaamheden\nen sociaalculturele onder-\nsteuning.")
    assert unlisted_differences(chapter, report) == ["sociaal-culturele"]
