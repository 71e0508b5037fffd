"""Images: put once beside an item, published once, in responsive sizes.

Staff write ![description](photo.jpg) in each language's file (the browser
editor does, on upload; {static}photo.jpg, Pelican's way, works too); the
description (alt text) is per language, the image file is shared. Each image
is published once under /media/, resized (never enlarged) to a few widths,
with its orientation applied; the <img> gets srcset, sizes, width, height,
lazy loading and async decoding.

A photo is untrusted bytes: only a JPEG, PNG or WebP file whose bytes are what
its name says is opened, and every published file is encoded again from its
pixels alone (in sRGB), so that nothing else it carried (EXIF and GPS, XMP,
IPTC, comments, PNG text, bytes after the image) is published. Only the photos
of the items a build publishes are published: a draft's are not.
"""

import functools
import hashlib
import html
import io
import re
from pathlib import Path
from urllib.parse import quote, unquote

import PIL
from markupsafe import Markup, escape
from pelican import Pelican
from pelican.contents import Article, Content, Page
from pelican.generators import ArticlesGenerator, PagesGenerator
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from . import media, state
from .atomic import atomic_write
from .errors import SiteError
from .messages import staff_text

WIDTHS = (480, 960, 1600)
# A larger image is refused before it is decoded: a 100-megapixel photo, or a
# small file that decodes to a huge one (a "decompression bomb"), would take
# every core's memory. 50 megapixels is more than a phone's camera makes.
MAX_PIXELS = 50_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow refuses to decode past this (twice: an error)
RESIZE = ("resize it to at most 4,000 pixels on its longest side and save it again "
          "(any photo editor can).")
ORIENTATION = 0x0112  # the EXIF tag that says how a photo was turned
FALLBACK_WIDTH = 960  # for browsers without srcset
SIZES = "(min-width: 48rem) 45rem, calc(100vw - 2rem)"
FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}
# An image beside the item: {static}photo.jpg ({attach} too), or a relative path (no
# scheme, host or leading slash), as the editor writes it, URL-encoded (photo%201.jpg).
_LOCAL_IMAGE = re.compile(
    r"""<img\b([^>]*?)\ssrc=(["'])(\{(?:static|attach)\}[^"']+|[^"'/:{#?][^"':{#?]*)\2([^>]*)>""")

def open_photo(source: Path) -> Image.Image:
    """The image at source, opened only as the format its name says (Pillow would
    otherwise read any of its formats, a TIFF or an EPS named .jpg among them)."""
    kind = FORMATS[source.suffix.lower()]
    try:
        return Image.open(source, formats=[kind])
    except UnidentifiedImageError:
        raise SiteError(source, f"the file is not a {kind} image, whatever its name says.",
                        "open it in a photo editor and save it as a JPEG, PNG or WebP file "
                        "(its name ending in .jpg, .png or .webp).") from None


def _variants(source, relative):
    """[(output name, width, height)] for one source image."""
    try:
        with open_photo(source) as image:  # reads the header only: no decoding
            width, height = image.size
            if image.getexif().get(ORIENTATION) in (5, 6, 7, 8):  # shown turned a quarter
                width, height = height, width
    except Image.DecompressionBombError as error:  # twice MAX_PIXELS: Pillow refuses to open
        raise SiteError(source, f"the image has more pixels than the site accepts "
                        f"({MAX_PIXELS / 1e6:.0f} megapixels at most): {error}", RESIZE) from None
    except (UnidentifiedImageError, OSError) as error:
        raise SiteError(source, f"the image cannot be read ({error}).",
                        "save it again as a JPEG, PNG or WebP file.") from None
    if width * height > MAX_PIXELS:
        raise SiteError(source, f"the image is {width} × {height} pixels "
                        f"({width * height / 1e6:.0f} megapixels), more than the site accepts "
                        f"({MAX_PIXELS / 1e6:.0f}).", RESIZE)
    stem, suffix = relative.with_suffix(""), relative.suffix.lower()
    widths = sorted({w for w in WIDTHS if w < width} | {min(width, WIDTHS[-1])})
    return [(f"{stem}-{w}w{suffix}", w, round(height * w / width)) for w in widths]


