"""A synthetic site of N news items × 3 languages, for the build benchmark.

Realistic items: 300–500 words of Markdown with subheadings, lists and links to
other items, both categories (an item's the same in every language), an image
in one item of ten (in the text, or as the photo under the title). The real
pages, data files, theme, catalogs and plugin are used as they are: only the
news differs. Made from a fixed seed, so every run builds the same corpus.
"""

import os
import random
import shutil
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
WORDS = {
    "en": ("the embassy canada peru trade agreement cooperation mining investment "
           "community culture ottawa lima relations forum delegation education "
           "students visit minister economy partnership development meeting").split(),
    "es": ("la embajada canadá perú comercio acuerdo cooperación minería inversión "
           "comunidad cultura ottawa lima relaciones foro delegación educación "
           "estudiantes visita ministro economía asociación desarrollo reunión").split(),
    "fr": ("l’ambassade canada pérou commerce accord coopération mines investissement "
           "communauté culture ottawa lima relations forum délégation éducation "
           "étudiants visite ministre économie partenariat développement réunion").split(),
}


def sentence(rng, lang, words=14):
    text = " ".join(rng.choice(WORDS[lang]) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def paragraph(rng, lang):
    return " ".join(sentence(rng, lang, rng.randint(10, 18)) for _ in range(rng.randint(3, 5)))


def item_text(rng, lang, number, key, count, has_image):
    title = f"{sentence(rng, lang, 6)[:-1]} {number}"
    other = f"item-{rng.randrange(count):05d}"
    body = [paragraph(rng, lang), f"## {sentence(rng, lang, 4)[:-1]}", paragraph(rng, lang),
            "\n".join(f"- {sentence(rng, lang, 6)}" for _ in range(3)),
            f"{sentence(rng, lang, 8)} [{sentence(rng, lang, 3)[:-1]}]"
            f"({{filename}}/news/{other}/index.{lang}.md)", paragraph(rng, lang)]
    photo = ""
    if has_image and number % 20:  # the photo under the title, as the editor writes it
        photo = f'image: "photo.jpg"\nimage_alt: "{sentence(rng, lang, 6)[:-1]}"\n'
    elif has_image:  # an image in the text
        body.insert(1, f"![{sentence(rng, lang, 6)[:-1]}]({{static}}photo.jpg)")
    date = f"20{10 + number % 16:02d}-{1 + number % 12:02d}-{1 + number % 28:02d}"
    header = (f"---\ntitle: {title}\ndate: {date} {number % 24:02d}:00\n"
              f"category: {CATEGORIES[number % 2]}\nslug: {lang}-{key}\n"
              f"summary: {sentence(rng, lang, 16)}\nstatus: published\n{photo}---\n")
    return header + "\n" + "\n\n".join(body) + "\n"


# An item is in the same category in every language, as the editor keeps it: the
# language switcher of a list's page n links to page n of the same list in the
# others, which the links gate checks when the corpus is published.
CATEGORIES = ("news", "events")
COPIED = shutil.ignore_patterns(".venv", ".git", "output", ".output*", "cache", "__pycache__",
                                "*.mo", ".pytest_cache", "artifacts", "node_modules", "dist")


def copy_project(target, corpus=True):
    """A copy of the project's sources, with the test corpus's news (tests/corpus/news/)
    in content/news/ (corpus=False: the site's own content, as a clone has it)."""
    target = Path(target)
    shutil.copytree(ROOT, target, ignore=COPIED)
    link_editor(target)
    if corpus:
        shutil.copytree(ROOT / "tests" / "corpus" / "news", target / "content" / "news",
                        dirs_exist_ok=True)
    return target


def link_editor(target):
    """The browser editor's bundle (admin/dist/, as `make` makes it) in a copy of the
    project, its files linked, not copied: 16 MB in some 370 files took seconds to copy,
    for each of the test suite's copies, and nothing writes into them (`make` makes
    them again only when admin/'s sources change; a build copies them into output/)."""
    if (ROOT / "admin" / "dist").is_dir():
        shutil.copytree(ROOT / "admin" / "dist", Path(target) / "admin" / "dist",
                        copy_function=_link_or_copy)


def _link_or_copy(source, target):
    try:
        os.link(source, target)
    except OSError:  # another file system
        shutil.copy2(source, target)


def make_project(folder, items, seed=2026):
    """Copy the project without its news, then write `items` synthetic news items."""
    folder = Path(folder)
    ignore = shutil.ignore_patterns(".venv", ".git", "output", ".output*", "cache", "artifacts",
                                    "__pycache__", "*.mo", ".pytest_cache", "news", "node_modules",
                                    "dist")
    shutil.copytree(ROOT, folder, ignore=ignore)
    link_editor(folder)
    rng = random.Random(seed)
    news = folder / "content" / "news"
    for number in range(items):
        key = f"item-{number:05d}"
        (news / key).mkdir(parents=True)
        has_image = number % 10 == 0
        if has_image:
            Image.new("RGB", (1200, 800), (number % 256, 80, 120)).save(news / key / "photo.jpg")
        for lang in WORDS:
            (news / key / f"index.{lang}.md").write_text(
                item_text(rng, lang, number, key, items, has_image), encoding="utf-8")
    return folder


def write_settings(project, name, base="pelicanconf.py", **values):
    """A settings file in project that takes base's settings and changes some
    (FAST_BUILD=False, CACHE_PATH=…); returns its name, for the build's command line."""
    lines = [f"from {Path(base).stem} import *  # noqa: F403"]
    lines += [f"{setting} = {value!r}" for setting, value in values.items()]
    (Path(project) / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return name
