"""The authors' lookup gives the number a chapter would show, and one clear line on a wrong name or code."""
import subprocess
import sys

from pzboek import paths


def run(*args):
    return subprocess.run([sys.executable, "-m", "tools.schat", *args], cwd=paths.ROOT, capture_output=True, text=True)


def test_lookup_prints_the_share_as_a_chapter_shows_it(survey):
    result = run("betalen", "1", "geslacht=1")
    assert result.returncode == 0
    assert result.stdout.startswith("betalen = 1 (ja, onvoorwaardelijk) in geslacht=1: 79% (")
    assert f"{(survey.data['geslacht'] == 1).sum()} respondenten, ongewogen" in result.stdout


def test_lookup_names_what_is_wrong_in_one_line():
    for args, message in [(("betaln", "1"), "variable 'betaln' is not in the codebook"),
                          (("betalen", "7"), "variable 'betalen' has no code 7"),
                          (("betalen", "ja"), "codes 'ja' are not whole numbers")]:
        result = run(*args)
        assert result.returncode == 1 and message in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert run("betalen").returncode == 2
