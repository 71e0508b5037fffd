"""Sharing cards: the picture a page shows where it is shared (og:image).

Every page gets a 1200 × 630 PNG drawn with Pillow: the header's red band with
Peru's flag and the embassy's name in the page's language, and the page's
title in large type below. The colours are the stylesheet's own (its --epc-*
tokens), the font is the theme's (theme/fonts/: Source Sans 3, SIL Open Font
License); browsers never load that font, the pages use the reader's own.

A card is named by everything it is drawn from (its texts, the colours, the
font, Pillow and this module): a changed title is a new address, which sites
that keep the old picture fetch anew. Cards are drawn once, kept in
CACHE_PATH/cards/, and published under /media/cards/, as image variants are.
"""

import functools
import hashlib
import html
import os
import re
from pathlib import Path
from typing import NamedTuple

import PIL
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import escape
from PIL import Image, ImageColor, ImageDraw, ImageFont, features

from . import media, state
from .atomic import atomic_write
from .errors import SiteError

WIDTH, HEIGHT = 1200, 630  # what Open Graph and X's large cards show
MARGIN = 80
BAND, STRIP = 160, 12  # the header's red band and the darker strip under it (the menu's)
FONT = "fonts/SourceSans3-Variable.ttf"  # in the theme
STYLESHEET = "static/css/site.css"  # in the theme: its first :root block has the colours
COLOURS = {"band": "--epc-red", "strip": "--epc-red-dark", "flag": "--epc-flag",
           "text": "--epc-text", "paper": "--epc-paper"}
HEADING = (46, 600)  # size in pixels, weight
TITLE_SIZES, TITLE_WEIGHT = range(76, 39, -6), 700  # shrunk until the title fits
LINE_HEIGHT = 1.2
TITLE_TOP = BAND + STRIP + 52
TITLE_BOX = (WIDTH - 2 * MARGIN, HEIGHT - STRIP - 48 - TITLE_TOP)  # width, height
ELLIPSIS = "…"
NOT_A_CHARACTER = "\U0010ffff"  # drawn as the font's "missing glyph" box
EDGES = 16  # shades between a text's colour and its background (anti-aliasing)
FIX_THEME = "restore the theme's file from the repository (git checkout theme/)."


class Card(NamedTuple):
    """What a card shows: the heading in the band (the embassy's name, or nothing)
    and the title below (lines separated by newlines)."""

    heading: str
    title: str


class CardImage(NamedTuple):
    """A card as a page names it: its file under media/ and its address."""

    name: str
    url: str
    width: int = WIDTH
    height: int = HEIGHT


class Design(NamedTuple):
    """What every card is drawn with: the font's file, the colours by role, and one
    signature of both and of the code that draws."""

    font: str
    colours: dict[str, str]  # by role: COLOURS' keys
    signature: str


def _colours(stylesheet):
    """The card's colours, read from the stylesheet's first :root block (light scheme)."""
    root = re.search(r":root\s*\{([^}]*)\}", stylesheet.read_text(encoding="utf-8"))
    tokens = dict(re.findall(r"(--epc-[\w-]+)\s*:\s*(#[0-9a-fA-F]{6})\s*;",
                             root[1] if root else ""))
    missing = [token for token in COLOURS.values() if token not in tokens]
    if missing:
        raise SiteError(stylesheet, f"the colours {', '.join(missing)} are not set as "
                        "#rrggbb values in its first :root block (the sharing cards use "
                        "them).", FIX_THEME)
    return {role: tokens[token].lower() for role, token in COLOURS.items()}


@functools.lru_cache(maxsize=4)
def _design(theme, _stamps):
    font, stylesheet = Path(theme, FONT), Path(theme, STYLESHEET)
    _font.cache_clear()  # a font file changed in place (a long-running `invoke livereload`)
    _has_glyph.cache_clear()
    try:
        font_digest = hashlib.sha256(font.read_bytes()).hexdigest()
        _font(str(font), 10, TITLE_WEIGHT)
    except FileNotFoundError:
        raise SiteError(font, "the sharing cards' font is missing.", FIX_THEME) from None
    except OSError as error:
        raise SiteError(font, f"the sharing cards' font cannot be read ({error}); it must be "
                        "a variable font with a weight axis.", FIX_THEME) from None
    colours = _colours(stylesheet)
    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    signature = (f"{PIL.__version__} {features.version('freetype2')} {code} {font_digest} "
                 f"{sorted(colours.items())}")
    return Design(str(font), colours, signature)


def design(theme: str | Path) -> Design:
    """The theme's Design (read again when its font or stylesheet changes)."""
    stamps = []
    for relative in (FONT, STYLESHEET):
        try:
            stamp = Path(theme, relative).stat()
            stamps.append((stamp.st_size, stamp.st_mtime_ns))
        except OSError:
            stamps.append(None)
    return _design(str(theme), tuple(stamps))


