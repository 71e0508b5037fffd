"""The browser editor at /admin/: Sveltia CMS, configured from the site's settings.

Staff write news and pages in a browser, the three languages of an item side
by side, and save: to GitHub (a pull request to the branch the Pages workflow
publishes) or, on localhost, to the checkout itself (Sveltia's local
repository mode). The editor writes the files the build reads (sources.py):
news/<key>/index.<lang>.md, YAML front matter, images beside them.

Its files come from the npm package pinned in admin/package-lock.json, bundled
by esbuild into admin/dist/ (`make` runs `npm ci` and `npm run build` when
Node.js is installed); this module copies the bundle and writes config.yml
from the settings, so the editor asks for what the build checks: categories,
slug pattern, languages, required fields. Without the bundle, or at a GitHub
Pages project address (whose origin other sites share), the site is built
without the editor, and the build says so (an error when EDITOR_REQUIRED).

Saving on GitHub follows Sveltia's editorial workflow: each save is a branch and a
pull request, which Publish merges once the checks the repository requires have
passed (README, "What the administrator must set on GitHub"). In the local
repository mode, which has no pull requests, Sveltia saves into the folder itself.
"""

import html
import re
import shutil
import subprocess
from pathlib import Path
from string import Template
from urllib.parse import urlsplit

import yaml
from pelican.settings import Settings

from . import assets, hosting
from .content import SLUG
from .errors import SiteError
from .images import FORMATS

MAX_UPLOAD = 20_000_000  # bytes a photo may have in the editor (the build checks its pixels)
IMAGE_TYPES = sorted({f"image/{name.lower()}" for name in FORMATS.values()})  # as the build

BUNDLE = "dist"  # admin/dist/: editor.js, its chunks, fonts and licence (npm run build)
INSTALL = ("install Node.js (it brings npm), then run `make serve` again (or `npm ci --prefix "
           "admin` and `npm run --prefix admin build`)")
CUSTOM_DOMAIN = 'give the site a custom domain (README.md, "A custom domain for the editor")'
NEWS_FIELDS = ("title", "date", "category", "slug", "summary", "status", "image", "image_alt",
               "body")
# A page's 'template' (about, agreements, chronology) is the maintainers': the editor
# keeps it as it is (after the fields it knows, as it writes keys it does not).
PAGE_FIELDS = ("title", "slug", "summary", "status", "image", "image_alt", "body")
NOTICE_FIELDS = ("title", "start", "end", "level", "body")  # as notices.py reads them
# Left out of the editor's preview, as the item's page leaves them out of its text.
UNSHOWN = ("slug", "summary", "status", "image_alt")
# The stylesheets of the editor's preview: the site's, then the preview's own, which
# dresses the preview's markup (a section per field) as the site's page (theme/static/).
PREVIEW_STYLES = ("css/site.css", "css/preview.css")


def package_folder(settings: Settings) -> Path | None:
    """The editor's bundle (admin/dist/), or None when it is not made."""
    folder = Path(settings["EDITOR_PATH"]) / BUNDLE
    return folder if (folder / "editor.js").is_file() else None


def shared_origin(siteurl: str | None) -> str | None:
    """The origin that a GitHub Pages project address shares with every other Pages site
    of its owner (https://owner.github.io for https://owner.github.io/embassy), or None:
    a custom domain, or the owner's user site at https://owner.github.io/, is not one."""
    parts = urlsplit(siteurl or "")
    host = parts.hostname or ""
    if host.endswith(".github.io") and parts.path.strip("/"):
        return f"{parts.scheme}://{host}"
    return None


def included(settings: Settings) -> bool:
    """Whether this build writes /admin/ (see left_out_notice for why it may not)."""
    return (bool(settings.get("EDITOR_SAVE_AS")) and package_folder(settings) is not None
            and shared_origin(settings["SITEURL"]) is None)


