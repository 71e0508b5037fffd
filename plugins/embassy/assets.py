"""The theme's stylesheets, scripts and icons, published minified under fingerprinted names.

Theme CSS and JS are published minified (rcssmin, rjsmin) as name.<hash>.ext,
so hosts may cache them for a year (hosting.py's _headers says so); templates
link them through asset_url(), which names the same hash.
"""

import functools
import gzip
import hashlib
import os
from pathlib import Path

import rcssmin
import rjsmin
from jinja2 import pass_context
from jinja2.runtime import Context

FINGERPRINTED = (".css", ".js", ".svg")


@functools.lru_cache(maxsize=None)
def _digest(path, _mtime):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]


def fingerprinted_name(relative: str | Path, source: str | Path) -> str:
    """'css/site.css' -> 'css/site.<hash of the source>.css'."""
    return _fingerprinted_name(str(relative), str(source), os.stat(source).st_mtime_ns)


@functools.lru_cache(maxsize=None)
def _fingerprinted_name(relative, source, mtime):
    relative = Path(relative)
    digest = _digest(source, mtime)
    return relative.with_name(f"{relative.stem}.{digest}{relative.suffix}").as_posix()


@pass_context
def asset_url(context: Context, relative: str) -> str:
    """Template global: the URL of a fingerprinted theme asset (every page asks twice)."""
    modified = os.stat(os.path.join(context["THEME"], "static", relative)).st_mtime_ns
    return _asset_url(context["THEME"], context["THEME_STATIC_DIR"], context["main_siteurl"],
                      relative, modified)


@functools.lru_cache(maxsize=None)
def _asset_url(theme, static_dir, siteurl, relative, _mtime):
    source = Path(theme) / "static" / relative
    return f"{siteurl}/{static_dir.replace('../', '')}/{fingerprinted_name(relative, source)}"


MINIFIERS = {".css": rcssmin.cssmin, ".js": rjsmin.jsmin}


def fingerprint_assets(output: str | Path, theme: str | Path, static_dir: str) -> None:
    """Minify the copied theme CSS and JS under their fingerprinted names, each with
    a precompressed .gz beside it (nginx's gzip_static serves it)."""
    folder = Path(output) / static_dir
    for path in sorted(folder.rglob("*")):
        if path.suffix in FINGERPRINTED:
            relative = path.relative_to(folder)
            target = folder / fingerprinted_name(relative, Path(theme) / "static" / relative)
            text = path.read_text(encoding="utf-8")
            minified = MINIFIERS.get(path.suffix, str.strip)(text).encode("utf-8")
            path.unlink()
            target.write_bytes(minified)
            target.with_name(target.name + ".gz").write_bytes(
                gzip.compress(minified, compresslevel=9, mtime=0))


GLOBALS = {"asset_url": asset_url}
