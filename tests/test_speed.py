"""The fast build: the same output, byte for byte, as stock Pelican + i18n-subsites;
and the benchmark runs (on a tiny corpus here; the real measurement is
`invoke benchmark --items 1000`, outside the timed suite)."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import smartypants

from embassy import clock, summary
from embassy.fast import fork, language, patches
from embassy.fast.record import LanguageRecord
from helpers import (
    PRODUCTION_URL,
    ROOT,
    differences,
    run_build,
    set_field,
    synthetic_project,
    write_notice,
    write_settings,
)


def build_both(project, tmp_path, settings="pelicanconf.py"):
    outputs = {}
    for name, fast in (("fast", True), ("stock", False)):
        conf = write_settings(project, f"speed_{name}.py", base=settings, FAST_BUILD=fast,
                              CACHE_PATH=str(tmp_path / f"cache-{name}"))
        outputs[name] = tmp_path / name
        result = run_build(conf, outputs[name], cwd=project)
        assert result.returncode == 0, result.stderr
    return outputs


def test_fast_build_output_is_identical_to_stock_pelican(site_project, prod_site, tmp_path):
    """The session's production build (the fast build, as `invoke publish` builds it)
    against stock Pelican's build of the same project, settings and address: one
    build here instead of two."""
    conf = write_settings(site_project, "speed_stock.py", base="publishconf.py",
                          FAST_BUILD=False, CACHE_PATH=str(tmp_path / "cache-stock"))
    result = run_build(conf, tmp_path / "stock", cwd=site_project)
    assert result.returncode == 0, result.stderr
    assert not differences(prod_site.root, tmp_path / "stock")
    assert len(list(prod_site.root.rglob("*.html"))) > 50


def test_languages_one_at_a_time_build_the_same_site(site_project, prod_site, tmp_path):
    """FAST_BUILD_PARALLEL = False: the session's production build, built again with
    the languages one after the other."""
    conf = write_settings(site_project, "speed_one_at_a_time.py", base="publishconf.py",
                          FAST_BUILD_PARALLEL=False, CACHE_PATH=str(tmp_path / "cache"))
    result = run_build(conf, tmp_path / "output", cwd=site_project, siteurl=PRODUCTION_URL)
    assert result.returncode == 0, result.stderr
    assert not differences(prod_site.root, tmp_path / "output")


def _fake_language(staging, lang, connection, *_args):
    """A language's process that notes when it reads and writes, and takes its time."""
    def note(event):
        with open(Path(staging) / "events", "a", encoding="utf-8") as events:
            events.write(f"{lang} {event}\n")

    try:
        note("reads")
        time.sleep(0.2)
        note("has read")
        connection.send({f"{lang}.md": f"/{lang}/"})
        urls = connection.recv()
        note(f"writes with {len(urls)} URLs")
        time.sleep(0.2)
        note("has written")
        connection.send(language.Report([], False, LanguageRecord(
            lang, {}, {f"{lang}.md": f"/{lang}/"}, {}, {}, {}, {}), 0.4))
    finally:
        os._exit(0)


@pytest.mark.parametrize("parallel", [True, False])
def test_languages_work_side_by_side_or_one_at_a_time(parallel, tmp_path, monkeypatch):
    """FAST_BUILD_PARALLEL = False: while a language's process reads or writes, no other
    does; and still each gets every language's URLs. True: they overlap."""
    monkeypatch.setattr(language, "warm_up", lambda settings: None)
    monkeypatch.setattr(language, "build_language",
                        lambda _file, staging, _over, lang, connection, *rest:
                        _fake_language(staging, lang, connection))
    languages = ["en", "es", "fr"]
    report = summary.Report("output", "", {lang: summary.Language() for lang in languages})
    records = {}
    problems = fork.run_languages("pelicanconf.py", {"FAST_BUILD_PARALLEL": parallel}, {},
                                  tmp_path, None, tmp_path, None, languages, {}, records,
                                  report, summary.Progress(enabled=False))
    assert not problems and sorted(records) == languages
    events = (tmp_path / "events").read_text(encoding="utf-8").splitlines()
    one_at_a_time = ([f"{lang} {event}" for lang in languages for event in ("reads", "has read")]
                     + [f"{lang} {event}" for lang in languages
                        for event in ("writes with 3 URLs", "has written")])
    assert sorted(events) == sorted(one_at_a_time)
    assert (events == one_at_a_time) != parallel


