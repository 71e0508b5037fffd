"""The real web server: Debian's nginx, started on loopback with the repository's
configuration over the production build, answering real HTTP requests."""

import gzip
import http.client
import re
import runpy
from urllib.parse import urlsplit

import pytest

from embassy.nginx import nginx_server
from helpers import IN_CI, ROOT

SETTINGS = runpy.run_path(str(ROOT / "pelicanconf.py"))


@pytest.fixture(scope="module")
def server(prod_site, tmp_path_factory):
    try:
        with nginx_server(prod_site.root, tmp_path_factory.mktemp("nginx")) as base:
            yield base
    except FileNotFoundError as error:
        if IN_CI:
            pytest.fail(f"CI must test with nginx: {error}")
        pytest.skip(str(error))


def get(server, path, **headers):
    url = urlsplit(server)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


def nginx_headers(name="security-headers.conf"):
    text = (ROOT / "nginx" / name).read_text()
    return dict(re.findall(r'^add_header ([\w-]+) "(.*)" always;$', text, re.MULTILINE))


EDITOR_HEADERS = {**SETTINGS["SECURITY_HEADERS"],
                  "Content-Security-Policy": SETTINGS["EDITOR_CONTENT_SECURITY_POLICY"]}


def test_nginx_configuration_carries_the_site_policy():
    assert nginx_headers() == SETTINGS["SECURITY_HEADERS"]
    assert nginx_headers("editor-headers.conf") == EDITOR_HEADERS


def test_editor_has_its_own_policy_and_the_pages_keep_theirs(server, prod_site):
    response, _body = get(server, "/admin/")
    assert response.status == 200
    for name, value in EDITOR_HEADERS.items():
        assert response.getheader(name) == value, name
    assert response.getheader("Cache-Control") == "no-cache"
    for path in ("/en/", "/admin/../en/"):
        response, _body = get(server, path)
        assert response.getheader("Content-Security-Policy") == SETTINGS[
            "SECURITY_HEADERS"]["Content-Security-Policy"]
    text = (prod_site.root / "_headers").read_text()
    assert (f"/admin/*\n  Content-Security-Policy: "
            f"{SETTINGS['EDITOR_CONTENT_SECURITY_POLICY']}\n  Cache-Control: no-cache") in text


def test_headers_file_carries_the_site_policy(prod_site):
    text = (prod_site.root / "_headers").read_text()
    for name, value in SETTINGS["SECURITY_HEADERS"].items():
        assert f"\n  {name}: {value}\n" in text
    assert "/theme/*\n  Cache-Control: public, max-age=31536000, immutable" in text


def test_policy_is_strict():
    policy = SETTINGS["CONTENT_SECURITY_POLICY"]
    assert "unsafe-inline" not in policy and "'unsafe-eval'" not in policy
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    for name in ("default-src", "script-src", "style-src", "img-src", "font-src"):
        assert directives[name].split()[0] in ("'self'", "'none'"), name
    assert directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'none'" and directives["form-action"] == "'self'"


@pytest.mark.parametrize("path", ["/en/", "/es/tratados/", "/fr/feeds/all.atom.xml", "/"])
def test_every_response_has_the_security_headers(server, path):
    response, _body = get(server, path)
    for name, value in SETTINGS["SECURITY_HEADERS"].items():
        assert response.getheader(name) == value, (path, name)
    assert response.getheader("Server") == "nginx"  # no version


@pytest.mark.parametrize("language,location", [
    ("es-PE,es;q=0.9", "/es/"), ("fr-CA,fr;q=0.9,en;q=0.8", "/fr/"), ("en", "/en/"),
    ("en-US,en;q=0.9", "/en/"), ("ES", "/es/"),
    # q-values: the reader's preference, not the header's order
    ("fr;q=0.1, es", "/es/"), ("es;q=0.8, fr;q=0.9", "/fr/"), ("pt-BR,es;q=0.8", "/es/"),
    ("de, fr;q=0.5", "/fr/"), ("fr-CA;q=1.0, en", "/fr/"),
])
def test_root_negotiates_the_reader_language(server, language, location):
    response, _body = get(server, "/", **{"Accept-Language": language})
    assert response.status == 302
    assert response.getheader("Location") == location
    assert "Accept-Language" in response.getheader("Vary")


@pytest.mark.parametrize("language", [None, "de-DE,de;q=0.9", "*", "fr;q=0", "esperanto"])
def test_other_languages_get_the_chooser(server, language):
    headers = {"Accept-Language": language} if language else {}
    response, body = get(server, "/", **headers)
    assert response.status == 200
    assert b'hreflang="es"' in body and b"Embajada del Per" in body


def test_negotiation_never_overrides_an_address(server):
    response, body = get(server, "/en/", **{"Accept-Language": "fr-CA"})
    assert response.status == 200 and b'<html lang="en">' in body
    response, _body = get(server, "/es/noticias/", **{"Accept-Language": "en"})
    assert response.status == 200


