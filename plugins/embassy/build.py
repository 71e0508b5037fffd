"""Build the site safely: into a fresh folder, replacing the output only on success.

Run as ``python -m embassy.build SETTINGS OUTPUT`` (tasks.py does). Every
warning or error Pelican or the plugin reports stops the build with a message
naming the file; no Python traceback is shown and the last good output stays.
"""

import argparse
import logging
import shutil
import sys
import tempfile
from pathlib import Path

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


def build(settings_file, output, overrides=None, gate=None):
    """Build into a temporary sibling of output, then swap it in.

    gate, if given, is called with the new site's folder and must return True
    for the swap to happen (publish runs the quality gates this way). Returns
    the list of problems; output is untouched unless there are none.
    """
    from pelican import Pelican
    from pelican.settings import read_settings

    output = Path(output).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.", dir=output.parent))
    collector = _Collector()
    root = logging.getLogger()
    root.addHandler(collector)
    try:
        settings = read_settings(
            str(settings_file),
            override={"OUTPUT_PATH": str(staging), "DEBUG": True, **(overrides or {})},
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
    if collector.problems:
        shutil.rmtree(staging, ignore_errors=True)
        # A mistake in the sources often makes Pelican stumble later on; staff
        # need the cause, so the plugin's own messages come alone when present.
        causes = [problem for problem in collector.problems if "\n  How to fix:" in problem]
        return causes or collector.problems
    try:
        if gate is not None and not gate(staging):
            return ["the quality gates failed (see the report above); nothing was published."]
        _swap(staging, output)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return []


def _swap(staging, output):
    staging.chmod(0o755)
    previous = output.with_name(f".{output.name}.previous")
    shutil.rmtree(previous, ignore_errors=True)
    if output.exists():
        output.rename(previous)
    staging.rename(output)
    shutil.rmtree(previous, ignore_errors=True)


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
    problems = build(args.settings, args.output, gate=gate)
    if problems:
        print(f"The site was NOT built; {args.output}/ keeps the last good version.\n",
              file=sys.stderr)
        for problem in problems:
            print(f"- {problem}", file=sys.stderr)
        return 1
    print(f"Built the site into {args.output}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