def test_without_incremental_rebuilds_every_build_is_whole(site_project, dev_site, tmp_path):
    """FAST_BUILD_INCREMENTAL = False: the session's development build, built again,
    and no record of it kept (without one, the next build builds everything)."""
    conf = write_settings(site_project, "speed_whole.py", FAST_BUILD_INCREMENTAL=False,
                          CACHE_PATH=str(tmp_path / "cache"))
    result = run_build(conf, tmp_path / "output", cwd=site_project, siteurl="")
    assert result.returncode == 0, result.stderr
    assert not differences(dev_site.root, tmp_path / "output")
    assert (tmp_path / "cache" / "contents").is_dir()  # the cache is this one
    assert not list((tmp_path / "cache").glob("builds/*.json"))


def test_fast_build_is_identical_on_a_synthetic_corpus_with_images(tmp_path, monkeypatch):
    """With a notice shown and a news item waiting for its time (a draft until then)."""
    project = synthetic_project(tmp_path / "project", 24)
    write_notice(project)
    for lang in ("en", "es", "fr"):
        set_field(project / "content" / "news" / "item-00005" / f"index.{lang}.md", "date",
                  'date: "2026-07-29 09:00"')
    monkeypatch.setenv(clock.VARIABLE, "2026-07-28 10:00")
    outputs = build_both(project, tmp_path)
    assert not differences(outputs["fast"], outputs["stock"])
    assert len(list((outputs["fast"] / "media").rglob("*.jpg"))) == 9  # 3 images × 3 widths
    assert "epc-site-notice" in (outputs["fast"] / "fr" / "index.html").read_text()
    assert (outputs["fast"] / "en" / "drafts" / "en-item-00005").is_dir()


def test_smartypants_skips_a_step_only_on_text_it_cannot_change():
    samples = ["plain words", 'he said "yes"', "it's", "'90s", '"Hi," she', "a -- b", "x--",
               "wait...", "wait . . . now", "``quoted''", "a \\\\ b", 'a \\" b', "\\-", "\\.",
               "&quot;x&quot;", "&nbsp;'a'", '"', "'", "``", "''", "--", "...", "\\"]
    samples += [left + right for left in samples for right in samples]
    for name, marks in patches.SMARTYPANTS_MARKS.items():
        stock = getattr(smartypants, name)  # this process never installs the patches
        fast = patches._only_with_marks(stock, marks)
        changed = [text for text in samples if stock(text) != text]
        assert changed, f"no sample exercises {name}"
        assert [fast(text) for text in samples] == [stock(text) for text in samples], name


def build_with(project, output, *prefix, pythonpath=()):
    """The build's command line in project, run after prefix (e.g. taskset), with
    folders put before the project's packages."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([*map(str, pythonpath),
                                                       str(ROOT / "plugins")])}
    return subprocess.run([*prefix, sys.executable, "-m", "embassy.safebuild", "pelicanconf.py",
                           str(output)], cwd=project, env=env, capture_output=True, text=True,
                          timeout=600)


def test_another_pelican_release_builds_with_stock_pelican(tmp_path):
    """patches.py changes Pelican's internals as Pelican 4.12 has them. With the release
    before it installed, the build neither breaks nor guesses: it says so in one
    line and builds with stock Pelican, and the site is the one Pelican 4.12 makes."""
    previous = tmp_path / "pelican-previous"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--require-hashes", "--target", str(previous),
                    "-r", str(ROOT / "tests" / "pelican-previous.txt")], check=True)
    project = synthetic_project(tmp_path / "project", 12)
    result = build_with(project, tmp_path / "previous", pythonpath=[previous])
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if "fast build" in line]
    assert lines == ["the fast build is off: it was written for pelican 4.12.0, and 4.11.0 "
                     "is installed; building with stock Pelican (slower)."]
    outputs = build_both(project, tmp_path)
    assert not differences(tmp_path / "previous", outputs["fast"])


@pytest.mark.skipif(not shutil.which("taskset"), reason="taskset (util-linux) limits the cores")
def test_one_core_means_the_stock_build(tmp_path):
    """One mode per promise: the fast build forks a process per language, and with one
    core it builds with stock Pelican instead, and says so."""
    project = synthetic_project(tmp_path / "project", 12)
    result = build_with(project, tmp_path / "one-core", "taskset", "-c", "0")
    assert result.returncode == 0, result.stderr
    assert "the fast build is off: one core only; building with stock Pelican." in result.stdout
    outputs = build_both(project, tmp_path)
    assert not differences(tmp_path / "one-core", outputs["fast"])