def left_out_notice(settings: Settings, settings_file: str = "pelicanconf.py") -> str | None:
    """Why /admin/ is left out of this build, in one line for staff (None when it is
    included); raises SiteError when the settings require it (the Pages workflow)."""
    if not settings.get("EDITOR_SAVE_AS"):
        return None
    origin = shared_origin(settings["SITEURL"])
    if origin is not None:
        # The editor keeps the staff member's GitHub token in the browser's storage,
        # which belongs to an origin: any page of that origin can read it.
        owner = urlsplit(origin).hostname.removesuffix(".github.io")
        reason = (f"at {settings['SITEURL']} it would share its origin, {origin}, with every "
                  f"GitHub Pages site of {owner}, any of which could read the staff's token")
        if settings.get("EDITOR_REQUIRED"):
            raise SiteError(settings_file, f"this build must include the browser editor, but "
                            f"{reason}.", f"{CUSTOM_DOMAIN}.", field="SITEURL")
        return f"The browser editor (/admin/) is left out: {reason}; {CUSTOM_DOMAIN}."
    if package_folder(settings) is None:
        if settings.get("EDITOR_REQUIRED"):
            raise SiteError(Path(settings["EDITOR_PATH"]) / "package-lock.json",
                            "the browser editor is not installed, and this build must include "
                            "it.", f"{INSTALL}.")
        return f"The browser editor (/admin/) is left out: it is not installed; {INSTALL}."
    return None


def repository(settings: Settings) -> str:
    """owner/name of the site's GitHub repository: EDITOR_REPOSITORY, or the checkout's
    origin when it is on GitHub, or '' when unknown."""
    if settings.get("EDITOR_REPOSITORY"):
        return settings["EDITOR_REPOSITORY"]
    try:
        result = subprocess.run(["git", "remote", "get-url", "origin"],
                                cwd=settings["EDITOR_PATH"], capture_output=True, text=True)
    except FileNotFoundError:  # git is not installed
        return ""
    url = result.stdout.strip().removesuffix(".git")
    for prefix in ("https://github.com/", "git@github.com:", "ssh://git@github.com/"):
        if result.returncode == 0 and url.startswith(prefix):
            return url[len(prefix):]
    return ""


def _label(*names):
    return " · ".join(dict.fromkeys(names))  # English · Spanish (the staff's languages)


def _time_field(settings, label, hint=None):
    """A date and time in Ottawa time, as the build reads it (clock.py, sources.py)."""
    field = {"label": label, "widget": "datetime", "i18n": "duplicate",
             "format": "YYYY-MM-DD HH:mm", "input_timezone": settings["TIMEZONE"]}
    return {**field, "hint": hint} if hint else field


def _notice_fields(settings):
    fields = {
        "title": {"label": _label("Heading", "Título"), "widget": "string", "i18n": True,
                  "hint": "A few words: Closed on 28 and 29 July · Unas palabras: Cerrado el "
                          "28 y el 29 de julio"},
        "start": {**_time_field(settings, _label("Shown from (Ottawa time)",
                                                 "Se muestra desde (hora de Ottawa)")),
                  "default": "{{now}}"},
        "end": _time_field(settings, _label("Shown until (Ottawa time)",
                                            "Se muestra hasta (hora de Ottawa)"),
                           "Gone after this time, with the next scheduled update (every 15 "
                           "minutes) · Desaparece pasada esta hora, con la siguiente "
                           "actualización programada (cada 15 minutos)"),
        "level": {"label": _label("Level", "Nivel"), "widget": "select", "i18n": "duplicate",
                  "default": "info",
                  "options": [{"label": _label("Information", "Información"), "value": "info"},
                              {"label": _label("Warning", "Advertencia"),
                               "value": "warning"}]},
        "body": {"label": _label("Text", "Texto"), "widget": "text", "i18n": True,
                 "hint": "Plain text, shown at the top of every page · Texto simple, que se "
                         "muestra arriba en todas las páginas"},
    }
    return [{"name": name, **fields[name]} for name in NOTICE_FIELDS]


