"""The fast build: the same output, byte for byte, as stock Pelican + i18n-subsites;
and the benchmark runs (on a tiny corpus here; the real measurement is
`invoke benchmark --items 1000`, outside the timed suite)."""

import filecmp
import sys

from conftest import ROOT, run_build


def differences(left, right):
    comparison = filecmp.dircmp(left, right)
    found = [f"{left}: {name}" for name in comparison.left_only + comparison.right_only]
    _match, mismatch, errors = filecmp.cmpfiles(left, right, comparison.common_files, shallow=False)
    found += [f"{left}/{name} differs" for name in mismatch + errors]
    for folder in comparison.common_dirs:
        found += differences(left / folder, right / folder)
    return found


def build_both(project, tmp_path, settings="pelicanconf.py"):
    outputs = {}
    for name, fast in (("fast", True), ("stock", False)):
        conf = project / f"speed_{name}.py"
        conf.write_text(f"import sys\nsys.path.insert(0, {str(project)!r})\n"
                        f"from {settings[:-3]} import *  # noqa\nFAST_BUILD = {fast}\n"
                        f"CACHE_PATH = {str(tmp_path / ('cache-' + name))!r}\n", encoding="utf-8")
        outputs[name] = tmp_path / name
        result = run_build(conf.name, outputs[name], cwd=project)
        assert result.returncode == 0, result.stderr
    return outputs


def test_fast_build_output_is_identical_to_stock_pelican(project_copy, tmp_path):
    outputs = build_both(project_copy, tmp_path, "publishconf.py")
    assert not differences(outputs["fast"], outputs["stock"])
    assert len(list(outputs["fast"].rglob("*.html"))) > 50


def test_fast_build_is_identical_on_a_synthetic_corpus_with_images(tmp_path):
    sys.path.insert(0, str(ROOT))
    from benchmarks.corpus import make_project

    project = make_project(tmp_path / "project", 24)
    outputs = build_both(project, tmp_path)
    assert not differences(outputs["fast"], outputs["stock"])
    assert len(list((outputs["fast"] / "media").rglob("*.jpg"))) == 9  # 3 images × 3 widths


def test_smartypants_skips_a_step_only_on_text_it_cannot_change():
    import smartypants

    from embassy import speed

    samples = ["plain words", 'he said "yes"', "it's", "'90s", '"Hi," she', "a -- b", "x--",
               "wait...", "wait . . . now", "``quoted''", "a \\\\ b", 'a \\" b', "\\-", "\\.",
               "&quot;x&quot;", "&nbsp;'a'", '"', "'", "``", "''", "--", "...", "\\"]
    samples += [left + right for left in samples for right in samples]
    for name, marks in speed.SMARTYPANTS_MARKS.items():
        step = getattr(smartypants, name)
        stock = getattr(step, "stock", step)
        fast = speed._only_with_marks(stock, marks)
        changed = [text for text in samples if stock(text) != text]
        assert changed, f"no sample exercises {name}"
        assert [fast(text) for text in samples] == [stock(text) for text in samples], name
