"""Publish benchmark: the Pages workflow's publish step, cold and with its cache restored.

The workflow (.github/workflows/pages.yml) runs `invoke publish` in a fresh
checkout: the build, then every quality gate on the new site. Its cache step
restores the build's cache/ folder from the run before. This measures that
step as the workflow runs it, at the site's own size and on the synthetic
corpus (benchmarks/corpus.py, --items news items × 3 languages):

- *cold*: a fresh clone, no cache/, no output/;
- *warm*: a fresh clone of the next commit (one Markdown file edited, as a
  Save in the editor makes), with cache/ as the workflow saves and restores
  it (the paths of its cache step), and no output/.

A fresh clone matters: its files have new times and inodes, as on a new
runner, so only what the build keys by content can be reused. The build
and each gate are timed separately (the gates' order and shared parsing as
in `invoke publish`), so that what the cache cannot shorten is visible.
Times are seconds of one run each, wall and CPU (the processes' own work,
which other work on the machine changes less); compare only ratios.

Run: `invoke benchmark-publish --items 1000`. `--gates` names the gates to
run (the first word of each, e.g. `--gates files,links`; default: every gate,
as `invoke publish` runs them): a check of the command itself needs no
browser gate, which is most of the time.
"""

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import copy_project, make_project  # noqa: E402
from embassy.gates import GATES, BuiltSite  # noqa: E402

WORKFLOW = ROOT / ".github" / "workflows" / "site-build.yml"  # pages.yml's build job
SITEURL = "https://www.embassy.example"  # a custom domain, as the workflow requires
TARGET = 0.5  # issue 26: warm under half of cold, at 1,000 items × 3


def cached_paths(workflow=WORKFLOW):
    """The folders of the workflow's step restoring the build's cache."""
    steps = yaml.safe_load(Path(workflow).read_text())["jobs"]["build"]["steps"]
    [step] = [step for step in steps if step.get("id") == "build-cache"]
    return step["with"]["path"].split()


def copy_cache(source, target, paths):
    """Copy the cached folders from one checkout (or saved cache) to another."""
    for path in paths:
        if (source / path).is_dir():
            shutil.copytree(source / path, target / path, symlinks=True)


def git(folder, *args):
    subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True)


def commit(folder, message):
    git(folder, "add", "--all")
    git(folder, "-c", "user.name=Benchmark", "-c", "user.email=benchmark@example.invalid",
        "commit", "--quiet", "-m", message)


def edit_one_item(origin):
    """The next commit: one sentence added to one English Markdown file."""
    edited = sorted((origin / "content").rglob("index.en.md"))[0]
    with edited.open("a", encoding="utf-8") as file:
        file.write("\nOne more sentence, saved in the editor for the benchmark.\n")
    commit(origin, "Save one item")


def clone(origin, folder):
    """What actions/checkout leaves (full history), with the editor's bundle that the
    workflow's npm step makes."""
    git(origin.parent, "clone", "--quiet", str(origin), str(folder))
    if (origin / "admin" / "dist").is_dir():
        shutil.copytree(origin / "admin" / "dist", folder / "admin" / "dist")
    return folder


def clock():
    """(wall seconds, CPU seconds of this process and of every process it waited for):
    CPU time counts the work whatever else the machine runs meanwhile."""
    own, children = (resource.getrusage(who) for who in (resource.RUSAGE_SELF,
                                                         resource.RUSAGE_CHILDREN))
    return (time.perf_counter(),
            own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime)


def since(started):
    now = clock()
    return now[0] - started[0], now[1] - started[1]


def time_build(checkout):
    """(wall, CPU) seconds of the publish build (the production settings, as the
    workflow sets them) into checkout/output."""
    os.sync()  # the earlier run's files are on the disk first
    started = clock()
    result = subprocess.run(
        [sys.executable, "-m", "embassy.safebuild", "publishconf.py", "output"], cwd=checkout,
        env={**os.environ, "PYTHONPATH": str(checkout / "plugins"), "SITEURL": SITEURL,
             "EDITOR_REQUIRED": "true"}, capture_output=True, text=True)
    seconds = since(started)
    if result.returncode != 0:
        raise RuntimeError(f"the build failed in {checkout}:\n{result.stdout}{result.stderr}")
    return seconds


def gate_word(name):
    """A gate's short name: the first word of its title ("html", "accessibility")."""
    return name.split()[0].strip(",").lower()


