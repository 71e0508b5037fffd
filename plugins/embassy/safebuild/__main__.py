"""The command line of the safe build: python -m embassy.safebuild SETTINGS OUTPUT [--check].

It prints the build's summary, or every problem with its file and its fix
(never a Python traceback), and exits 0 only when output/ holds the new site.
"""

import argparse
import logging
import os
import signal
import sys

from .. import run_summary, summary
from ..errors import SiteError
from . import build


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m embassy.safebuild",
                                     description="Build the site safely: into a new folder, "
                                     "replacing the output only on success.")
    parser.add_argument("settings", help="pelicanconf.py or publishconf.py")
    parser.add_argument("output", help="the folder to write the site to")
    parser.add_argument("--check", action="store_true",
                        help="run the quality gates on the new site before replacing output")
    args = parser.parse_args(argv)
    # Pelican's and the plugin's messages reach staff through the build's report only.
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stdout)
    logging.getLogger().handlers[0].setLevel(logging.CRITICAL + 1)
    kept = f"The site was NOT built; {args.output}/ keeps the last good version."
    signal.signal(signal.SIGTERM, _interrupt)  # stopped like Ctrl+C: staging is removed
    gate = None
    if args.check:
        from .. import gates  # BeautifulSoup and the gates load only when they run

        gate = gates.run
    try:
        report = build(args.settings, args.output, gate=gate,
                       progress=summary.Progress(enabled=sys.stdout.isatty()))
    except KeyboardInterrupt:
        print(f"\nInterrupted. {kept}", file=sys.stderr)
        return 130
    except SiteError as error:
        report = summary.Report(args.output, "", {}, problems=[error])
    except Exception as error:  # noqa: BLE001 - staff get a message, never a traceback
        report = summary.Report(args.output, "", {}, problems=[SiteError(
            args.output, f"the build stopped unexpectedly ({type(error).__name__}: {error}).",
            "run the build again; if this comes back, send this message to the site's "
            "maintainers.")])
    for notice in report.notices:
        print(notice)
    if os.environ.get("GITHUB_STEP_SUMMARY"):
        _summarize(args.settings, report)
    if report.problems:
        print(f"{kept}\n", file=sys.stderr)
        for problem in report.problems:
            print(f"- {problem}", file=sys.stderr)
        return 1
    print("\n".join(report.lines()))
    return 0


def _summarize(settings_file, report):
    """Tell the workflow run's page what happened (run_summary.py): the staff member
    who saved reads it there, in their language; the terminal's report is unchanged."""
    from pelican.settings import read_settings

    try:
        settings = read_settings(str(settings_file))
    except Exception as error:  # noqa: BLE001 - the settings' problem is in the report
        print(f"The run's summary could not be written: {error}", file=sys.stderr)
        return
    siteurl = report.siteurl or settings["SITEURL"]
    folder = settings["I18N_GETTEXT_LOCALEDIR"]
    if report.problems:
        markdown = run_summary.failure(report.problems, siteurl, settings, folder)
    else:
        markdown = run_summary.success(report, settings, folder,
                                       os.environ.get("GITHUB_EVENT_NAME", ""))
    run_summary.write(markdown)


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