@pytest.mark.parametrize("path,lang", [
    ("/es/no-existe/", "es"), ("/fr/nouvelles/rien/", "fr"), ("/en/missing", "en"),
])
def test_missing_pages_get_the_404_of_their_language(server, path, lang):
    response, body = get(server, path)
    assert response.status == 404
    assert f'<html lang="{lang}">'.encode() in body


def test_missing_pages_elsewhere_get_the_trilingual_404(server):
    response, body = get(server, "/nothing/here")
    assert response.status == 404
    for lang in ("en", "es", "fr"):
        assert f'<section class="epc-chooser__section" lang="{lang}"'.encode() in body


def stylesheet(prod_site):
    return "/" + next(prod_site.root.glob("theme/css/site.*.css")).relative_to(
        prod_site.root).as_posix()


def test_html_is_compressed_and_cached_briefly(server):
    response, body = get(server, "/es/", **{"Accept-Encoding": "gzip"})
    assert response.getheader("Content-Encoding") == "gzip"
    assert b"<html lang=\"es\">" in gzip.decompress(body)
    assert response.getheader("Cache-Control") == "public, max-age=300"
    assert "charset=utf-8" in response.getheader("Content-Type")


def test_fingerprinted_assets_are_precompressed_and_cached_long(server, prod_site):
    path = stylesheet(prod_site)
    assert re.search(r"site\.[0-9a-f]{10}\.css$", path)
    response, body = get(server, path, **{"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    assert gzip.decompress(body) == (prod_site.root / path.lstrip("/")).read_bytes()
    assert response.getheader("Cache-Control") == "public, max-age=31536000, immutable"
    assert response.getheader("Content-Security-Policy")  # still carries the policy


def test_feeds_have_their_media_types(server):
    response, _ = get(server, "/fr/feeds/all.atom.xml")
    assert response.getheader("Content-Type").startswith("application/atom+xml")
    response, _ = get(server, "/es/feeds/all.rss.xml")
    assert response.getheader("Content-Type").startswith("application/rss+xml")


def test_host_files_are_not_served(server):
    assert get(server, "/_headers")[0].status == 404
    assert get(server, "/_redirects")[0].status == 404


def request(server, method, path):
    url = urlsplit(server)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    connection.request(method, path)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_only_get_and_head_are_served(server, method):
    assert request(server, method, "/en/").status == 405
    assert request(server, "HEAD", "/en/").status == 200


def test_dot_files_are_refused_but_well_known_and_images_are_shareable(tmp_path):
    site = tmp_path / "site"
    (site / ".well-known").mkdir(parents=True)
    (site / ".well-known" / "security.txt").write_text("Contact: mailto:x@example.ca\n")
    (site / ".git").mkdir()
    (site / ".git" / "config").write_text("[core]\n")
    (site / ".env").write_text("SECRET=1\n")
    (site / "en").mkdir()
    (site / "en" / ".htpasswd").write_text("x:y\n")
    (site / "media" / "news").mkdir(parents=True)
    (site / "media" / "news" / "photo-480w.jpg").write_bytes(b"\xff\xd8\xff\xd9")
    try:
        with nginx_server(site, tmp_path / "nginx") as base:
            assert get(base, "/.well-known/security.txt")[0].status == 200
            for path in ("/.git/config", "/.env", "/en/.htpasswd"):
                assert get(base, path)[0].status == 404, path
            # images, like feeds, may be shown by feed readers on other sites
            response, _ = get(base, "/media/news/photo-480w.jpg")
            assert response.status == 200
            assert response.getheaders().count(
                ("Cross-Origin-Resource-Policy", "cross-origin")) == 1
    except FileNotFoundError as error:
        if IN_CI:
            raise
        pytest.skip(str(error))


def test_search_entry_files_are_revalidated_and_index_files_kept(server, prod_site):
    """After a deploy, a reader's cached entry file must never point at index files
    that are gone: entry files are revalidated, content-named files kept a year."""
    for name in ("pagefind.js", "pagefind-entry.json", "wasm.en.pagefind"):
        assert get(server, f"/pagefind/en/{name}")[0].getheader("Cache-Control") == "no-cache"
    fragment = next((prod_site.root / "pagefind" / "en" / "fragment").iterdir()).name
    response, _ = get(server, f"/pagefind/en/fragment/{fragment}")
    assert response.status == 200
    assert response.getheader("Cache-Control") == "public, max-age=31536000, immutable"


@pytest.mark.parametrize("path,policy", [
    ("/en/", "same-origin"), ("/theme/favicon.svg", None), ("/fr/feeds/all.atom.xml", "cross-origin"),
    ("/es/feeds/all.rss.xml", "cross-origin"),
])
def test_feeds_and_images_may_be_shown_by_feed_readers(server, prod_site, path, policy):
    if path == "/theme/favicon.svg":
        path = "/" + next(prod_site.root.glob("theme/favicon.*.svg")).relative_to(
            prod_site.root).as_posix()
        policy = "same-origin"
    response, _ = get(server, path)
    assert response.status == 200, path
    assert response.getheaders().count(("Cross-Origin-Resource-Policy", policy)) == 1, path
