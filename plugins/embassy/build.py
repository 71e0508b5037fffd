"""Build the site safely: into a fresh folder, replacing the output only on success.

Run as ``python -m embassy.build SETTINGS OUTPUT`` (tasks.py does). Every
warning or error Pelican or the plugin reports stops the build with a message
naming the file; no Python traceback is shown and the last good output stays.
"""

import argparse
import contextlib
import ctypes
import errno
import fcntl
import gc
import json
import logging
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

from . import summary
from .errors import SiteError


# Pelican warns that feeds need an absolute SITEURL; that is publishconf.py's
# job, and the development build is root-relative on purpose.
DEVELOPMENT_NOTICES = ("Feeds generated without SITEURL or FEED_DOMAIN set properly",)
# Pelican warns when a language's subsite has no version of an item; the
# plugin's language check (content.check_languages) reports that precisely.
COVERED_BY_CHECKS = ("There are ",)
COVERED_PATTERN = "original (not translated) items with key"


class _Collector(logging.Handler):
    """Keeps every warning and error reported while building."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.problems = []

    def emit(self, record):
        text = record.getMessage()
        if text.startswith(COVERED_BY_CHECKS) and COVERED_PATTERN in text:
            return
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, SiteError):
            message = str(error)
        else:
            message = record.getMessage()
            if error is not None:
                message += f"\n  {type(error).__name__}: {error}"
        if message not in self.problems:
            self.problems.append(message)


def _generate(settings_file, staging, overrides):
    """Run Pelican over every language into staging; return the problems reported."""
    from pelican import Pelican
    from pelican.settings import read_settings

    from pelican.log import console

    console.quiet = True  # its "Done: Processed …" lines; summary.py reports instead
    collector = _Collector()
    root = logging.getLogger()
    root.addHandler(collector)
    try:
        settings = read_settings(
            str(settings_file),
            # staging starts empty; and parallel processes must not clear each other's work
            override={"OUTPUT_PATH": str(staging), "DEBUG": True,
                      "DELETE_OUTPUT_DIRECTORY": False, **(overrides or {})},
        )
        Pelican(settings).run()
        if not settings["SITEURL"]:
            collector.problems = [
                problem for problem in collector.problems
                if not problem.startswith(DEVELOPMENT_NOTICES)
            ]
    except SiteError as error:
        collector.problems.append(str(error))
    except Exception as error:  # noqa: BLE001 - reported to staff, never a traceback
        collector.problems.append(f"the build stopped: {type(error).__name__}: {error}")
    finally:
        root.removeHandler(collector)
    return collector.problems


def _warm_up(settings):
    """Import and load, once, what every language's process needs (they share it)."""
    import datetime

    import markdown  # noqa: F401
    import pelican.generators  # noqa: F401
    import typogrify.filters  # noqa: F401

    from . import dates

    for lang in settings["LANGUAGES"]:
        dates.format_local_date(datetime.date(2000, 1, 1), lang, settings["DATE_LOCALES"])