def _fields(settings, kind):
    languages = settings["LANGUAGES"]
    categories = settings["CATEGORIES"]
    slug_rule = [f"^{SLUG.pattern}$", "Lowercase letters and digits joined by hyphens, no "
                 "accents or spaces · Minúsculas y cifras unidas por guiones, sin tildes ni "
                 "espacios: visita-oficial-a-ottawa"]
    fields = {
        "title": {"label": _label("Title", "Título"), "widget": "string", "i18n": True},
        "date": {**_time_field(settings, _label("Date (Ottawa time)", "Fecha (hora de Ottawa)"),
                               "Published, it waits for this time if it is still to come · "
                               "Publicada, espera esta hora si aún no ha llegado"),
                 "default": "{{now}}"},
        "category": {"label": _label("Category", "Categoría"), "widget": "select",
                     "i18n": "duplicate", "default": next(iter(categories)),
                     "options": [{"label": _label(*(names[lang] for lang in languages)),
                                  "value": key} for key, names in categories.items()]},
        "slug": {"label": _label("Address (slug)", "Dirección (slug)"), "widget": "string",
                 "i18n": True, "pattern": slug_rule,
                 "hint": "The end of the page's address in this language · El final de la "
                         "dirección de la página en este idioma"},
        "summary": {"label": _label("Summary", "Resumen"), "widget": "string", "i18n": True,
                    "hint": "One sentence, shown in lists and feeds · Una frase, que se "
                            "muestra en las listas y los feeds"},
        "status": {"label": _label("Status", "Estado"), "widget": "select",
                   "i18n": "duplicate", "default": "draft",
                   "options": [{"label": _label("Draft (not published)",
                                                "Borrador (no se publica)"), "value": "draft"},
                               {"label": _label("Published", "Publicado"),
                                "value": "published"}]},
        "image": {"label": _label("Photo (optional)", "Foto (opcional)"), "widget": "image",
                  "i18n": "duplicate", "required": False, "choose_url": False,
                  "accept": ", ".join(IMAGE_TYPES),
                  "hint": "Shown under the title, in every language · Se muestra bajo el "
                          "título, en todos los idiomas"},
        "image_alt": {"label": _label("Description of the photo", "Descripción de la foto"),
                      "widget": "string", "i18n": True, "required": False,
                      "hint": "Required with a photo: what it shows, in this language · "
                              "Obligatoria con una foto: lo que muestra, en este idioma"},
        "body": {"label": _label("Text", "Texto"), "widget": "markdown", "i18n": True},
    }
    names = NEWS_FIELDS if kind == "news" else PAGE_FIELDS
    return [{"name": name, **fields[name], **({"preview": False} if name in UNSHOWN else {})}
            for name in names]


ENTRY_PATH = "{{slug}}/index"  # an item's files in its collection's folder: <key>/index.<lang>.md


def collection_folders(settings: Settings) -> dict[str, str]:
    """{folder under content/: the name of the editor's collection of its items}."""
    return {settings["ARTICLE_PATHS"][0]: "news", settings["PAGE_PATHS"][0]: "pages",
            settings["NOTICES_PATH"]: "notices"}


def config(settings: Settings, project: str | Path) -> dict:
    """The editor's configuration (config.yml) made from the settings."""
    content = Path(settings["PATH"]).resolve().relative_to(Path(project).resolve()).as_posix()
    languages = list(settings["LANGUAGES"])
    folders = {name: folder for folder, name in collection_folders(settings).items()}
    collections = []
    for kind, labels in (("news", ("News", "Noticias", "News item", "Noticia")),
                         ("pages", ("Pages", "Páginas", "Page", "Página"))):
        collections.append({
            "name": kind, "label": _label(*labels[:2]),
            "label_singular": _label(*labels[2:]),
            "folder": f"{content}/{folders[kind]}", "path": ENTRY_PATH,
            "extension": "md", "format": "yaml-frontmatter",
            # images beside the item's files; the build publishes them (images.py)
            "media_folder": "", "public_folder": "",
            "create": True, "delete": kind == "news",  # pages are linked from others
            "i18n": True,
            "slug": {"editable": False},  # the item's folder: from the English title
            "identifier_field": "title",
            "summary": "{{title}}" + (" · {{date}}" if kind == "news" else ""),
            "sortable_fields": ["date", "title"] if kind == "news" else ["title"],
            "fields": _fields(settings, kind),
        })
    collections.append({
        "name": "notices", "label": _label("Notices", "Avisos"),
        "label_singular": _label("Notice", "Aviso"),
        "folder": f"{content}/{folders['notices']}", "path": ENTRY_PATH,
        "extension": "md", "format": "yaml-frontmatter",
        "create": True, "delete": True, "i18n": True,
        "slug": {"editable": False}, "identifier_field": "title",
        "summary": "{{title}} · {{start}} – {{end}}",
        "sortable_fields": ["start", "title"],
        "fields": _notice_fields(settings),
    })
    # Unknown (a checkout that is not on GitHub), the name only guides the local mode:
    # "select the root directory of the <checkout's folder> repository".
    repo = repository(settings) or f"local/{Path(project).resolve().name}"
    backend = {"name": "github", "repo": repo, "branch": settings["EDITOR_BRANCH"],
               "auth_methods": ["token"]}
    return {
        "backend": backend,
        # each save a branch and a pull request, which Publish merges once the required
        # check (content/ only) has passed; never a commit straight onto the branch
        "publish_mode": "editorial_workflow",
        "app_title": f"{settings['SITENAME']} · Editor",
        # required; each collection keeps its images beside its items instead
        "media_folder": content, "public_folder": "",
        "i18n": {"structure": "multiple_files", "locales": languages,
                 "default_locale": settings["DEFAULT_LANG"]},
        # the preview pane, in the pane's language, with the site's stylesheets
        # (PREVIEW_STYLES, handed to editor.js by index.html)
        "editor": {"preview": True},
        # every text value between double quotes: YAML 1.2 (the editor) and 1.1 (PyYAML,
        # the build) read it alike (a title 'No' or '1944' stays text)
        "output": {"omit_empty_optional_fields": True, "yaml": {"quote": "double"}},
        # uploads beside the item, renamed as slugs (photo-1.jpg); no third-party services
        "media_libraries": {"default": {"config": {"slugify_filename": True,
                                                   "max_file_size": MAX_UPLOAD}},
                            "stock_assets": False},
        # item folders (keys) from the English title: lowercase ASCII words and hyphens
        "slug": {"encoding": "ascii", "clean_accents": True},
        "collections": collections,
    }


