"""Build benchmark: our fast build against stock Pelican + pelican-i18n-subsites.

Generates N synthetic news items × 3 languages (benchmarks/corpus.py), then, in
the same run and on the same corpus and theme, measures for the baseline
(FAST_BUILD = False: plain Pelican with stock i18n-subsites) and for ours:
a cold build (no caches, no earlier output), and a rebuild after editing one
item, the two builds taking turns. It prints wall time (the median of
--repeat runs), peak memory (the summed proportional set size of the
build's processes, sampled every 20 ms in one more, identical run: the
sampling itself takes CPU time) and the ratios.

Run: `invoke benchmark --items 1000`.
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

from benchmarks.corpus import make_project, write_settings  # noqa: E402

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


def run(items, folder, repeat=3):
    """{(build, step): (seconds, MiB)} for build in baseline/ours, step in cold/rebuild.

    Each time is the median of `repeat` runs (this machine's speed varies
    from run to run); each memory figure comes from one more run.
    """
    project = make_project(Path(folder) / "project", items)
    for name, fast in (("ours", True), ("baseline", False)):
        write_settings(project, SETTINGS[name], FAST_BUILD=fast,
                       CACHE_PATH=str(project / f"cache-{name}"))
    edited = project / "content" / "news" / "item-00001" / "index.en.md"
    original = edited.read_text(encoding="utf-8")

    def edit(number):
        edited.write_text(original + f"\nOne more sentence, edit {number} for the benchmark.\n",
                          encoding="utf-8")

    outputs = {name: Path(folder) / f"output-{name}" for name in SETTINGS}
    commands = {name: [sys.executable, "-m", "embassy.safebuild", SETTINGS[name],
                       str(outputs[name])] for name in SETTINGS}

    def cold(name, sample=False):
        shutil.rmtree(project / f"cache-{name}", ignore_errors=True)
        shutil.rmtree(outputs[name], ignore_errors=True)
        return measure(commands[name], project, sample)

    def rebuild(number, sample=False):
        """Edit the item, rebuild with both, and go back to the cold build's sources."""
        edit(number)
        seconds = {name: measure(commands[name], project, sample) for name in SETTINGS}
        edited.write_text(original, encoding="utf-8")
        measure(commands["ours"], project)  # the baseline keeps no state: nothing to undo
        return seconds

    # The builds take turns, so that changes in the machine's speed during the
    # run weigh on both alike.
    colds = [{name: cold(name) for name in SETTINGS} for _ in range(repeat)]
    cold_memory = {name: cold(name, sample=True) for name in SETTINGS}
    rebuilds = [rebuild(number) for number in range(repeat)]
    rebuild_memory = rebuild(repeat, sample=True)
    return {(name, step): (statistics.median(run[name] for run in runs), memory[name])
            for step, runs, memory in (("cold", colds, cold_memory),
                                       ("rebuild", rebuilds, rebuild_memory))
            for name in SETTINGS}


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
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs per time measured (the median is shown)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        print(report(args.items, run(args.items, folder, args.repeat), args.repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