def _generate_in_parallel(settings_file, staging, overrides, settings, output, report,
                          progress, reuse=True):
    """One process per language, on the available cores; this process then finishes.

    Each process runs only its own language's Pelican pass (see speed.py):
    it reads and renders its language's items, reads the other languages'
    metadata for the links between translations, and writes its language's
    pages. Halfway, once every process has read its items, this process
    hands each one the URLs the others found. Once they end, it indexes each
    language for search and makes the image variants.

    A rebuild (the last build's record matches its output) writes into
    staging only what changed: a language whose inputs did not change is not
    built, and in a language that is built only the pages whose inputs
    changed are rendered (see incremental.py); build() then updates the
    output in place. Returns (problems, a Result, or UNCHANGED).
    """
    from . import catalogs, finish_site, incremental

    inputs = incremental.Inputs(settings_file, settings, overrides)
    _remove_other_folders(inputs.cache / "templates", keep=inputs.site)
    _remove_other_folders(inputs.cache / "items", keep=inputs.metadata)
    previous = incremental.load_record(settings, output, inputs) if reuse else None
    built = previous["languages"] if previous else {}
    languages = [lang for lang in settings["LANGUAGES"]
                 if built.get(lang, {}).get("signature") != inputs.languages[lang]]
    if not languages:
        return [], UNCHANGED
    try:
        if previous is None or not catalogs.compiled(settings):
            catalogs.compile_for(settings)  # once, before the language processes read them
        for lang in settings["LANGUAGES"]:
            if lang not in languages:
                incremental.check_pages(output, built[lang]["pages"])
    except SiteError as error:
        return [str(error)], None
    except OSError:  # the last output is not what its record says: build everything
        return _generate_in_parallel(settings_file, staging, overrides, settings, output,
                                     report, progress, reuse=False)
    record, urls = {}, {}
    for lang in settings["LANGUAGES"]:
        if lang not in languages:
            record[lang], urls = built[lang], {**urls, **built[lang]["urls"]}
            _add_report(built[lang])
            report.languages[lang].built = False
    overrides = {**(overrides or {}), "CATALOGS_COMPILED": True}
    _warm_up(settings)
    gc.freeze()  # the children share what is loaded so far, untouched by their collector
    children = {}
    for lang in languages:
        ours, theirs = multiprocessing.Pipe()
        pid = os.fork()
        if pid == 0:  # the child: build one language, report, and leave at once
            ours.close()
            for other in children.values():
                other.close()
            _build_one_language(settings_file, staging, overrides, lang, theirs,
                                inputs, built.get(lang, {}).get("pages"),
                                output if previous else None)
        theirs.close()
        children[pid] = ours
    gc.unfreeze()
    try:
        progress.step(f"Reading {', '.join(languages)}")
        _exchange_urls(list(children.values()), urls)
        progress.step(f"Writing the pages of {', '.join(languages)}")
        problems = _collect_reports(staging, dict(zip(children, languages)), record, report,
                                    progress)
    except BaseException:  # interrupted: no process may write into staging once it is removed
        _stop(children)
        raise
    if not problems and previous is None:
        progress.step("Indexing for search and making image variants")
        problems += _index_and_make_images(staging, languages, settings)
    if not problems:
        try:
            # A rebuild indexes once the output is updated (see _update), and
            # publishes only the image variants the output lacks.
            finish_site({**settings, "OUTPUT_PATH": str(staging)}, indexed=settings["LANGUAGES"],
                        theme_ready=settings["I18N_TEMPLATES_LANG"] not in languages,
                        published=output if previous else None)
        except SiteError as error:
            problems.append(str(error))
    return problems, Result(inputs, record, languages if previous else None, previous)


class Result:
    """What a build made: its record for the next one and, for a rebuild, which
    languages it built and the last build's record (what the output has now)."""

    def __init__(self, inputs, languages, rebuilt=None, previous=None):
        self.inputs, self.languages = inputs, languages
        self.rebuilt, self.previous = rebuilt, previous

    def removed(self):
        """The output's files this rebuild no longer has: pages, image variants."""
        old = self.previous["languages"]
        pages = [name for lang in self.rebuilt
                 for name in old[lang]["pages"] if name not in self.languages[lang]["pages"]]
        images = {name for lang in old for name, _source, _width in old[lang]["images"]}
        images -= {name for lang in self.languages
                   for name, _source, _width in self.languages[lang]["images"]}
        return pages + [os.path.join("media", name) for name in sorted(images)]


def _collect_reports(staging, children, record, report, progress):
    """Wait for the language processes ({pid: lang}); add their reports to record
    and their counts to report. Returns the problems they reported (or why they stopped)."""
    problems, stopped, finished = [], [], []
    for pid, lang in children.items():
        _pid, status = os.waitpid(pid, 0)
        report_file = staging / f".build-{lang}.json"
        if status != 0 or not report_file.exists():
            stopped.append(f"the build of {lang} stopped unexpectedly.")
            continue
        result = json.loads(report_file.read_text(encoding="utf-8"))
        report_file.unlink()
        if result["stopped"]:
            stopped.append(f"the build of {lang} stopped because another language's failed.")
        problems += [problem for problem in result["problems"] if problem not in problems]
        _add_report(result)
        record[lang] = {key: result[key] for key in ("signature", "pages", "urls", "images")}
        part = report.languages[lang]
        part.count(result["counts"])
        part.seconds = result["seconds"]
        finished.append(f"{lang} ({part.seconds:.1f} s)")
        progress.step(f"Written: {', '.join(finished)}")
    return problems or stopped


