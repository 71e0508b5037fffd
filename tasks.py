"""Tasks for building, previewing, translating, testing and publishing the site.

Run `invoke --list` to see them. The site's own logic is in plugins/embassy.
"""

import shlex
import shutil
import sys
from pathlib import Path

from invoke import Exit, task

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "plugins"))

CONFIG = {
    "settings_base": "pelicanconf.py",
    "settings_publish": "publishconf.py",
    "deploy_path": "output",
    "host": "localhost",
    "port": 8000,
    "templates": "theme/templates",
    "translations": "translations",
    "watched": ["content", "theme", "translations", "plugins", "pelicanconf.py"],
}


def _python():
    return shlex.quote(sys.executable)


def _build(c, settings, check=False, warn=False):
    """The safe build (plugins/embassy/safebuild/); check runs the quality gates first."""
    env = {"PYTHONPATH": str(ROOT / "plugins")}
    gates = " --check" if check else ""
    # In a terminal the build shows its progress: it needs a terminal of its own.
    c.run(f"{_python()} -m embassy.safebuild {settings} {CONFIG['deploy_path']}{gates}",
          env=env, warn=warn, pty=sys.stdout.isatty())


@task
def clean(c):
    """Remove the generated site (once no build is writing it)."""
    from embassy.safebuild import one_build_at_a_time, remove_output

    with one_build_at_a_time(CONFIG["deploy_path"]):
        remove_output(CONFIG["deploy_path"])


@task
def build(c):
    """Build the development site into output/ (kept as it was if the build fails)."""
    _build(c, CONFIG["settings_base"])


@task
def clean_build(c):
    """Remove the generated site and the build's caches, then build from scratch."""
    from embassy.safebuild import one_build_at_a_time, remove_output

    with one_build_at_a_time(CONFIG["deploy_path"]):
        remove_output(CONFIG["deploy_path"])
        shutil.rmtree(_site_settings()["CACHE_PATH"], ignore_errors=True)
    build(c)