def card_name(card: Card, theme_design: Design) -> str:
    """The card's file under media/, named by all it is drawn from."""
    key = hashlib.sha256(f"{theme_design.signature}\0{card.heading}\0{card.title}".encode())
    return f"cards/{key.hexdigest()[:32]}.png"


def _plain(text):
    """A title as text: no tags, entities decoded, runs of spaces made one. Not
    Markup.striptags(): it would turn typography's no-break spaces into spaces."""
    text = html.unescape(re.sub(r"<[^>]*>", "", str(escape(text or ""))))
    return re.sub(r"[ \t\r\n\f]+", " ", text).strip()


@pass_context
def sharing_card(context: Context, title: str | list[str] | tuple[str, ...],
                 heading: str | None = None) -> CardImage:
    """Template global: the page's card (CardImage), noted for the build to draw.

    title: the page's title, or a list of lines (the trilingual root page);
    heading: the band's text (default: the site's name in the page's language)."""
    lines = title if isinstance(title, (list, tuple)) else [title]
    card = Card(_plain(context["SITENAME"] if heading is None else heading),
                "\n".join(_plain(line) for line in lines))
    name = card_name(card, design(context["THEME"]))
    state.of(context).cards[name] = card
    return CardImage(name, f"{context['MEDIA_URL']}/{name}")


GLOBALS = {"sharing_card": sharing_card}


# --- Drawing ------------------------------------------------------------------------

@functools.lru_cache(maxsize=32)
def _font(path, size, weight):
    # Basic layout (FreeType's, with kerning): the same on every machine, where Raqm
    # would depend on the system's FriBiDi; the three languages need no shaping.
    font = ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.BASIC)
    font.set_variation_by_axes([weight])
    return font


def _glyph(path, character):
    image = Image.new("L", (64, 64))
    ImageDraw.Draw(image).text((8, 8), character, font=_font(path, 40, 400), fill=255)
    return image.tobytes()


@functools.lru_cache(maxsize=4096)
def _has_glyph(path, character):
    return _glyph(path, character) != _glyph(path, NOT_A_CHARACTER)


def drawable(text: str, font_path: str) -> str:
    """text without the characters the font has no glyph for (an emoji, a script
    it does not cover): left out rather than drawn as boxes; the page's
    og:image:alt keeps the whole title."""
    kept = "".join(c for c in text if c in "\n " or _has_glyph(font_path, c))
    return "\n".join(re.sub(" +", " ", line).strip() for line in kept.split("\n"))


def _cut_word(word, font, width):
    """A word wider than the line, in pieces that fit: at its no-break spaces if it
    has some, else between letters (a long address, say)."""
    pieces = []
    while font.getlength(word) > width:
        fits = max((i for i in range(1, len(word)) if font.getlength(word[:i]) <= width),
                   default=1)
        space = max(word.rfind(" ", 0, fits + 1), word.rfind("\u00a0", 0, fits + 1),
                    word.rfind("\u202f", 0, fits + 1))
        if space > 0:
            pieces.append(word[:space])
            word = word[space + 1:]
        else:
            pieces.append(word[:fits])
            word = word[fits:]
    return pieces + [word]


# A word of one or two letters (le, la, et, de, y, en, of…) stays with the next,
# as French and Spanish typography ask: no line ends with an article.
_SHORT_WORD = re.compile(r"(?<!\S)([^\W\d_]{1,2}) (?=\S)")


def wrap(text: str, font: ImageFont.FreeTypeFont, width: float) -> tuple[list[str], bool]:
    """(lines at most width pixels wide, whether a word had to be cut): lines break at
    ordinary spaces only, never after a word of one or two letters.

    By hand: Pillow's ImageText.wrap also breaks at the no-break spaces French
    typography puts before « : ; ? ! » and refuses a word wider than the line."""
    lines, cut = [], False
    for paragraph in text.split("\n"):
        paragraph = _SHORT_WORD.sub("\\1\u00a0", paragraph)
        line = ""
        for word in paragraph.split(" "):
            if not word:
                continue
            candidate = f"{line} {word}" if line else word
            if font.getlength(candidate) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            *whole, line = _cut_word(word, font, width)
            lines += whole
            cut = cut or bool(whole)
        lines.append(line)
    return lines, cut