# _generate_in_parallel's answer when no input changed since the last build.
UNCHANGED = "unchanged"


def _add_report(result):
    """What a language's build gives the finishing steps: sitemap entries, images."""
    from . import images, sitemap

    for _signature, entries, _site_wide in result["pages"].values():
        sitemap.ENTRIES.update(entries)
    images.WANTED.update({name: (Path(source), width) for name, source, width in result["images"]})


def _index_and_make_images(staging, languages, settings):
    """Index each language for search, one at a time (Pagefind uses every core and
    waits on the disk), while processes on the cores make the image variants."""
    from . import images, search

    problems = []

    def index():
        try:
            for lang in languages:
                search.index_language(staging, lang)
        except SiteError as error:
            problems.append(str(error))

    try:
        images.make_variants(settings, meanwhile=index)
    except SiteError as error:  # an image that cannot be decoded, from a worker
        problems.append(str(error))
    return problems


def _build_one_language(settings_file, staging, overrides, lang, connection, inputs,
                        previous_pages, previous_output):
    """In a child process: build lang's site, write the report, and exit."""
    from . import images, sources, speed

    status, started = 1, time.monotonic()
    try:
        speed.EXCHANGE = connection
        speed.REUSE = speed.PageReuse(inputs, lang, staging, previous_pages, previous_output)
        cache = sources.ContentCache(inputs.cache / "contents" / f"{lang}.pickle", inputs)
        sources.CONTENT_CACHE = cache
        problems = _generate(settings_file, staging, {
            **overrides, "BUILD_LANGUAGES": [lang], "FINISH_SITE": False,
            **speed.item_cache_settings(inputs, load=previous_output is not None)})
        stopped = speed.OTHER_LANGUAGE_FAILED
        if not problems:
            cache.save()
        (staging / f".build-{lang}.json").write_text(json.dumps({
            "problems": [] if stopped else problems,
            "stopped": stopped,
            "signature": inputs.languages[lang],
            "pages": speed.REUSE.pages,
            "urls": speed.SENT_URLS,
            "images": [[name, str(source), width]
                       for name, (source, width) in images.WANTED.items()],
            "counts": summary.COUNTS.get(lang, {}),
            "seconds": time.monotonic() - started,
        }), encoding="utf-8")
        status = 0
    finally:
        os._exit(status)


# Looked up once, when the module is loaded (Linux's atomic exchange of two folders).
_RENAMEAT2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)


def _stop(children):
    """Kill the language processes still running and wait for them."""
    for pid in children:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)


def _exchange_urls(connections, known):
    """Collect each language's item URLs and send every process all of them
    (with known: those of the languages not built).

    A process that stopped before sending closes its connection; the others
    are then told to stop (they receive None).
    """
    urls, complete = dict(known), True
    for connection in connections:
        try:
            urls.update(connection.recv())
        except (EOFError, OSError):
            complete = False
    for connection in connections:
        try:
            connection.send(urls if complete else None)
        except OSError:
            pass  # that process has already stopped
        connection.close()


