"""What the tests share besides fixtures (those are in conftest.py): the project's
places, building it as tasks.py does, copies of it, and comparisons."""

import filecmp
import hashlib
import os
import re
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from filelock import FileLock

from benchmarks.corpus import (
    copy_project,  # noqa: F401 - for the tests
    write_settings,  # noqa: F401 - for the tests
)
from benchmarks.corpus import make_project as synthetic_project  # noqa: F401 - for the tests
from embassy.fast import unsupported
from embassy.gates import GATES, GateUnavailable

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
# The site's languages, as pelicanconf.py declares them.
LANGUAGES = runpy.run_path(str(ROOT / "pelicanconf.py"))["LANGUAGES"]
PRODUCTION_URL = "https://embassy.example"
# The former site's addresses that sources show (content/data/redirects.yaml), and
# the path each leads to on this site.
OLD_ADDRESSES = {"/ingles/bilaterals.html": "/en/legal-framework/",
                 "/ES/es_bilaterales.html": "/es/marco-juridico/"}
SUMMARY_LINE = re.compile(r"^  (en|es|fr)  \S+ +\d+ news items?, \d+ pages?; \d+ files? written",
                          re.MULTILINE)
IN_CI = os.environ.get("CI") == "true"
WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"
BUILD_WORKFLOW = WORKFLOW.parent / "site-build.yml"  # pages.yml's build job (site-check's too)
# Tests of what only the fast build does (rebuilds, per-language processes): with
# other versions of Pelican and its plugins the build is stock Pelican's.
needs_fast_build = pytest.mark.skipif(unsupported() is not None,
                                      reason=f"the fast build is off: {unsupported()}")


def made_once(tmp_path_factory, name, make):
    """The folder name, which make(folder) fills once for the whole run: the workers of
    pytest-xdist share it, the first to need it making it while the others wait."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's folder, above each worker's own
    folder, made = base / name, base / f"{name}.made"
    with FileLock(base / f"{name}.lock"):
        if not made.exists():
            shutil.rmtree(folder, ignore_errors=True)  # what a failed attempt left
            make(folder)
            made.touch()
    return folder


def run_build(settings, output, cwd=ROOT, siteurl=PRODUCTION_URL):
    """Build with settings into output; return the finished process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins"), "SITEURL": siteurl}
    return subprocess.run(
        [sys.executable, "-m", "embassy.safebuild", settings, str(output)],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=300,
    )


def run_python(code, *args, cwd=None, timeout=120):
    """python -c code args, the plugin importable (PYTHONPATH); the finished process."""
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "plugins")})


def edit_source(project, path, old, new):
    """Replace old by new (once) in one of the project's files; old is a string or a
    compiled pattern, such as field_line("date") (new is then taken as it is)."""
    target = project / path
    text = target.read_text(encoding="utf-8")
    if isinstance(old, re.Pattern):
        assert old.search(text), old.pattern
        text = old.sub(lambda _match: new, text, count=1)
    else:
        assert old in text, old
        text = text.replace(old, new, 1)
    target.write_text(text, encoding="utf-8")


def field_line(name):
    """The whole line 'name: …' of a content file's front matter, newline included,
    however its value is written (quoted or not): edit_source(…, field_line("date"),
    "date: 2024-02-30\n") replaces it, "" removes it."""
    return re.compile(rf"^{re.escape(name)}:.*\n", re.MULTILINE)


def set_field(path, name, line):
    """Replace the line 'name: …' of the content file at path by line (one or more
    lines, without the final newline; "" removes it)."""
    path = Path(path)
    edit_source(path.parent, path.name, field_line(name), f"{line}\n" if line else "")


def front_matter(path):
    """The metadata of a content file (index.<lang>.md), as YAML reads it."""
    text = Path(path).read_text(encoding="utf-8")
    start, header, _body = text.split("---\n", 2)
    assert start == "", f"{path} does not start with '---'"
    return yaml.safe_load(header)


def assert_refused(result, output, *messages):
    """The build failed with these messages, no traceback, and kept the last output."""
    assert result.returncode == 1, result.stdout + result.stderr
    for message in messages:
        assert message in result.stderr, result.stderr
    assert "How to fix:" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert [path.name for path in output.iterdir()] == ["last-good.txt"]


def assert_built(project, result):
    """The build succeeded, printed its summary (one line per language), and left
    nothing beside output/ but its lock file."""
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Built the site in" in result.stdout, result.stdout
    assert sorted(SUMMARY_LINE.findall(result.stdout)) == sorted(LANGUAGES), result.stdout
    assert "Done: Processed" not in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert [path.name for path in project.glob(".output*")] == [".output.lock"]


def assert_gates_passed(report):
    """Every quality gate ran and passed: its "ok" line is in report (what `invoke
    publish` and `invoke check` print)."""
    passed = [name for name in GATES if f"\n  ok    {name}: " in f"\n{report}"]
    assert passed == list(GATES), report


def run_gate(check, site, **options):
    """Run a quality gate; without its tool, skip here but fail in CI."""
    try:
        return check(site, **options)
    except GateUnavailable as error:
        if IN_CI:
            pytest.fail(f"CI must run every gate: {error}")
        pytest.skip(str(error))


