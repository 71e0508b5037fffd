"""The fast build's memo: what a language's process computed from each file's text
(Markdown's HTML, typography), kept from one build to the next.

An entry counts only for the exact file it was made from (its signature, see
record.Inputs), and the whole memo only for the Markdown settings, plugin
code and package versions it was made with (Inputs.contents).
"""

import hashlib
import zlib
from pathlib import Path

from .record import read_cache, write_cache


class Memo:
    """The memo of one language's process (CACHE_PATH/contents/<lang>.pickle)."""

    def __init__(self, path, inputs):
        self.path, self.inputs = Path(path), inputs
        cached = read_cache(self.path, ())
        if len(cached) == 3 and cached[0] == inputs.contents:
            _made_by, self.previous, self.previous_results = cached
        else:  # none yet, made with other Markdown settings, plugin or packages, or damaged
            self.previous, self.previous_results = {}, {}
        self.current, self.results = {}, {}

    def result(self, kind, text, compute):
        """compute(text), kept from the last build when text is the same (the build
        state's text_memo: typography)."""
        key = hashlib.sha256(f"{kind}\0{text}".encode("utf-8", "surrogateescape")).digest()
        result = self.previous_results.get(key)
        if result is None:
            result = compute(text)
        self.results[key] = result
        return result

    def get(self, source_path):
        """(HTML, Markdown's metadata) of a file unchanged since the last build, or None."""
        entry = self.previous.get(str(source_path))
        if entry is None or entry[0] != self.inputs.full(source_path):
            return None
        self.current[str(source_path)] = entry
        return zlib.decompress(entry[1]).decode("utf-8"), entry[2]

    def put(self, source_path, content, meta):
        # compressed: a language's HTML stays in memory until the memo is saved
        self.current[str(source_path)] = (self.inputs.full(source_path),
                                          zlib.compress(content.encode("utf-8"), 1), meta)

    def save(self):
        """Keep this build's entries and the earlier ones of files unchanged since (which
        Pelican's item cache may have spared reading); files since deleted or
        changed are forgotten."""
        for path, entry in self.previous.items():
            if path not in self.current and entry[0] == self.inputs.full(path):
                self.current[path] = entry
        self.results = {**self.previous_results, **self.results}
        write_cache(self.path, (self.inputs.contents, self.current, self.results))