def build(settings_file, output, overrides=None, gate=None, progress=None):
    """Build into a temporary sibling of output, then exchange it for output in one
    step (or, for a rebuild, move what changed into it).

    gate, if given, is called with the new site's folder and must return True
    for the exchange to happen (publish runs the quality gates this way).
    Returns a summary.Report; output is untouched unless it has no problems.
    """
    from pelican.settings import read_settings

    started = time.monotonic()
    progress = progress or summary.Progress(enabled=False)
    output = Path(output).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    settings = read_settings(str(settings_file), override=overrides)
    report = summary.Report(os.path.relpath(output), settings["SITEURL"],
                            {lang: summary.Language() for lang in settings["LANGUAGES"]})
    try:
        with one_build_at_a_time(output), _one_build_per_cache(settings):
            _remove_leftovers(output)
            staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.", dir=output.parent))
            try:
                settings["OUTPUT_PATH"] = str(staging)
                report.problems = _build(settings_file, output, overrides, gate, settings,
                                         staging, report, progress)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    finally:
        progress.stop()
    report.seconds = time.monotonic() - started
    return report


@contextlib.contextmanager
def one_build_at_a_time(output):
    """Only one process writes an output at a time: builds, and `invoke clean`.

    The lock file sits beside the output (.output.lock), not in cache/ or
    output/, which staff may be told to delete while a build runs.
    """
    output = Path(output).resolve()
    with _locked(output.parent / f".{output.name}.lock"):
        yield


def _one_build_per_cache(settings):
    """Builds into other outputs that share this cache wait for one another too."""
    return _locked(Path(settings["CACHE_PATH"]) / "build.lock")


@contextlib.contextmanager
def _locked(lock):
    """Hold an exclusive lock on the file lock (waiting for it) for a block.

    A POSIX record lock (lockf), not flock: it belongs to this process alone, so
    the processes it forks (languages, image workers) never hold it, and it is
    released the moment this process ends, however it ends.
    """
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("w") as file:
        fcntl.lockf(file, fcntl.LOCK_EX)
        yield


def _build(settings_file, output, overrides, gate, settings, staging, report, progress):
    """build(), once no other build shares the output or the cache; returns the problems."""
    from . import incremental

    result = None
    progress.step(f"Building {', '.join(settings['LANGUAGES'])}")
    if settings.get("FAST_BUILD") and (os.cpu_count() or 1) > 1:
        # Publishing (with gates) builds everything, and always checks it.
        problems, result = _generate_in_parallel(settings_file, staging, overrides, settings,
                                                 output, report, progress,
                                                 reuse=gate is None)
    else:
        summary.COUNTS.clear()
        problems = _generate(settings_file, staging, overrides)
        for lang, counts in summary.COUNTS.items():
            report.languages[lang].count(counts)
    if result is UNCHANGED:
        report.unchanged = True
        return []
    if problems:
        # A mistake in the sources often makes Pelican stumble later on; staff
        # need the cause, so the plugin's own messages come alone when present.
        causes = [problem for problem in problems if "\n  How to fix:" in problem]
        return causes or problems
    report.count_files(staging)
    if result is not None and result.rebuilt:
        problems = _update(staging, output, settings, result)
        if problems:
            return problems
    else:
        if gate is not None:
            progress.stop()  # the gates print their own verdicts
            if not gate(staging):
                return ["the quality gates failed (see the report above); nothing was published."]
        _swap(staging, output)
    if result is not None:
        incremental.save_record(settings, output, result.inputs, result.languages)
    return []


def _update(staging, output, settings, result):
    """Move a rebuild's files into the output, delete what it no longer has, and index
    the languages it built; on failure, put the output back as it was."""
    from . import incremental, search

    update = incremental.Update(settings, output)
    bundles = Path(tempfile.mkdtemp(prefix="embassy-search-", dir=fast_temporary_folder(output)))
    try:
        update.move_in(staging)
        update.remove(result.removed())
        for lang in result.rebuilt:  # the pages are in place: index them
            search.index_language(output, lang, bundle=bundles / lang)
        for lang in result.rebuilt:
            update.replace_folder(bundles / lang, os.path.join("pagefind", lang),
                                  unchanged=search.same_bundle_file)
    except SiteError as error:
        update.undo()
        return [str(error)]
    except OSError as error:
        update.undo()
        return [str(SiteError(output, f"the site could not be updated ({error}); it was left "
                              "as it was.", "run the build again; if this comes back, delete "
                              "the cache/ folder so that the next build starts from scratch."))]
    finally:
        shutil.rmtree(bundles, ignore_errors=True)
    update.commit()
    return []


