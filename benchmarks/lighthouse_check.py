"""Lighthouse (mobile) on the home, a news item and the agreements page in each language.

Builds the production site for a loopback address, serves it with the
repository's nginx configuration (so its real headers apply), and runs
Lighthouse 12 (benchmarks/lighthouse/, installed with npm) in Debian's
Chromium. Prints the four category scores per page; fails below 100.
The site has published no news item yet: --corpus builds it with the test
corpus's news (tests/corpus/news/), as the tests do, to audit one.
Run: `invoke lighthouse` (or `invoke lighthouse --corpus`).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import copy_project  # noqa: E402
from embassy.gates.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from embassy.nginx import free_port, nginx_server  # noqa: E402

PAGES = ["en/", "en/news/eighty-years-of-diplomatic-relations/", "en/agreements/",
         "es/", "es/noticias/ochenta-anos-de-relaciones-diplomaticas/", "es/tratados/",
         "fr/", "fr/nouvelles/quatre-vingts-ans-de-relations-diplomatiques/", "fr/accords/"]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
TOOL = ROOT / "benchmarks" / "lighthouse"


def install():
    if not (TOOL / "node_modules" / ".bin" / "lighthouse").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=TOOL, check=True)


def audit(url, report, attempts=3):
    for attempt in range(attempts):
        # Lighthouse sometimes loses a trace (NO_NAVSTART) and asks to run it again.
        result = subprocess.run(
            [str(TOOL / "node_modules" / ".bin" / "lighthouse"), url, "--quiet",
             f"--chrome-flags=--headless {' '.join(CHROMIUM_ARGS)}",
             f"--only-categories={','.join(CATEGORIES)}", "--output=json",
             f"--output-path={report}"],
            env={**os.environ, "CHROME_PATH": CHROMIUM}, timeout=180,
            capture_output=True, text=True)
        if result.returncode == 0:
            break
        if attempt == attempts - 1:
            raise RuntimeError(f"Lighthouse failed on {url}: {result.stderr.strip()[-500:]}")
    data = json.loads(Path(report).read_text())
    scores = {name: round(data["categories"][name]["score"] * 100) for name in CATEGORIES}
    failing = [f"{data['audits'][ref['id']]['title']}"
               for name in CATEGORIES for ref in data["categories"][name]["auditRefs"]
               if ref["weight"] and (data["audits"][ref["id"]]["score"] or 0) < 1]
    return scores, failing


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", default=",".join(PAGES),
                        help="comma-separated pages to audit (default: the nine key pages)")
    parser.add_argument("--corpus", action="store_true",
                        help="build with the test corpus's news (tests/corpus/news/)")
    arguments = parser.parse_args(argv)
    pages = arguments.pages.split(",")
    install()
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        project = copy_project(Path(folder) / "project", corpus=arguments.corpus)
        output = Path(folder) / "output"
        built = subprocess.run(  # as `invoke publish` builds, without the gates
            [sys.executable, "-m", "embassy.safebuild", "publishconf.py", str(output)], cwd=project,
            env={**os.environ, "SITEURL": f"http://127.0.0.1:{port}",
                 "PYTHONPATH": str(ROOT / "plugins")}, capture_output=True, text=True)
        if built.returncode != 0:
            print(built.stdout + built.stderr)
            return 1
        worst = 100
        with nginx_server(output, Path(folder) / "nginx", port=port) as base:
            print(f"{'page':<62}" + "".join(f"{name[:13]:>15}" for name in CATEGORIES))
            for page in pages:
                if not (output / page / "index.html").is_file():  # the site's own content only
                    print(f"{page:<62}  not on this site (a news item it has not published? "
                          "--corpus adds the test corpus's)")
                    continue
                try:
                    scores, failing = audit(f"{base}/{page}", Path(folder) / "report.json")
                except RuntimeError as error:
                    print(f"{page:<62}  {error}")
                    return 1
                worst = min(worst, *scores.values())
                print(f"{page:<62}" + "".join(f"{scores[name]:>15}" for name in CATEGORIES))
                for title in failing:
                    print(f"    below 100: {title}")
    return 0 if worst == 100 else 1


if __name__ == "__main__":
    sys.exit(main())
