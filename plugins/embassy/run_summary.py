"""The workflow run's summary: what the build said, for the staff member who saved.

Staff never open a job's log; GitHub's e-mail about a failed run links to the
run's page, which shows the summary that a step appends to the file named by
GITHUB_STEP_SUMMARY (Markdown). On failure it lists each problem the build
reported, with its file, its field, its fix and the item's address in the
browser editor, in English, Spanish and French (messages.py; a message the
catalog lacks is given in English, saying so); on success, in a few lines,
what was built and what waits for its time. The terminal's output does not
change: it stays the build's English report (summary.py).
"""

import os
import re
import typing as t
from pathlib import Path, PurePosixPath

from .admin import ENTRY_PATH, collection_folders
from .languages import language_name
from .messages import staff_text, translate

if t.TYPE_CHECKING:
    from .errors import SiteError
    from .summary import Report

SHOWN = 20  # problems listed; a run's summary is read, not searched
# The words of the summary itself, translated like the build's messages.
NOT_PUBLISHED = staff_text("The site was not published.")
KEPT = staff_text("The live site stays as it was. Correct what follows, in the editor, then "
                  "save again: the site is checked and published again by itself.")
HOW_TO_FIX = staff_text("How to fix:")
OPEN_IN_EDITOR = staff_text("Open in the editor")
IN_ENGLISH = staff_text("not translated yet: in English")
FOR_MAINTAINERS = staff_text("This problem is for the site's maintainers: tell them, with the "
                             "address of this page.")
MORE = staff_text("… and %(count)s more: the log of this step lists them all.")
BUILT = staff_text("The site was built and checked.")
GOES_ONLINE = staff_text("It goes online when this run's deploy job has finished, within a "
                         "few minutes.")
CHECK_ONLY = staff_text("This check publishes nothing: once it has passed, Publish in the "
                        "editor puts the change online.")
NEWS_ITEMS = staff_text("News items")
PAGES = staff_text("Pages")
SCHEDULED = staff_text("Waiting for their time (Ottawa time):")

_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>#|~])")


def escaped(text: str) -> str:
    """Text shown as written in GitHub's Markdown (a file's words are not markup)."""
    return _MARKDOWN.sub(r"\\\1", str(text))


def editor_address(siteurl: str, path: str | Path, settings: dict) -> str | None:
    """The item's address in the browser editor (Sveltia CMS's route to an entry,
    #/collections/<collection>/entries/<folder>/index, for a folder collection whose
    path is admin.ENTRY_PATH), or None for a file that is no editor's item."""
    if not siteurl or not path:
        return None
    try:
        relative = Path(path).resolve().relative_to(Path(settings["PATH"]).resolve())
    except ValueError:
        return None
    parts = PurePosixPath(relative.as_posix()).parts
    if len(parts) != 3 or not re.fullmatch(r"index\.[a-z]{2}\.md", parts[2]):
        return None
    collection = collection_folders(settings).get(parts[0])
    if collection is None:
        return None
    entry = ENTRY_PATH.replace("{{slug}}", parts[1])
    return f"{siteurl.rstrip('/')}/admin/#/collections/{collection}/entries/{entry}"


def _said(message, languages, folder):
    """{lang: (text, translated)}."""
    return {lang: translate(message, lang, folder) for lang in languages}


def _in_every_language(message, languages, folder):
    """A heading or a label in every language, one after the other (each once)."""
    return " · ".join(dict.fromkeys(text.rstrip(".:\u00a0 ") for text, _ in
                                    _said(message, languages, folder).values()))


def _problem(number, problem, siteurl, settings, folder):
    languages = settings["LANGUAGES"]
    if problem.path is None:  # Pelican's or a gate's own words: the maintainers'
        lines = [f"### {number}.", "", "```", str(problem).replace("```", "'''"), "```", ""]
        lines += [f"- **{language_name(lang)}:** {escaped(text)}" for lang, (text, _) in
                  _said(FOR_MAINTAINERS, languages, folder).items()]
        return lines + [""]
    path = problem.path.replace("`", "'")  # a file's name cannot close its code span
    where = f"`{path}`" + (f" ({escaped(problem.field)})" if problem.field else "")
    lines = [f"### {number}. {where}", ""]
    address = editor_address(siteurl, problem.path, settings)
    if address:
        lines += [f"[{_in_every_language(OPEN_IN_EDITOR, languages, folder)}]({address})", ""]
    for lang in languages:
        (said, done), (fix, fix_done) = (translate(problem.problem, lang, folder),
                                         translate(problem.fix, lang, folder))
        how, _ = translate(HOW_TO_FIX, lang, folder)
        label = f"**{language_name(lang)}:**"
        if not (done and fix_done) and lang != settings["DEFAULT_LANG"]:
            label = (f"**{language_name(lang)}** "
                     f"({escaped(translate(IN_ENGLISH, lang, folder)[0])}):")
        lines.append(f"- {label} {escaped(said)} **{escaped(how)}** {escaped(fix)}")
    return lines + [""]


def failure(problems: "list[SiteError]", siteurl: str, settings: dict,
            folder: str | Path) -> str:
    """The summary of a build that stopped: each problem, said in every language."""
    languages = settings["LANGUAGES"]
    lines = [f"## {_in_every_language(NOT_PUBLISHED, languages, folder)}", ""]
    lines += [f"- **{language_name(lang)}:** {escaped(text)}"
              for lang, (text, _) in _said(KEPT, languages, folder).items()]
    lines.append("")
    for number, problem in enumerate(problems[:SHOWN], start=1):
        lines += _problem(number, problem, siteurl, settings, folder)
    if len(problems) > SHOWN:
        more = staff_text(MORE.msgid, count=len(problems) - SHOWN)
        lines += [f"- **{language_name(lang)}:** {escaped(text)}"
                  for lang, (text, _) in _said(more, languages, folder).items()]
    return "\n".join(lines) + "\n"


def success(report: "Report", settings: dict, folder: str | Path, event: str) -> str:
    """The summary of a build that passed: what it holds, and what waits for its time."""
    languages = settings["LANGUAGES"]
    next_step = CHECK_ONLY if event == "pull_request" else GOES_ONLINE
    lines = [f"## {_in_every_language(BUILT, languages, folder)}", ""]
    lines += [f"- **{language_name(lang)}:** {escaped(text)}"
              for lang, (text, _) in _said(next_step, languages, folder).items()]
    parts = {lang: part for lang, part in report.languages.items() if part.built}
    if parts:
        lines += ["", "| | " + " | ".join(parts) + " |", "| --- |" + " --- |" * len(parts)]
        for label, count in ((NEWS_ITEMS, "news"), (PAGES, "pages")):
            lines.append(f"| {_in_every_language(label, languages, folder)} | "
                         + " | ".join(str(getattr(part, count)) for part in parts.values())
                         + " |")
    waiting = [(when, title, lang) for lang, part in parts.items()
               for title, when in part.scheduled]
    if waiting:
        lines += ["", f"**{_in_every_language(SCHEDULED, languages, folder)}**", ""]
        lines += [f"- {when}: {escaped(title)} ({lang})" for when, title, lang in sorted(waiting)]
    return "\n".join(lines) + "\n"


def write(markdown: str) -> bool:
    """Append to the run's summary, when the build runs in a GitHub workflow step."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return False
    with open(target, "a", encoding="utf-8") as summary:
        summary.write(markdown)
    return True
