"""The mends where no hook reaches (pzboek/sphinxext/mends.py) still match upstream: when an upstream release drops
or changes the text a mend replaces, this fails, naming the package, so the mend is lifted or rewritten."""
import sysconfig
from importlib.metadata import version
from pathlib import Path

import pytest

from pzboek.sphinxext.mends import MARKUP, STATIC_SCRIPTS, mend

SITE_PACKAGES = Path(sysconfig.get_paths()["purelib"])


@pytest.mark.parametrize("fix", [*MARKUP, *STATIC_SCRIPTS], ids=lambda f: f"{f.package}:{Path(f.path).name}")
def test_upstream_still_has_what_a_mend_replaces(fix):
    text = (SITE_PACKAGES / fix.path).read_text(encoding="utf-8")
    assert (fix.source or fix.wrong) in text, (
        f"{fix.package} {version(fix.package)} (mend written for {fix.version}) no longer has this text in {fix.path}: "
        "lift or rewrite the mend")


def test_a_mend_changes_only_its_own_text():
    page = 'x <nav aria-label="Page"> y aria-label="Main" z'
    assert mend(page) == 'x <nav aria-label="Pagina"> y aria-label="Hoofdmenu" z'
    assert mend('aria-label="Mainly"') == 'aria-label="Mainly"'