def content_items():
    """(kind, key) for every news item of the corpus and every page of content/."""
    return sorted(
        (kind, folder.name)
        for kind, parent in (("news", CORPUS / "news"), ("pages", ROOT / "content" / "pages"))
        for folder in parent.iterdir() if folder.is_dir()
    )


def source_file(kind, key, lang):
    """The source of an item of content_items() in a language."""
    return (CORPUS if kind == "news" else ROOT / "content") / kind / key / f"index.{lang}.md"


def require(*programs):
    """Skip (fail in CI) when a program the command needs is not installed."""
    paths = {"java": "/usr/bin/java", "chromium": "/usr/bin/chromium", "nginx": "/usr/sbin/nginx"}
    missing = [name for name in programs
               if not (os.access(paths[name], os.X_OK) if name in paths else shutil.which(name))]
    if missing:
        message = f"needs {', '.join(missing)} (apt-get install {' '.join(missing)})"
        pytest.fail(message) if IN_CI else pytest.skip(message)


def git(folder, *args):
    env = {**os.environ, "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org"}
    return subprocess.run(["git", *args], cwd=folder, env=env, check=True,
                          capture_output=True, text=True).stdout


def user_env(**variables):
    """The environment of a user's shell: none of the tests' own settings."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("SITEURL", "PYTHONPATH")}
    return {**env, **variables}


def invoke(project, *args, **variables):
    """`.venv/bin/invoke ARGS` in the project, as the README shows it."""
    return subprocess.run([str(project / ".venv" / "bin" / "invoke"), *args], cwd=project,
                          env=user_env(**variables), capture_output=True, text=True,
                          timeout=600)


def differences(left, right):
    """What differs between two folders, file by file (an empty list: identical)."""
    comparison = filecmp.dircmp(left, right)
    found = [f"{left}: {name}" for name in comparison.left_only + comparison.right_only]
    _match, mismatch, errors = filecmp.cmpfiles(left, right, comparison.common_files, shallow=False)
    found += [f"{left}/{name} differs" for name in mismatch + errors]
    for folder in comparison.common_dirs:
        found += differences(Path(left) / folder, Path(right) / folder)
    return found


def snapshot(folder):
    """{relative path: sha256} of every file in folder."""
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(Path(folder).rglob("*")) if path.is_file()}


def append(path, text):
    with Path(path).open("a", encoding="utf-8") as file:
        file.write(text)


# A notice (content/notices/, see plugins/embassy/notices.py) in the three languages.
START, END = "2026-07-27 09:00", "2026-07-29 23:59"
NOTICE = {
    "en": ("Closed for Peru’s national holidays",
           "The embassy and its consular section will be closed on 28 and 29 July."),
    "es": ("Cerrado por Fiestas Patrias",
           "La Embajada y su sección consular estarán cerradas el 28 y el 29 de julio."),
    "fr": ("Fermé pour la fête nationale du Pérou",
           "L’ambassade et sa section consulaire seront fermées les 28 et 29 juillet."),
}


def write_notice(project, key="national-holidays", level="info", languages=LANGUAGES,
                 start=START, end=END):
    folder = Path(project) / "content" / "notices" / key
    folder.mkdir(parents=True, exist_ok=True)
    for lang in languages:
        title, text = NOTICE[lang]
        (folder / f"index.{lang}.md").write_text(
            f'---\ntitle: "{title}"\nstart: "{start}"\nend: "{end}"\nlevel: "{level}"\n---\n'
            f"{text}\n", encoding="utf-8")
    return folder


SCREENSHOTS = os.environ.get("SCREENSHOTS")  # docs/images: retake the guides' pictures
# How a workflow run's summary reads: its Markdown as HTML, in a plain page (not GitHub's).
SUMMARY_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><style>
body {{ font: 15px/1.5 -apple-system, "Segoe UI", "Noto Sans", "DejaVu Sans", sans-serif;
       color: #1f2328; margin: 0; padding: 24px; background: #f6f8fa; }}
main {{ max-width: 860px; margin: auto; background: #fff; border: 1px solid #d1d9e0;
       border-radius: 6px; padding: 8px 24px 16px; }}
h2 {{ font-size: 1.3em; border-bottom: 1px solid #d1d9e0; padding-bottom: .3em; }}
h3 {{ font-size: 1.05em; margin-top: 1.4em; }}
code {{ background: #eff1f3; padding: .1em .3em; border-radius: 4px; font-size: 90%; }}
a {{ color: #0969da; }} li {{ margin: .3em 0; }}
table {{ border-collapse: collapse; }} td, th {{ border: 1px solid #d1d9e0; padding: 4px 10px; }}
</style></head><body><main>{body}</main></body></html>"""


def photograph_markdown(markdown_text, path):
    """A picture of a run's summary: its Markdown rendered (Python-Markdown) in a plain
    page, photographed in Chromium at path (the writing guides show it)."""
    import markdown

    from embassy.gates.browser import browser

    body = markdown.markdown(markdown_text, extensions=["tables"])
    path.parent.mkdir(parents=True, exist_ok=True)
    with browser() as chromium:
        page = chromium.new_page(viewport={"width": 940, "height": 400})
        page.set_content(SUMMARY_PAGE.format(body=body))
        page.locator("main").screenshot(path=str(path), animations="disabled")
        page.close()