def time_gates(output, run, gates):
    """{gate: (wall, CPU) seconds} for the gates named (short names) run on output as
    `invoke publish` runs them (in order, sharing one parsed site); each must pass."""
    site, seconds = BuiltSite(output), {}
    for name, (check, _unit) in GATES.items():
        if gate_word(name) not in gates:
            continue
        started = clock()
        _count, problems = check(site)
        seconds[name] = since(started)
        print(f"{run}: {name} {seconds[name][0]:.1f} s, CPU {seconds[name][1]:.1f} s",
              file=sys.stderr, flush=True)
        if problems:
            raise RuntimeError(f"{name} failed on {output}: {problems[:5]}")
    return seconds


def publish_times(checkout, run, gates):
    """{part: (wall, CPU) seconds}: the build, each gate, and the publish step in all
    (each also told on stderr as it is measured: a long run shows its progress)."""
    times = {"build": time_build(checkout)}
    print(f"{run}: build {times['build'][0]:.1f} s, CPU {times['build'][1]:.1f} s",
          file=sys.stderr, flush=True)
    times.update(time_gates(checkout / "output", run, gates))
    times["publish (build + gates)"] = tuple(map(sum, zip(*times.values(), strict=True)))
    return times


def measure(origin, folder, gates):
    """(cold times, warm times, pages) for the project at origin (a git repository).

    Both runs check out into the same folder, as the runner does (the build's
    cache keys name files by their paths)."""
    checkout, saved = folder / "checkout", folder / "saved"
    cold_times = publish_times(clone(origin, checkout), f"{origin.parent.name} cold", gates)
    pages = len(BuiltSite(checkout / "output").html_files())
    copy_cache(checkout, saved, cached_paths())  # what the save step uploads
    shutil.rmtree(checkout)
    edit_one_item(origin)
    copy_cache(saved, clone(origin, checkout), cached_paths())  # and the restore
    warm_times = publish_times(checkout, f"{origin.parent.name} warm", gates)
    shutil.rmtree(checkout)
    return cold_times, warm_times, pages


def repository(project):
    git(project, "init", "--quiet", "--initial-branch=main")
    commit(project, "The site")
    return project


def report(rows):
    """rows: [(title, cold, warm, pages)]; the lines to print and the last row's wall
    time ratio."""
    lines = [f"Publish benchmark: the Pages workflow's publish step (`invoke publish`) in a "
             f"fresh clone, cold and with cache/ restored ({os.cpu_count()} cores; one run "
             "each; wall time, then CPU time)",
             f"{'':<52}{'cold':>9}{'warm':>9}{'warm/cold':>11}{'CPU cold':>11}{'CPU warm':>10}"
             f"{'warm/cold':>11}"]
    ratio = None
    for title, cold, warm, pages in rows:
        lines.append(f"{title} ({pages} pages)")
        for part in cold:
            (cold_wall, cold_cpu), (warm_wall, warm_cpu) = cold[part], warm[part]
            ratio = warm_wall / cold_wall if cold_wall else 1.0
            cpu_ratio = warm_cpu / cold_cpu if cold_cpu else 1.0
            lines.append(f"  {part:<50}{cold_wall:>7.1f} s{warm_wall:>7.1f} s{ratio:>10.2f}"
                         f"{cold_cpu:>9.1f} s{warm_cpu:>8.1f} s{cpu_ratio:>10.2f}")
    return lines, ratio


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000,
                        help="news items in the synthetic corpus (× 3 languages)")
    parser.add_argument("--gates", default="all",
                        help="comma-separated gates to run, by the first word of their names "
                        f"({', '.join(map(gate_word, GATES))}; default: all)")
    args = parser.parse_args(argv)
    known = [gate_word(name) for name in GATES]
    gates = known if args.gates == "all" else args.gates.split(",")
    unknown = sorted(set(gates) - set(known))
    if unknown:
        parser.error(f"no such gate: {', '.join(unknown)} (the gates: {', '.join(known)})")
    rows = []
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        for title, make in (
                ("the site's own content", lambda target: copy_project(target, corpus=False)),
                (f"{args.items} items × 3 languages", lambda target: make_project(
                    target, args.items))):
            part = folder / ("site" if not rows else f"{args.items}-items")
            part.mkdir()
            origin = repository(make(part / "origin"))
            rows.append((title, *measure(origin, part, gates)))
            shutil.rmtree(part)
    lines, ratio = report(rows)
    if gates != known:
        lines.append(f"gates run: {', '.join(gates)} (not every gate: not the publish step)")
    met = ratio < TARGET
    lines.append(f"target: the publish step with its cache under {TARGET:.0%} of its cold time "
                 f"at {args.items} items × 3: {'met' if met else 'NOT met'} ({ratio:.2f})")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