def _responsive(instance, target, field=None):
    """The src, srcset, sizes, width and height attributes of an image beside a news
    item or page (target: its name, as written), its variants noted for publishing."""
    settings = instance.settings
    content_root = Path(settings["PATH"])
    target = unquote(html.unescape(re.sub(r"^\{(?:static|attach)\}", "", target)))  # as written
    folder = Path(instance.source_path).parent
    source = (content_root / target.lstrip("/")) if target.startswith("/") else folder / target
    root, resolved = content_root.resolve(), source.resolve()
    if not resolved.is_relative_to(folder.resolve()):  # another item's (a draft's), or any file
        raise SiteError(instance.source_path, f"the image '{target}' is outside the item's "
                        "folder.", "put the image in the item's folder and write its name "
                        "(photo.jpg).", field=field)
    if not source.is_file():
        raise SiteError(instance.source_path, staff_text(
            "the image '%(target)s' is not in the item's folder.", target=target), staff_text(
            "put the image file in the same folder as this file (the editor does when you "
            "upload it), or correct its name."), field=field)
    if source.suffix.lower() not in FORMATS:
        raise SiteError(instance.source_path, f"'{target}' is not a JPEG, PNG or WebP image.",
                        "convert the image to JPEG (photos) or PNG (drawings).", field=field)
    variants = _variants(source, resolved.relative_to(root))
    for name, width, _height in variants:
        instance.image_variants[name] = (source, width)
    media = settings["MEDIA_URL"]
    largest = variants[-1]
    fallback = max((v for v in variants if v[1] <= FALLBACK_WIDTH), default=variants[0],
                   key=lambda variant: variant[1])
    def url(name):  # a file's name is the staff's: URL-encoded, it cannot leave the attribute
        return f"{media}/{quote(name)}"

    srcset = ", ".join(f"{url(name)} {width}w" for name, width, _h in variants)
    return (f'src="{url(fallback[0])}" srcset="{srcset}" sizes="{SIZES}" '
            f'width="{largest[1]}" height="{largest[2]}"')


def _photo(instance):
    """The item's photo (its 'image' and 'image_alt' metadata, as the editor writes
    them): an <img> shown under the title, or None."""
    target = instance.metadata.get("image")
    if not target:
        return None
    if ":" in target or "/" in target or target.startswith("{"):
        raise SiteError(instance.source_path, f"the image '{target}' is not a file beside "
                        "the item.", "upload the photo in the editor, or put it in the item's "
                        "folder and write its name (image: photo.jpg).", field="image")
    alt = str(instance.metadata.get("image_alt") or "").strip()
    if not alt:
        raise SiteError(instance.source_path,
                        staff_text("the photo has no description in this language."),
                        staff_text("describe the photo for readers who cannot see it "
                                   "(image_alt: …)."), field="image_alt")
    return Markup(f'<img {_responsive(instance, target, field="image")} '  # noqa: S704 - escaped
                  f'alt="{escape(alt)}" decoding="async">')  # the first image: not lazy


def responsive_images(instance: Content) -> None:
    """Rewrite the local images of a news item or page as responsive <img> tags; make
    its photo (instance.photo)."""
    if not isinstance(instance, (Article, Page)):
        return
    instance.image_variants = {}
    instance.photo = _photo(instance)

    def rewrite(match):
        before, _quote, target, after = match.groups()
        attributes = _responsive(instance, target)
        return f'<img{before} {attributes} loading="lazy" decoding="async"{after}>'

    if "<img" in (instance._content or ""):
        instance._content = _LOCAL_IMAGE.sub(rewrite, instance._content)


# Every list of items a generator keeps: drafts are in these lists only in a build
# that shows them (content.filter_drafts).
ITEM_LISTS = ("articles", "translations", "drafts", "drafts_translations", "pages",
              "hidden_pages", "hidden_translations", "draft_pages", "draft_translations")


