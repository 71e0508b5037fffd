"""The real web server: Debian's nginx, started on loopback with the repository's
configuration over the production build, answering real HTTP requests."""

import gzip
import http.client
import re
import runpy
from urllib.parse import urlsplit

import pytest

from conftest import IN_CI, ROOT
from embassy.hosting import nginx_server

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


def nginx_headers():
    text = (ROOT / "nginx" / "security-headers.conf").read_text()
    return dict(re.findall(r'^add_header ([\w-]+) "(.*)" always;$', text, re.MULTILINE))


def test_nginx_configuration_carries_the_site_policy():
    assert nginx_headers() == SETTINGS["SECURITY_HEADERS"]


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
])
def test_root_negotiates_the_reader_language(server, language, location):
    response, _body = get(server, "/", **{"Accept-Language": language})
    assert response.status == 302
    assert response.getheader("Location") == location
    assert "Accept-Language" in response.getheader("Vary")


@pytest.mark.parametrize("language", [None, "de-DE,de;q=0.9", "pt-BR,es;q=0.8", "*"])
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


def test_load_check_runs_with_zero_errors(prod_site, capsys):
    """The benchmark (20,000 requests by default) on a tiny count."""
    import sys

    sys.path.insert(0, str(ROOT))
    from benchmarks import nginx_load

    try:
        status = nginx_load.main(["--output", str(prod_site.root), "--requests", "300"])
    except FileNotFoundError as error:
        if IN_CI:
            raise
        pytest.skip(str(error))
    assert status == 0
    assert "300 requests" in capsys.readouterr().out
