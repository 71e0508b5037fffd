"""Build benchmark: our fast build against stock Pelican + pelican-i18n-subsites.

Generates N synthetic news items × 3 languages (benchmarks/corpus.py), then, in
the same run and on the same corpus and theme, measures for the baseline
(FAST_BUILD = False: plain Pelican with stock i18n-subsites) and for ours:
a cold build (no caches, no earlier output), and a rebuild after editing one
item, the two builds taking turns. It prints wall time (the median of
--repeat runs), peak memory (the summed proportional set size of the
build's processes, sampled every 20 ms in one more, identical run: the
sampling itself takes CPU time) and the ratios.

Run: `invoke benchmark --items 1000`. With --without (e.g. `python
benchmarks/build_speed.py --without memo,standby`), it measures instead what
each of the fast build's cache layers saves: ours against ours with the layer
turned off (benchmarks/without.py).
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "plugins"))  # benchmarks.without imports the plugin

from benchmarks.corpus import make_project, write_settings  # noqa: E402
from benchmarks.without import LAYERS  # noqa: E402

SETTINGS = {"ours": "benchconf_ours.py", "baseline": "benchconf_baseline.py"}


def _tree(pid):
    """pid and its descendants."""
    found, frontier = [pid], [pid]
    while frontier:
        parent = frontier.pop()
        try:
            children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        except OSError:
            continue
        found += map(int, children)
        frontier += map(int, children)
    return found


def _pss_kib(pid):
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _settle():
    """Let the earlier builds' files be written to the disk first."""
    os.sync()


def measure(command, cwd, sample=False):
    """Seconds a command took (with every process it starts), or, with sample, its
    peak memory in MiB: the summed proportional set size of those processes,
    read every 20 ms. Reading it costs CPU (more so for several processes), so
    time and memory are measured in two runs."""
    _settle()
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               env={**os.environ, "PYTHONPATH": str(Path(cwd) / "plugins")})
    peak = 0

    def sample_memory():
        nonlocal peak
        while process.poll() is None:
            peak = max(peak, sum(_pss_kib(pid) for pid in _tree(process.pid)))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample_memory)
    if sample:
        sampler.start()
    output, _ = process.communicate()
    seconds = time.perf_counter() - started
    if sample:
        sampler.join()
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{output.decode()[-3000:]}")
    return peak / 1024 if sample else seconds


def run(items, folder, repeat=3, without=(), cold_repeat=None):
    """{(build, step): (seconds, MiB)} for build in baseline/ours, step in cold/rebuild.

    Each time is the median of `repeat` runs (`cold_repeat` for cold builds;
    this machine's speed varies from run to run); each memory figure comes from
    one more run. without: cache layers (benchmarks/without.py); then the builds
    are ours and ours without each layer in turn, instead of the baseline, and
    memory is not measured (None).
    """
    project = make_project(Path(folder) / "project", items)
    names = ["ours", *(f"without {layer}" for layer in without)] if without else list(SETTINGS)
    for name, fast in (("ours", True), ("baseline", False)):
        write_settings(project, SETTINGS[name], FAST_BUILD=fast,
                       CACHE_PATH=str(project / f"cache-{name}"))
    # the site's own content, when there are no news items: its About page is edited
    edited = (project / "content" / ("news/item-00001" if items > 1 else "pages/about")
              / "index.en.md")
    original = edited.read_text(encoding="utf-8")

    def edit(number):
        edited.write_text(original + f"\nOne more sentence, edit {number} for the benchmark.\n",
                          encoding="utf-8")

    outputs = {name: Path(folder) / f"output-{name.replace(' ', '-')}" for name in names}
    caches = {name: project / f"cache-{name.replace(' ', '-')}" for name in names}
    commands = {name: [sys.executable, "-m", "embassy.safebuild", SETTINGS[name],
                       str(outputs[name])] for name in SETTINGS if name in names}
    for layer in without:
        name = f"without {layer}"
        settings = write_settings(project, f"benchconf_without_{layer.replace('-', '_')}.py",
                                  FAST_BUILD=True, CACHE_PATH=str(caches[name]))
        commands[name] = [sys.executable, "-m", "benchmarks.without", layer, settings,
                          str(outputs[name])]

    def cold(name, sample=False):
        shutil.rmtree(caches[name], ignore_errors=True)
        shutil.rmtree(outputs[name], ignore_errors=True)
        return measure(commands[name], project, sample)

    def rebuild(number, sample=False):
        """Edit the item, rebuild with each, and go back to the cold build's sources."""
        edit(number)
        seconds = {name: measure(commands[name], project, sample) for name in names}
        edited.write_text(original, encoding="utf-8")
        for name in names:
            if name != "baseline":  # the baseline keeps no state: nothing to undo
                measure(commands[name], project)
        return seconds

    # The builds take turns, so that changes in the machine's speed during the
    # run weigh on all alike.
    colds = [{name: cold(name) for name in names} for _ in range(cold_repeat or repeat)]
    cold_memory = ({name: None for name in names} if without
                   else {name: cold(name, sample=True) for name in names})
    rebuilds = [rebuild(number) for number in range(repeat)]
    rebuild_memory = ({name: None for name in names} if without
                      else rebuild(repeat, sample=True))
    return {(name, step): (statistics.median(run[name] for run in runs), memory[name])
            for step, runs, memory in (("cold", colds, cold_memory),
                                       ("rebuild", rebuilds, rebuild_memory))
            for name in names}