def publish_shown(generator: ArticlesGenerator | PagesGenerator) -> None:
    """Once a (sub)site's items are read and its drafts filtered: publish the variants
    of the items it writes (items read or taken from Pelican's cache alike)."""
    wanted = state.of(generator.settings).images
    for name in ITEM_LISTS:
        for item in getattr(generator, name, []):
            wanted.update(getattr(item, "image_variants", {}))


def set_media_url(pelican: Pelican) -> None:
    """initialized handler: every language's pages point at the main site's /media/."""
    settings = pelican.settings
    if "MEDIA_URL" not in settings:
        settings["MEDIA_URL"] = settings["SITEURL"].rstrip("/") + "/media"


def pixels(source: Path) -> Image.Image:
    """The image at source as pixels alone: turned as its EXIF says, in sRGB, with
    no metadata left in .info for Pillow to write back (it writes a JPEG's
    comment, a PNG's ICC profile, a WebP's EXIF and XMP from there)."""
    with open_photo(source) as image:
        image = ImageOps.exif_transpose(image)
        image.load()
    profile = image.info.get("icc_profile")
    if profile and image.mode in ("RGB", "RGBA", "CMYK"):  # colours as the profile meant them
        mode = "RGBA" if image.mode == "RGBA" else "RGB"
        image = ImageCms.profileToProfile(image, ImageCms.ImageCmsProfile(io.BytesIO(profile)),
                                          _SRGB, outputMode=mode)
    if image.mode not in ("RGB", "RGBA", "L", "LA"):  # palettes (their transparency), CMYK…
        image = image.convert("RGBA" if image.has_transparency_data else "RGB")
    image.info = {}
    return image


_SRGB = ImageCms.createProfile("sRGB")


def make_variant_files(job: tuple[Path, list[tuple[Path, int]]]) -> None:
    """Decode one source image once and write each wanted width (cache files); an image
    that cannot be decoded (a truncated file whose header reads) is a SiteError."""
    source, outputs = job
    try:
        image = pixels(source)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            ImageCms.PyCMSError) as error:
        raise SiteError(source, f"the image cannot be decoded ({error}).",
                        "open it in a photo editor and save it again as a JPEG, PNG or WebP "
                        "file.") from None
    larger = image  # each variant is resized from the previous, larger one: less work
    for cached, width in sorted(outputs, key=lambda output: -output[1]):
        variant = larger
        if larger.width > width:
            variant = larger.resize((width, round(image.height * width / image.width)),
                                    Image.Resampling.LANCZOS)
            larger = variant
        kind = FORMATS[cached.suffix]
        if kind == "JPEG" and variant.mode not in ("RGB", "L"):
            variant = variant.convert("RGB")
        options = {"quality": 82, "optimize": True} if kind != "PNG" else {"optimize": True}
        with atomic_write(cached) as file:
            variant.save(file, kind, **options)


@functools.lru_cache(maxsize=1)
def _code_version():
    """What the variants' bytes depend on besides the image: Pillow and this module."""
    return f"{PIL.__version__} {hashlib.sha256(Path(__file__).read_bytes()).hexdigest()}"


@functools.lru_cache(maxsize=None)
def _content_digest(source, _size, _mtime_ns):
    return hashlib.sha256(Path(source).read_bytes()).hexdigest()


def _cached(cache, name, value):
    """A variant's file in the cache, named by the image's bytes, the width and the code."""
    source, width = value
    stat = source.stat()
    content = _content_digest(str(source), stat.st_size, stat.st_mtime_ns)
    key = hashlib.sha256(f"{content} {width} {Path(name).suffix} {_code_version()}".encode())
    return cache / f"{key.hexdigest()[:40]}{Path(name).suffix.lower()}"


def _jobs(_settings, missing):
    """One job per source image, decoded once: [(source, [(cache file, width)])]."""
    jobs = {}
    for cached, (source, width) in missing:
        jobs.setdefault(source, []).append((cached, width))
    return list(jobs.items())


# The media pipeline (media.py) of the variants the pages show, from BuildState.images.
VARIANTS = media.Kind("images", _cached, _jobs, make_variant_files)