def fit_title(text: str, font_path: str) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """(font, lines) of the largest size at which the title fits its box with no word
    cut; at the smallest, the lines that fit, the last ending in an ellipsis."""
    width, height = TITLE_BOX
    for size in TITLE_SIZES:
        font = _font(font_path, size, TITLE_WEIGHT)
        lines, cut = wrap(text, font, width)
        fitting = int(height // (size * LINE_HEIGHT))
        if len(lines) <= fitting and not cut:
            return font, lines
    if len(lines) <= fitting:
        return font, lines
    lines = lines[:fitting]
    last = lines[-1]
    while last and font.getlength(last + ELLIPSIS) > width:
        space = last.rfind(" ")
        last = last[:space] if space > 0 else last[:-1]  # a whole word less, if it can
    lines[-1] = last.rstrip(" ,;:\u00a0\u202f") + ELLIPSIS
    return font, lines


def _flag(draw, colours, left, top, width=90, height=60):
    """Peru's flag, three vertical bands, with the header's white edge."""
    draw.rectangle((left - 2, top - 2, left + width + 1, top + height + 1), fill="#ffffff")
    third = width // 3
    draw.rectangle((left, top, left + third - 1, top + height - 1), fill=colours["flag"])
    draw.rectangle((left + width - third, top, left + width - 1, top + height - 1),
                   fill=colours["flag"])


@functools.lru_cache(maxsize=8)
def _background(heading, font_path, colours):
    """A card without its title: the bands, the flag and the heading, as indexes of
    _palette()."""
    colours = dict(colours)
    image = Image.new("RGB", (WIDTH, HEIGHT), colours["paper"])
    pen = ImageDraw.Draw(image)
    pen.rectangle((0, 0, WIDTH - 1, BAND - 1), fill=colours["band"])  # corners included
    pen.rectangle((0, BAND, WIDTH - 1, BAND + STRIP - 1), fill=colours["strip"])
    pen.rectangle((0, HEIGHT - STRIP, WIDTH - 1, HEIGHT - 1), fill=colours["band"])
    _flag(pen, colours, MARGIN, (BAND - 60) // 2)
    if heading:  # the site's name, one line
        pen.text((MARGIN + 120, BAND // 2), heading, font=_font(font_path, *HEADING),
                 fill="#ffffff", anchor="lm")
    return image.quantize(palette=_palette(tuple(sorted(colours.items()))),
                          dither=Image.Dither.NONE)


# The title's ink (0: none, 255: full) as an index of _palette(): its first EDGES
# colours go from the paper to the text's colour.
_INK = [round(ink * (EDGES - 1) / 255) for ink in range(256)]
_INKED = (MARGIN - 8, TITLE_TOP - 8, WIDTH - 8, HEIGHT - STRIP)  # the paper titles go on


def draw(card: Card, theme_design: Design) -> Image.Image:
    """The card, as a palette image (a small PNG). The title is drawn as ink alone
    and given the palette's shades of the text's colour: half the time of drawing
    it in colour and mapping every pixel to the palette."""
    font_path = theme_design.font
    image = _background(drawable(card.heading, font_path), font_path,
                        tuple(sorted(theme_design.colours.items()))).copy()
    font, lines = fit_title(drawable(card.title, font_path), font_path)
    left, top, right, bottom = _INKED
    ink = Image.new("L", (right - left, bottom - top))
    pen, step = ImageDraw.Draw(ink), font.size * LINE_HEIGHT
    for number, line in enumerate(lines):
        pen.text((MARGIN - left, TITLE_TOP - top + number * step), line, font=font, fill=255)
    image.paste(Image.frombytes("P", ink.size, ink.point(_INK).tobytes()), (left, top))
    return image


def _shades(first, second):
    start, end = ImageColor.getrgb(first), ImageColor.getrgb(second)
    return [tuple(round(a + (b - a) * step / (EDGES - 1)) for a, b in zip(start, end, strict=True))
            for step in range(EDGES)]


@functools.lru_cache(maxsize=4)
def _palette(colours):
    """The card's colours, exactly, and the shades of its texts' edges: the paper to
    the text's colour first (EDGES of them), then the band to white, the strip, the
    flag."""
    colours = dict(colours)
    shades = (_shades(colours["paper"], colours["text"]) + _shades(colours["band"], "#ffffff")
              + [ImageColor.getrgb(colours[role]) for role in ("strip", "flag")])
    palette = Image.new("P", (1, 1))
    palette.putpalette([value for colour in shades for value in colour])
    return palette


# --- Making -------------------------------------------------------------------------

def make_card_files(job: tuple[str, list[tuple[Path, Card]]]) -> None:
    """Draw some cards into their cache files (one process's share)."""
    theme, cards = job
    theme_design = design(theme)
    for cached, card in cards:
        # zlib's level 3: 1.7 ms a card against 4.1 ms at its default 6, for 17 kB
        # against 13 kB (3,000 cards on a 1,000-item site: seconds of a cold build)
        with atomic_write(cached) as file:
            draw(card, theme_design).save(file, "PNG", compress_level=3)


def _cached(cache, name, _card):
    return cache / Path(name).name  # the name already says all the card is drawn from


def _jobs(settings, missing):
    """The cards missing in one job per core: [(theme, [(cache file, Card)])]."""
    shares = os.cpu_count() or 1
    return [(settings["THEME"], missing[start::shares]) for start in range(shares)
            if missing[start::shares]]


# The media pipeline (media.py) of the cards the pages name, from BuildState.cards.
CARDS = media.Kind("cards", _cached, _jobs, make_card_files)
