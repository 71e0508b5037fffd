"""Page weight: every page but search arrives in the first round trip (14,600 bytes
of HTML, CSS and JS, gzipped), with one render-blocking stylesheet and one
blocking script, the frame guard, at most."""

import gzip
import re

BUDGET = 14_600


def gzipped(path):
    return len(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))


def first_visit(site, path):
    """(bytes, parts): the page and the stylesheets and scripts it loads, gzipped."""
    soup, base = site.soup(path), site.url_of(path)
    parts = {site.relative(path): gzipped(path)}
    for element in soup.select('link[rel="stylesheet"], script[src]'):
        asset = site.file_for(element.get("href") or element["src"], base=base)
        parts[site.relative(asset)] = gzipped(asset)
    return sum(parts.values()), parts


def test_every_page_fits_the_first_round_trip(prod_site, capsys):
    weights = sorted(((*first_visit(prod_site, path), prod_site.relative(path))
                      for path in prod_site.html_files()
                      if prod_site.page_type(path) != "search"), key=lambda row: row[0])
    with capsys.disabled():
        print("\nHeaviest first visits (gzip):")
        for total, parts, name in weights[-3:]:
            shares = ", ".join(f"{part}: {size}" for part, size in parts.items())
            print(f"  {total:>6} bytes  {name}  ({shares})")
    over = [(total, name) for total, _parts, name in weights if total > BUDGET]
    assert not over, over


def test_one_stylesheet_and_no_blocking_script_but_the_frame_guard(prod_site):
    """The one script that blocks is the frame guard (test_hosting.py): a framed page must
    be hidden before it is drawn. Right before the stylesheet, it is fetched alongside it
    and runs as soon as it arrives, without waiting for the stylesheet."""
    for path in prod_site.html_files():
        soup = prod_site.soup(path)
        # the agreements pages' noscript.css is only fetched with JavaScript off
        loaded = [link for link in soup.select('link[rel="stylesheet"]')
                  if not link.find_parent("noscript")]
        assert len(loaded) == 1, path
        blocking = [script for script in soup.select("script[src]")
                    if script.get("type") != "module" and not script.has_attr("defer")]
        assert len(blocking) == 1, path
        assert re.search(r"/theme/js/frame-guard\.[0-9a-f]{10}\.js$", blocking[0]["src"]), path
        assert blocking[0].find_next_sibling(True) is loaded[0], path


def test_stylesheet_and_scripts_are_fingerprinted_and_minified(prod_site):
    from helpers import ROOT

    for kind, pattern in (("css", r"[\w-]+\.[0-9a-f]{10}\.css"),
                          ("js", r"[\w-]+\.[0-9a-f]{10}\.js")):
        assets = list(prod_site.root.glob(f"theme/{kind}/*.{kind}"))
        assert assets
        for asset in assets:
            assert re.fullmatch(pattern, asset.name), asset
            source = ROOT / "theme" / "static" / kind / f"{asset.name.split('.')[0]}.{kind}"
            assert asset.stat().st_size < 0.9 * source.stat().st_size, asset
            assert "/*" not in asset.read_text(encoding="utf-8")  # comments removed
