"""The safe build with one of the fast build's cache layers turned off, for the benchmark.

Run as ``python -m benchmarks.without LAYER SETTINGS OUTPUT``. The layer is turned
off here, in the benchmark, and not by a setting: the site never needs it off,
and keys kept only for measuring would be more to keep right. The language
processes are forked from this one, so they inherit the change.
"""

import sys

from embassy.fast import language, memo, reuse, signatures, standby
from embassy.safebuild.__main__ import main


def _replace(owner, name, value):
    """owner.name = value, where owner has it (a renamed function must not leave the
    layer on, measured as off)."""
    if not hasattr(owner, name):
        raise AttributeError(f"{owner.__name__} has no {name}: benchmarks/without.py is stale")
    setattr(owner, name, value)


def _no_standby():
    """Every rebuild links the last output anew, and deletes the replaced one."""

    def new_site(settings, output, site):
        standby.shutil.rmtree(standby._standby(output), ignore_errors=True)
        standby.link_tree(output, site)

    keep = standby.keep
    _replace(standby, "new_site", new_site)
    _replace(standby, "keep", lambda settings, output, old, changes: keep(settings, output, old,
                                                                          None))


def _no_memo():
    """Markdown and typography computed every time (nothing read, nothing kept)."""
    _replace(memo.Memo, "get", lambda self, source_path: None)
    _replace(memo.Memo, "put", lambda self, source_path, content: None)
    _replace(memo.Memo, "result", lambda self, source_path, kind, text, compute: compute(text))
    _replace(memo.Memo, "save", lambda self: None)


def _no_files_record():
    """Every file read and hashed again (cache/files.pickle neither read nor written)."""
    def fresh(self, cache, path_metadata):
        self.path, self.code, self.entries = None, "", {}
        self.seen, self.changed = {}, False

    _replace(signatures._Known, "__init__", fresh)
    _replace(signatures._Known, "save", lambda self: None)


def _no_page_reuse():
    """Every page of a language built again is rendered again."""
    _replace(reuse.PageReuse, "reuse", lambda self, name, shown: False)


def _no_item_cache():
    """Pelican reads every item of a language built again (cache/items unused)."""
    settings = language.item_cache_settings
    _replace(language, "item_cache_settings", lambda inputs, load: {
        **settings(inputs, load), "CACHE_CONTENT": False, "LOAD_CONTENT_CACHE": False})


LAYERS = {"standby": _no_standby, "memo": _no_memo, "files-record": _no_files_record,
          "page-reuse": _no_page_reuse, "item-cache": _no_item_cache}

if __name__ == "__main__":
    LAYERS[sys.argv[1]]()
    sys.exit(main(sys.argv[2:]))
