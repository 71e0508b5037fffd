"""The GitHub Pages workflow's own steps, run in order as the runner runs them.

The build job's `run:` steps are executed by bash in a fresh clone, in a clean
environment holding only what the workflow and the runner set (PATH with a
fresh virtual environment in place of setup-python, GITHUB_ENV and
GITHUB_OUTPUT files, the step's `env:` with its expressions resolved). The
`uses:` steps are stood in for: checkout by the clone, setup-python by the
fresh virtual environment, configure-pages by its `base_url` output (the
address the site is published at), upload-pages-artifact by the same `tar`
command it runs, whose archive is then checked.
"""

import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import yaml

from helpers import WORKFLOW, assert_refused, git, require, user_env

BASE_URL = "https://www.embassy.example"  # configure-pages' base_url: a custom domain
PROJECT_URL = "https://owner.github.io/embassy"  # its base_url without one
EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")
PINNED = re.compile(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}")  # owner/action@<commit>


def resolve(value, outputs):
    """A workflow value with its ${{ steps.ID.outputs.NAME }} expressions replaced."""
    def replace(match):
        found = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", match.group(1))
        assert found, f"the test does not know the expression {match.group(0)}"
        return outputs[found.group(1)][found.group(2)]

    return EXPRESSION.sub(replace, str(value))


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


def test_the_workflow_build_job_publishes_a_checked_site_for_a_custom_domain(clone, tmp_path):
    require("java", "chromium", "git", "npm")
    job = yaml.safe_load(WORKFLOW.read_text())["jobs"]["build"]
    python = tmp_path / "python"  # actions/setup-python: a Python of its own on PATH
    subprocess.run([sys._base_executable, "-m", "venv", str(python)], check=True)
    github_env, github_output = tmp_path / "github_env", tmp_path / "github_output"
    github_env.touch()
    environment = {
        "PATH": f"{python / 'bin'}:/usr/local/bin:/usr/bin:/bin",
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "CI": "true", "GITHUB_ACTIONS": "true", "RUNNER_TEMP": str(tmp_path),
        "GITHUB_ENV": str(github_env), "GITHUB_OUTPUT": str(github_output),
        "GITHUB_WORKSPACE": str(clone),
    }
    outputs, uploaded, ran = {}, None, []
    for step in job["steps"]:
        action = step.get("uses", "").split("@")[0]
        if action == "actions/configure-pages":
            outputs[step["id"]] = {"base_url": BASE_URL}
        elif action == "actions/upload-pages-artifact":
            uploaded = clone / step["with"]["path"]
        elif "run" in step:
            github_output.write_text("")
            env = {**environment, **read_key_values(github_env),
                   **{name: resolve(value, outputs) for name, value in step.get("env", {}).items()}}
            result = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=clone, env=env,
                                    capture_output=True, text=True, timeout=1200)
            assert result.returncode == 0, f"{step.get('name')}:\n{result.stdout}{result.stderr}"
            ran.append(result.stdout)
            if "id" in step:
                outputs[step["id"]] = read_key_values(github_output)
        else:
            assert action in ("actions/checkout", "actions/setup-python"), f"unknown step {step}"
    assert read_key_values(github_env)["CHROMIUM"], "no browser was found for the browser gate"
    assert "Quality gates for" in ran[-1] and "FAIL" not in ran[-1], ran[-1]

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
    assert f'href="{BASE_URL}/theme/css/' in home


def test_the_workflow_refuses_to_publish_the_editor_at_a_project_address(project_copy,
                                                                         good_output):
    """Without a custom domain, configure-pages gives a project address, whose origin
    every GitHub Pages site of its owner shares: the publish step stops, in one line,
    and the last good output stays."""
    job = yaml.safe_load(WORKFLOW.read_text())["jobs"]["build"]
    step = next(step for step in job["steps"] if "EDITOR_REQUIRED" in step.get("env", {}))
    env = {name: resolve(value, {"pages": {"base_url": PROJECT_URL}})
           for name, value in step["env"].items()}
    assert env["EDITOR_REQUIRED"] == "true"
    path = f"{Path(sys.executable).parent}:{os.environ['PATH']}"  # invoke, as installed
    result = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=project_copy,
                            env=user_env(PATH=path, **env), capture_output=True, text=True,
                            timeout=600)
    reason = (f"publishconf.py (SITEURL): this build must include the browser editor, but at "
              f"{PROJECT_URL} it would share its origin, https://owner.github.io, with every "
              "GitHub Pages site of owner, any of which could read the staff's token.\n"
              "  How to fix: give the site a custom domain (README.md, \"A custom domain for "
              "the editor\").")
    assert_refused(result, good_output, reason)


def test_the_pages_workflow_is_hardened():
    """Each job has a time limit; only main deploys, whatever started the run; pip
    installs wheels only (no package's build code runs), each with its hash from the
    lock; every action is pinned to a commit; each job has only the rights it needs."""
    workflow = yaml.safe_load(WORKFLOW.read_text())
    assert workflow["permissions"] == {}
    jobs = workflow["jobs"]
    for name, job in jobs.items():
        assert 0 < job["timeout-minutes"] <= 60, name
        for step in job["steps"]:
            assert "uses" not in step or PINNED.fullmatch(step["uses"]), step["uses"]
    assert jobs["build"]["permissions"] == {"contents": "read"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert jobs["deploy"]["needs"] == "build"
    assert jobs["deploy"]["if"] == "github.ref == 'refs/heads/main'"
    assert jobs["deploy"]["environment"]["name"] == "github-pages"
    installs = [step["run"] for step in jobs["build"]["steps"]
                if "pip install" in step.get("run", "")]
    assert installs == ["python -m pip install --only-binary :all: --require-hashes "
                        "-r requirements.lock"]
    checkout = jobs["build"]["steps"][0]
    assert checkout["uses"].startswith("actions/checkout@")
    assert checkout["with"]["persist-credentials"] is False
