"""The measuring commands of docs/performance.md, run as a user runs them, on a small scale.

Their numbers are not asserted where they depend on the machine's speed (the
build times, Lighthouse's performance score): the commands must run and report
them. Lighthouse's other three categories do not depend on timing and must be
100.
"""

import re
import subprocess

import pytest

from helpers import ROOT, invoke, require, run_python, user_env


@pytest.mark.slow
def test_invoke_benchmark_compares_ours_with_stock_pelican(project):
    result = invoke(project, "benchmark", "--items", "4", "--repeat", "1")
    assert result.returncode == 0, result.stdout + result.stderr
    for step in ("cold", "rebuild"):
        assert re.search(rf"^{step} time +[\d.]+ s +[\d.]+ s +[\d.]+x$", result.stdout,
                         re.MULTILINE), result.stdout
        assert re.search(rf"^{step} memory +\d+ MiB +\d+ MiB +[\d.]+x$", result.stdout,
                         re.MULTILINE), result.stdout
    assert "our one-item rebuild takes" in result.stdout


@pytest.mark.slow
def test_invoke_benchmark_publish_times_the_workflow_step_cold_and_warm(project):
    """Four publishes, invoke as a user runs it, with the quick gates only: every gate
    is run by the publish tests, and the browser's alone would take minutes here."""
    require("git")
    result = subprocess.run([str(project / ".venv" / "bin" / "invoke"), "benchmark-publish",
                             "--items", "2", "--gates", "files,links"], cwd=project,
                            env=user_env(), capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stdout + result.stderr
    for title in ("the site's own content", "2 items × 3 languages"):
        assert re.search(rf"^{title} \(\d+ pages\)$", result.stdout, re.MULTILINE), result.stdout
    assert "gates run: files, links (not every gate" in result.stdout
    assert "HTML (Nu HTML Checker)" not in result.stdout
    for part in map(re.escape, ("build", "Files (only what the site publishes, in its place)",
                                "Links, assets and #fragments", "publish (build + gates)")):
        times = r" +[\d.]+ s +[\d.]+ s +[\d.]+"  # cold, warm, warm/cold
        assert len(re.findall(rf"^  {part}{times}{times}$", result.stdout,  # wall, CPU
                              re.MULTILINE)) == 2, result.stdout
    assert re.search(r"^target: .* at 2 items × 3: (NOT )?met \([\d.]+\)$", result.stdout,
                     re.MULTILINE), result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("corpus, page", [
    (False, "fr/accords/"),
    (True, "es/noticias/ochenta-anos-de-relaciones-diplomaticas/"),  # a news item
])
def test_invoke_lighthouse_audits_a_page(project, corpus, page):
    require("chromium", "nginx", "npm")
    result = invoke(project, "lighthouse", "--pages", f"{page},en/news/not-published/",
                    *(["--corpus"] if corpus else []))
    assert re.search(r"^en/news/not-published/\s+not on this site", result.stdout, re.MULTILINE)
    row = re.search(rf"^{page}\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$", result.stdout,
                    re.MULTILINE)
    assert row, result.stdout + result.stderr
    _performance, accessibility, best_practices, seo = map(int, row.groups())
    assert (accessibility, best_practices, seo) == (100, 100, 100), result.stdout


def test_the_benchmark_can_turn_off_each_cache_layer():
    """`benchmarks/build_speed.py --without LAYER` (what a layer saves, measured by hand:
    a build per layer takes minutes) turns each off by replacing a function of the
    fast build: each must still be there, or the layer would be measured as off
    while on. In a process of its own: the functions stay replaced."""
    turn_off = "from benchmarks import without\nfor layer in without.LAYERS.values(): layer()"
    result = run_python(turn_off, cwd=ROOT)
    assert result.returncode == 0, result.stderr