# The package's stylesheet names its fonts on a CDN, and ships the same fonts for
# self-hosting; the page loads nothing from another host, so the copy names them.
_CDN_FONT = re.compile(r"https://cdn\.jsdelivr\.net/fontsource/fonts/"
                       r"(?P<family>[a-z0-9-]+)(?::vf)?@[0-9.]+/(?P<file>[a-z0-9-]+)\.woff2")


def _self_hosted_fonts(script, assets):
    """The package's script with its CDN fonts replaced by the copies in assets/."""
    def local(match):
        found = sorted(assets.glob(f"{match['family']}-{match['file']}-*.woff2"))
        if len(found) != 1:
            raise SiteError(assets, f"the editor's package has no single copy of the font "
                            f"{match[0]} (found {len(found)}).", "pin the editor's package to "
                            "a version that ships its fonts (admin/package.json), or adapt "
                            "admin.py to the new version.")
        return f"assets/{found[0].name}"  # from the page, /admin/

    return _CDN_FONT.sub(local, script)


def write_editor(output: str | Path, settings: Settings) -> None:
    """Write /admin/ (page, configuration, the editor's files) into output, when the
    editor is installed."""
    if not included(settings):
        return
    package = package_folder(settings)
    folder = Path(output) / settings["EDITOR_SAVE_AS"]
    source = Path(settings["EDITOR_PATH"])
    shutil.copytree(package, folder, dirs_exist_ok=True)
    for script in folder.glob("*.js"):
        text = script.read_text(encoding="utf-8")
        if "cdn.jsdelivr.net" in text:
            script.write_text(_self_hosted_fonts(text, folder / "assets"), encoding="utf-8")
    static = f"../{settings['THEME_STATIC_DIR']}/"
    page = Template((source / "index.html").read_text(encoding="utf-8")).substitute(
        policy=hosting.meta_content_security_policy(settings["EDITOR_CONTENT_SECURITY_POLICY"]),
        sitename=html.escape(settings["SITENAME"]),
        # relative: the editor's page works wherever the site is (a GitHub Pages project
        # site lives under a path)
        icon=static + assets.fingerprinted_name(
            "favicon.svg", Path(settings["THEME"]) / "static" / "favicon.svg"),
        # fingerprinted, as the site's pages link them; editor.js registers them
        preview_styles=" ".join(static + assets.fingerprinted_name(
            name, Path(settings["THEME"]) / "static" / name) for name in PREVIEW_STYLES))
    (folder / "index.html").write_text(page, encoding="utf-8")
    text = yaml.safe_dump(config(settings, source.parent), allow_unicode=True, sort_keys=False)
    (folder / "config.yml").write_text(text, encoding="utf-8")