def fast_temporary_folder(output):
    """Where a rebuild's search index is written before it is compared with the
    output's: memory (/dev/shm) if the system has it, else beside the output."""
    shm = Path("/dev/shm")
    return shm if shm.is_dir() and os.access(shm, os.W_OK) else output.parent


def _swap(staging, output):
    """Put staging in output's place in one step, then delete the last output.

    On Linux the two folders are exchanged by one rename (renameat2 with
    RENAME_EXCHANGE): at every moment output/ is the old site or the new one,
    whole. Elsewhere it takes two renames; a build interrupted between them
    leaves the last output in .output.old-*, which the next build puts back
    (see _remove_leftovers). After the exchange staging holds the last
    output, which build() deletes before it returns.
    """
    staging.chmod(0o755)
    if not output.exists():
        staging.rename(output)
    elif not _exchange(staging, output):
        old = Path(tempfile.mkdtemp(prefix=f".{output.name}.old-", dir=output.parent))
        output.rename(old / output.name)
        staging.rename(output)
        shutil.rmtree(old)


_RENAME_EXCHANGE, _AT_FDCWD = 2, -100


def _exchange(first, second):
    """Exchange two folders atomically; False where the system cannot."""
    if _RENAMEAT2 is None:
        return False
    if _RENAMEAT2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second),
                 _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL):  # an old kernel, or a file system without it
        return False
    raise OSError(code, os.strerror(code), str(second))


def _remove_other_folders(parent, keep):
    """Caches made for other signatures (see speed.template_cache, item_cache_settings)."""
    if parent.is_dir():
        for folder in parent.iterdir():
            if folder.name != keep:
                shutil.rmtree(folder, ignore_errors=True)


def _remove_leftovers(output):
    """What an interrupted build left beside output: staging folders, and last outputs.

    If output/ itself is missing (a build stopped between _swap's two renames),
    the last output is put back first, never deleted.
    """
    if not output.exists():
        for kept in sorted(output.parent.glob(f".{output.name}.old-*/{output.name}")):
            kept.rename(output)
            break
    for leftover in output.parent.glob(f".{output.name}.*"):
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("settings", help="pelicanconf.py or publishconf.py")
    parser.add_argument("output", help="the folder to write the site to")
    parser.add_argument("--check", action="store_true",
                        help="run the quality gates on the new site before replacing output")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stdout)
    logging.getLogger().handlers[0].setLevel(logging.CRITICAL + 1)  # the collector reports
    gate = None
    if args.check:
        from . import gates

        gate = gates.run
    kept = f"The site was NOT built; {args.output}/ keeps the last good version."
    signal.signal(signal.SIGTERM, _interrupt)  # stopped like Ctrl+C: staging is removed
    try:
        report = build(args.settings, args.output, gate=gate,
                       progress=summary.Progress(enabled=sys.stdout.isatty()))
    except KeyboardInterrupt:
        print(f"\nInterrupted. {kept}", file=sys.stderr)
        return 130
    except SiteError as error:
        report = summary.Report(args.output, "", {}, problems=[str(error)])
    except Exception as error:  # noqa: BLE001 - staff get a message, never a traceback
        report = summary.Report(args.output, "", {}, problems=[str(SiteError(
            args.output, f"the build stopped unexpectedly ({type(error).__name__}: {error}).",
            "run the build again; if this comes back, send this message to the site's "
            "maintainers."))])
    if report.problems:
        print(f"{kept}\n", file=sys.stderr)
        for problem in report.problems:
            print(f"- {problem}", file=sys.stderr)
        return 1
    print("\n".join(report.lines()))
    return 0


def _interrupt(_signal_number, _frame):
    raise KeyboardInterrupt


def _exit(code):
    """Leave at once, once the output is flushed: every file is written and closed by
    now, and the interpreter's own teardown of the site's objects takes about
    0.1 s (a twentieth of a one-item rebuild of 1,000 items)."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    _exit(main())