@task
def serve(c, port=None):
    """Serve output/ on localhost (build first with `invoke build`)."""
    from pelican.server import ComplexHTTPRequestHandler, RootedHTTPServer

    port = int(port or CONFIG["port"])
    server = RootedHTTPServer(CONFIG["deploy_path"], (CONFIG["host"], port),
                              ComplexHTTPRequestHandler)
    print(f"Serving the site at http://{CONFIG['host']}:{port}/ (Ctrl+C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.server_close()


@task
def livereload(c, port=None):
    """Build, serve on localhost and rebuild when content, theme or catalogs change."""
    from livereload import Server

    def rebuild_quietly():
        # A failed rebuild is reported and the last good site stays served.
        _build(c, CONFIG["settings_base"], warn=True)

    rebuild_quietly()
    server = Server()
    for path in CONFIG["watched"]:
        server.watch(path, rebuild_quietly)  # folders are watched recursively
    server.serve(host=CONFIG["host"], port=int(port or CONFIG["port"]),
                 root=CONFIG["deploy_path"], open_url_delay=None)


@task
def publish(c):
    """Build the production site ($SITEURL if set), check it with the gates, then replace
    output/."""
    _build(c, CONFIG["settings_publish"], check=True)


@task(help={"event": "what started the workflow run (github.event_name)",
            "deployed": "the address of the live site's build-state.json"})
def due(c, event, deployed):
    """Say whether a workflow run deploys: always, but a scheduled run with nothing newly due."""
    import os
    import runpy

    from embassy.due import newly_due

    if event == "pull_request":  # site-check.yml: built and checked, never deployed
        deploy, why = True, "a pull_request run: building and checking (nothing is deployed)."
    elif event != "schedule":
        deploy, why = True, f"a {event} run: deploying."
    else:
        deploy, why = newly_due(runpy.run_path(str(ROOT / CONFIG["settings_publish"])), deployed)
    print(f"{deployed}: {why}" if event == "schedule" else why.capitalize())
    if os.environ.get("GITHUB_OUTPUT"):  # the workflow's later steps and jobs read it
        with open(os.environ["GITHUB_OUTPUT"], "a", encoding="utf-8") as output:
            output.write(f"deploy={'true' if deploy else 'false'}\n")


@task(pre=[publish])
def gh_pages(c):
    """Publish, then push output/ to the gh-pages branch (a manual GitHub Pages deploy)."""
    c.run(f"{_python()} -m ghp_import -b gh-pages -n -p -f -m 'Publish the site' "
          f"{CONFIG['deploy_path']}")


@task(help={"port": "the port on 127.0.0.1 (default 8080)"})
def nginx(c, port=8080):
    """Serve output/ with nginx in the foreground, with the repository's nginx configuration."""
    import tempfile

    from embassy.nginx import render_nginx

    folder = tempfile.mkdtemp(prefix="embassy-nginx-")
    conf = render_nginx(CONFIG["deploy_path"], f"127.0.0.1:{port}", folder)
    print(f"nginx serves {CONFIG['deploy_path']}/ at http://127.0.0.1:{port}/ (Ctrl+C to stop)")
    c.run(f"nginx -c {conf} -p {folder}", pty=False)


@task(help={"domain": "the site's names, space-separated (the first names certbot's folder)",
            "root": "the folder output/ is uploaded to (default /var/www/embassy)"})
def nginx_production(c, domain, root=""):
    """Print the production nginx configuration (HTTPS; HTTP redirected) for sites-available/."""
    from dataclasses import replace

    from embassy.hosting import moved_addresses, negotiated_languages
    from embassy.nginx import Production, production_configuration

    output = Path(CONFIG["deploy_path"])
    # The former site's addresses and the site's languages are there.
    if not (output / "_redirects").is_file():
        raise Exit(f"{output}/_redirects is missing: publish the site first "
                   "(invoke publish), then write its configuration.", code=1)
    site = Production(domain, redirects=tuple(moved_addresses(output)),
                      languages=tuple(negotiated_languages(output)))
    print(production_configuration(replace(site, root=root) if root else site), end="")


@task(help={"items": "news items in the synthetic corpus (× 3 languages)",
            "repeat": "runs per time measured (the median is shown)"})
def benchmark(c, items=1000, repeat=3):
    """Time and measure cold builds and one-item rebuilds: ours against stock Pelican
    (each time the median of --repeat runs)."""
    c.run(f"{_python()} benchmarks/build_speed.py --items {int(items)} --repeat {int(repeat)}")


@task(help={"items": "news items in the synthetic corpus (× 3 languages)",
            "gates": "comma-separated gates to run, e.g. files,links (default: all)"})
def benchmark_publish(c, items=1000, gates="all"):
    """Time the Pages workflow's publish step (build + gates), cold and with its cache."""
    c.run(f"{_python()} benchmarks/publish_speed.py --items {int(items)} --gates {gates}")


@task(help={"pages": "comma-separated pages, e.g. en/,fr/accords/ (default: nine key pages)",
            "corpus": "build with the test corpus's news (the site has published none yet)"})
def lighthouse(c, pages="", corpus=False):
    """Lighthouse (mobile) on key pages in each language, served by nginx; fails below 100."""
    option = f" --pages {shlex.quote(pages)}" if pages else ""
    option += " --corpus" if corpus else ""
    c.run(f"{_python()} benchmarks/lighthouse_check.py{option}")


@task(help={"requests": "how many requests (default 20,000)"})
def load_test(c, requests=20000):
    """Bounded load check: nginx serving output/ on loopback; reports errors and throughput."""
    c.run(f"{_python()} benchmarks/nginx_load.py --requests {int(requests)}")


@task
def translations_extract(c):
    """Extract the theme's strings (translations/messages.pot) and the build's messages
    to staff (translations/build.pot)."""
    t = CONFIG["translations"]
    # gettext_in(lang, message): see embassy.catalogs.KEYWORDS.
    c.run(f"{_python()} -m babel.messages.frontend extract --no-location --sort-output "
          f"--project embassy-site -F {t}/babel.cfg -k gettext_in:2 "
          f"-o {t}/messages.pot {CONFIG['templates']}")
    # The build's messages to staff (embassy.messages.staff_text), for the run's summary.
    c.run(f"{_python()} -m babel.messages.frontend extract --no-location --sort-output "
          f"--project embassy-site --no-default-keywords -k staff_text "
          f"-o {t}/build.pot plugins/embassy")


@task(pre=[translations_extract])
def translations_update(c):
    """Update (or create) each language's catalog from messages.pot."""
    t, settings = CONFIG["translations"], _site_settings()
    for lang in settings["LANGUAGES"]:
        if lang == settings["I18N_TEMPLATES_LANG"]:
            continue  # the templates' own language: its strings are the messages
        for domain in ("messages", "build"):  # the theme's strings; the build's messages
            po = Path(t, lang, "LC_MESSAGES", f"{domain}.po")
            command = "update --no-fuzzy-matching --ignore-obsolete" if po.exists() else "init"
            c.run(f"{_python()} -m babel.messages.frontend {command} -D {domain} "
                  f"-i {t}/{domain}.pot -d {t} -l {lang}")


@task(pre=[translations_update])
def translations(c):
    """Extract the theme's strings and update the catalogs (then translate the .po files)."""


@task
def translations_compile(c):
    """Check the catalogs against the templates and compile them (the build does this too)."""
    from embassy.catalogs import compile_for

    compile_for(_site_settings())


def _site_settings():
    import runpy

    return runpy.run_path(str(ROOT / CONFIG["settings_base"]))


@task(help={"title": "the title, in the language of the original",
            "category": "news or events (default: news)",
            "date": "YYYY-MM-DD or 'YYYY-MM-DD HH:MM', Ottawa time (default: now)",
            "lang": "the language the item is written in first (default: en)"})
def new_post(c, title, category="news", date=None, lang="en"):
    """Create a draft news item in all three languages and print the files to edit."""
    from embassy.errors import SiteError
    from embassy.newsroom import new_post as scaffold

    settings = _site_settings()
    try:
        files = scaffold(settings["PATH"], title, settings["LANGUAGES"],
                         settings["CATEGORIES"], category=category, date=date, original=lang)
    except SiteError as error:
        raise SystemExit(f"Nothing was created. {error}") from None
    print("Created a draft news item. Edit these files:")
    for path in files:
        print(f"  {path.relative_to(ROOT)}")
    print("Preview with `make serve` (drafts are shown there, marked as drafts, under "
          "/en/drafts/, /es/borradores/, /fr/brouillons/); when every language is ready, "
          "change 'status: draft' to 'status: published' in each file.")


@task
def translations_status(c):
    """Show each item's state in every language; fail if publishing would be blocked."""
    from embassy.newsroom import blocks_publishing, translation_status

    settings = _site_settings()
    rows = translation_status(settings["PATH"], settings["LANGUAGES"])
    width = max(len(item) for item, _status, _states in rows)
    languages = "  ".join(f"{lang:<8}" for lang in settings["LANGUAGES"])
    print(f"{'item':<{width}}  {'status':<9}  {languages}")
    for item, status, states in rows:
        print(f"{item:<{width}}  {status:<9}  " + "  ".join(f"{s:<8}" for s in states.values()))
    blocked = blocks_publishing(rows)
    if blocked:
        print("\nPublishing is blocked until these are written:")
        for item, lang in blocked:
            print(f"  {item}: {lang}")
        raise SystemExit(1)
    print("\nEvery published item is in every language.")


@task
def check(c):
    """Run the quality gates (HTML, accessibility, links, feeds, security) on output/."""
    from embassy import gates

    if not gates.run(CONFIG["deploy_path"]):
        raise SystemExit(1)


LOCK_COMMAND = ("-m piptools compile --quiet --generate-hashes --strip-extras --allow-unsafe "
                "--no-emit-find-links --no-emit-index-url --output-file requirements.lock "
                "requirements-dev.txt")


@task
def lock(c):
    """Pin every package (transitive ones too) with hashes into requirements.lock."""
    c.run(f"{_python()} {LOCK_COMMAND}", env={"CUSTOM_COMPILE_COMMAND": "invoke lock"})


@task
def test(c, options=""):
    """Run the whole test suite, on every core (pytest-xdist; see tests/conftest.py)."""
    c.run(f"{_python()} -m pytest --numprocesses=auto --maxschedchunk=1 {options}", pty=False)
