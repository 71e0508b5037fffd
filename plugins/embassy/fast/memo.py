"""The fast build's memo: what a language's process computed from each file
(Markdown's HTML, typography), kept from one build to the next.

An entry counts only for the exact file it was made from (its path and bytes,
signatures.Inputs.text) and is forgotten once the file changes or goes; the whole memo
counts only for the Markdown settings, plugin code, Python and package versions
it was made with (Inputs.contents). None of these is a file's time, so the memo
holds in a fresh checkout: the Pages workflow restores it on a new machine.
"""

import hashlib
import zlib
from collections.abc import Callable
from pathlib import Path

from .cache_file import read_cache, write_cache


class Memo:
    """The memo of one language's process (CACHE_PATH/contents/<lang>.pickle):
    {source file: [its signature, its HTML (compressed) or None,
    {typography's input: its result}]}."""

    def __init__(self, path, inputs):
        self.path, self.inputs = Path(path), inputs
        cached = read_cache(self.path, ())
        # none yet, made with other Markdown settings, plugin or packages, or damaged: empty
        self.previous = cached[1] if len(cached) == 2 and cached[0] == inputs.contents else {}
        self.current = {}

    def _entry(self, source_path):
        """This build's entry of a file, started from the last build's if the file is
        the same."""
        source, signature = str(source_path), self.inputs.text(source_path)
        if source not in self.current:
            previous = self.previous.get(source)
            self.current[source] = (previous if previous and previous[0] == signature
                                    else [signature, None, {}])
        return self.current[source]

    def result(self, source_path: str, kind: str, text: str, compute: Callable[[str], str]) -> str:
        """compute(text) for a file (the build state's text_memo: typography), kept from
        the last build when the file and text are the same."""
        results = self._entry(source_path)[2]
        key = hashlib.sha256(f"{kind}\0{text}".encode("utf-8", "surrogateescape")).digest()
        if key not in results:
            results[key] = compute(text)
        return results[key]

    def get(self, source_path: str) -> str | None:
        """The HTML of a file unchanged since the last build, or None."""
        entry = self._entry(source_path)
        return None if entry[1] is None else zlib.decompress(entry[1]).decode("utf-8")

    def put(self, source_path: str, content: str) -> None:
        # compressed: a language's HTML stays in memory until the memo is saved
        self._entry(source_path)[1] = zlib.compress(content.encode("utf-8"), 1)

    def save(self) -> None:
        """Keep this build's entries and the earlier ones of files unchanged since (which
        Pelican's item cache may have spared reading); files changed or gone are
        forgotten."""
        for source, entry in self.previous.items():
            if source not in self.current and entry[0] == self.inputs.text(source):
                self.current[source] = entry
        write_cache(self.path, (self.inputs.contents, self.current))
