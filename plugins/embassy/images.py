"""Images: put once beside an item, published once, in responsive sizes.

Staff write ![description]({static}photo.jpg) in each language's file; the
description (alt text) is per language, the image file is shared. Each image
is published once under /media/, resized (never enlarged) to a few widths,
with its orientation applied and its metadata (EXIF, GPS) removed; the <img>
gets srcset, sizes, width, height, lazy loading and async decoding.
"""

import hashlib
import os
import re
import shutil
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError
from pelican.contents import Article, Page

from .errors import SiteError

WIDTHS = (480, 960, 1600)
FALLBACK_WIDTH = 960  # for browsers without srcset
SIZES = "(min-width: 48rem) 45rem, calc(100vw - 2rem)"
FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP"}
_STATIC_IMAGE = re.compile(r"""<img\b([^>]*?)\ssrc=(["'])\{static\}([^"']+)\2([^>]*)>""")

# Variants the (sub)sites asked for: {output name: (source, width)}. Written
# once, by the main site, when every language has been read.
_WANTED = {}


def _variants(source, relative):
    """[(output name, width, height)] for one source image."""
    try:
        with Image.open(source) as image:
            image = ImageOps.exif_transpose(image)
            width, height = image.size
    except (UnidentifiedImageError, OSError) as error:
        raise SiteError(source, f"the image cannot be read ({error}).",
                        "save it again as a JPEG, PNG or WebP file.") from None
    stem, suffix = relative.with_suffix(""), relative.suffix.lower()
    widths = sorted({w for w in WIDTHS if w < width} | {min(width, WIDTHS[-1])})
    return [(f"{stem}-{w}w{suffix}", w, round(height * w / width)) for w in widths]


def responsive_images(instance):
    """Rewrite {static} images of a news item or page as responsive <img> tags."""
    if not isinstance(instance, (Article, Page)) or "{static}" not in (instance._content or ""):
        return
    settings = instance.settings
    content_root = Path(settings["PATH"])
    folder = Path(instance.source_path).parent

    def rewrite(match):
        before, _quote, target, after = match.groups()
        source = (content_root / target.lstrip("/")) if target.startswith("/") else folder / target
        if source.suffix.lower() not in FORMATS:
            raise SiteError(instance.source_path, f"'{target}' is not a JPEG, PNG or WebP image.",
                            "convert the image to JPEG (photos) or PNG (drawings).")
        relative = source.resolve().relative_to(content_root.resolve())
        variants = _variants(source, relative)
        for name, width, _height in variants:
            _WANTED[name] = (source, width)
        media = settings["MEDIA_URL"]
        largest = variants[-1]
        fallback = max((v for v in variants if v[1] <= FALLBACK_WIDTH), default=variants[0],
                       key=lambda variant: variant[1])
        srcset = ", ".join(f"{media}/{name} {width}w" for name, width, _h in variants)
        attributes = f'{before} src="{media}/{fallback[0]}" srcset="{srcset}" sizes="{SIZES}"'
        return (f'<img{attributes} width="{largest[1]}" height="{largest[2]}"'
                f' loading="lazy" decoding="async"{after}>')

    instance._content = _STATIC_IMAGE.sub(rewrite, instance._content)


def set_media_url(pelican):
    """initialized handler: every language's pages point at the main site's /media/."""
    settings = pelican.settings
    if "MEDIA_URL" not in settings:
        settings["MEDIA_URL"] = settings["SITEURL"].rstrip("/") + "/media"


def write_variants(pelican):
    """Write the variants every language asked for, through a cache (main site, last)."""
    settings = pelican.settings
    cache = Path(settings["CACHE_PATH"]) / "images"
    output = Path(settings["OUTPUT_PATH"]) / "media"
    for name, (source, width) in sorted(_WANTED.items()):
        stat = source.stat()
        stamp = hashlib.sha1(f"{source}:{stat.st_size}:{stat.st_mtime_ns}:{width}".encode())
        cached = cache / f"{stamp.hexdigest()}{Path(name).suffix}"
        if not cached.exists():
            cache.mkdir(parents=True, exist_ok=True)
            with Image.open(source) as image:
                image = ImageOps.exif_transpose(image)
                if image.width > width:
                    image = image.resize((width, round(image.height * width / image.width)),
                                         Image.Resampling.LANCZOS)
                kind = FORMATS[Path(name).suffix]
                if kind == "JPEG" and image.mode not in ("RGB", "L"):
                    image = image.convert("RGB")
                options = {"quality": 82, "optimize": True} if kind != "PNG" else {"optimize": True}
                partial = cached.with_suffix(".part" + cached.suffix)
                image.save(partial, kind, **options)  # no EXIF: location data stays private
                os.replace(partial, cached)
        target = output / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cached, target)