def report_layers(items, results, without, repeat):
    """What turning each layer off costs: its build's time over ours (above 1: it pays)."""
    lines = [f"Cache layers: {items} news items × 3 languages ({os.cpu_count()} cores; "
             f"times: median of {repeat} runs; ratio: without the layer / with it)",
             f"{'':<24}{'cold':>10}{'ratio':>8}{'rebuild':>10}{'ratio':>8}"]
    for name in ["ours", *(f"without {layer}" for layer in without)]:
        cold, rebuild = results[name, "cold"][0], results[name, "rebuild"][0]
        lines.append(f"{name:<24}{cold:>8.2f} s{cold / results['ours', 'cold'][0]:>8.2f}"
                     f"{rebuild:>8.2f} s{rebuild / results['ours', 'rebuild'][0]:>8.2f}")
    return "\n".join(lines)


def report(items, results, repeat=1):
    lines = [f"Build benchmark: {items} news items × 3 languages ({os.cpu_count()} cores; "
             f"times: median of {repeat} runs)",
             f"{'':<10}{'baseline':>14}{'ours':>14}{'baseline/ours':>16}"]
    for step in ("cold", "rebuild"):
        (base_s, base_mb), (ours_s, ours_mb) = results["baseline", step], results["ours", step]
        lines.append(f"{step + ' time':<14}{base_s:>8.2f} s{ours_s:>12.2f} s"
                     f"{base_s / ours_s:>15.2f}x")
        lines.append(f"{step + ' memory':<14}{base_mb:>7.0f} MiB{ours_mb:>10.0f} MiB"
                     f"{base_mb / ours_mb:>15.2f}x")
    cold, rebuild = results["ours", "cold"][0], results["ours", "rebuild"][0]
    lines.append(f"our one-item rebuild takes {100 * rebuild / cold:.0f}% of our cold build")
    targets = [  # issue "Performance"
        ("cold build at least 3x faster", results["baseline", "cold"][0] / cold >= 3),
        ("one-item rebuild at most 10% of our cold build", rebuild <= cold / 10),
        ("peak memory no higher than the baseline's", all(
            results["ours", step][1] <= results["baseline", step][1]
            for step in ("cold", "rebuild"))),
    ]
    lines += [f"target: {name}: {'met' if met else 'NOT met'}" for name, met in targets]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000,
                        help="news items (0: the site's own content, its About page edited)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs per time measured (the median is shown)")
    parser.add_argument("--cold-repeat", type=int, help="runs per cold build (default: --repeat)")
    parser.add_argument("--without", default="",
                        help="comma-separated cache layers to turn off in turn, measured "
                        f"against ours instead of the baseline ({', '.join(LAYERS)})")
    args = parser.parse_args(argv)
    without = [layer for layer in args.without.split(",") if layer]
    unknown = [layer for layer in without if layer not in LAYERS]
    if unknown:
        parser.error(f"unknown layers: {', '.join(unknown)}")
    with tempfile.TemporaryDirectory() as folder:
        results = run(args.items, folder, args.repeat, without, args.cold_repeat)
        print(report_layers(args.items, results, without, args.repeat) if without
              else report(args.items, results, args.repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
