"""Content is untrusted: raw HTML goes through an allowlist (embassy.sanitize, nh3), and
what it would remove stops the build, named, so staff know."""

import pytest

from embassy import sanitize
from helpers import assert_refused, edit_source, run_build, set_field

PAGE = "content/pages/legal-framework/index.en.md"
HOSTILE = [
    ('<img/onerror=alert(1) src=x alt="x">', "onerror= on <img>"),
    ('<p onerror = "alert(1)">x</p>', "onerror= on <p>"),
    ("[click](javascript:alert(1))", "a javascript: address in href= on <a>"),
    ('<a href="JaVa&#10;Script:alert(1)">x</a>', "a javascript: address in href= on <a>"),
    ('<meta http-equiv="refresh" content="0;url=https://evil.example">', "<meta>"),
    ('<iframe src="https://evil.example"></iframe>', "<iframe>"),
    ('<object data="x.swf"></object>', "<object>"),
    ('<form action="https://evil.example"><input name=q></form>', "<form>"),
    ('<base href="https://evil.example/">', "<base>"),
    ('<p style="color:red">x</p>', "style= on <p>"),
    ('<script>alert(1)</script>', "<script>"),
    ('<svg><a xlink:href="javascript:alert(1)">x</a></svg>', "<svg>"),
]


@pytest.mark.parametrize("html,named", HOSTILE)
def test_hostile_html_in_markdown_stops_the_build_named(project_copy, good_output, html, named):
    edit_source(project_copy, PAGE, "\n\n", f"\n\n{html}\n\n")
    assert_refused(run_build("pelicanconf.py", good_output, cwd=project_copy), good_output,
                   f"{PAGE}: the text contains {named}")


@pytest.mark.parametrize("html,_named", [case for case in HOSTILE if case[0].startswith("<")])
def test_the_allowlist_leaves_nothing_that_runs(html, _named):
    cleaned = sanitize.clean(html).lower()
    for danger in ("<script", "onerror", "javascript:", "<iframe", "<object", "<form", "<meta",
                   "<base", "style=", "<svg"):
        assert danger not in cleaned, cleaned


def test_what_markdown_writes_passes_unchanged_in_meaning():
    html = ('<h2 id="a">T</h2><p>See <a href="https://x.ca/?a=1&amp;b=2" title="t">x</a>, '
            '<a href="mailto:a@b.ca">mail</a><sup id="fnref:1"><a class="footnote-ref" '
            'href="#fn:1">1</a></sup></p><table><thead><tr><th>A</th></tr></thead><tbody><tr>'
            '<td>1</td></tr></tbody></table><p><img alt="d" src="{static}p.jpg"></p>'
            '<div class="footnote"><hr><ol><li id="fn:1"><p>n <a class="footnote-backref" '
            'href="#fnref:1" title="back">&#8617;</a></p></li></ol></div>')
    assert sanitize.disallowed(html) == []
    assert sanitize.clean(html) == html.replace("&#8617;", "\u21a9")


@pytest.mark.parametrize("slug", ["../../es/index", "Free Trade", "a/b", "año-nuevo", "-x"])
def test_a_slug_that_is_not_lowercase_words_and_hyphens_is_refused(project_copy, good_output,
                                                                   slug):
    edit_source(project_copy, PAGE, 'slug: "legal-framework"', f'slug: "{slug}"')
    assert_refused(run_build("pelicanconf.py", good_output, cwd=project_copy), good_output,
                   f"{PAGE} (slug): '{slug}' is not a slug.")


NEWS = "content/news/eighty-years-of-relations"


def add_image(project, make, name):
    """Save an image made by make(path) beside a news item and show it in English."""
    make(project / NEWS / name)
    edit_source(project, f"{NEWS}/index.en.md", "\n\n", f"\n\n![A photo]({{static}}{name})\n\n")


def test_a_huge_image_is_refused_before_it_is_decoded(project_copy, good_output):
    """A 144-megapixel image that is a few kilobytes on disk (a decompression bomb)."""
    from PIL import Image

    add_image(project_copy, lambda path: Image.new("1", (12000, 12000)).save(path), "bomb.png")
    assert (project_copy / NEWS / "bomb.png").stat().st_size < 200_000
    assert_refused(run_build("pelicanconf.py", good_output, cwd=project_copy), good_output,
                   f"{NEWS}/bomb.png: the image has more pixels than the site accepts")


def test_a_photo_over_the_limit_is_refused_with_its_size(project_copy, good_output):
    """Between the limit and twice it Pillow only warns: the site's own check refuses."""
    from PIL import Image

    add_image(project_copy, lambda path: Image.new("L", (8000, 7500)).save(path), "big.png")
    assert_refused(run_build("pelicanconf.py", good_output, cwd=project_copy), good_output,
                   f"{NEWS}/big.png: the image is 8000 × 7500 pixels (60 megapixels)")


def test_a_truncated_image_is_a_named_error_not_a_traceback(project_copy, good_output):
    from PIL import Image

    def truncated(path):  # its header reads: the decoding, in a worker, fails
        Image.effect_noise((1200, 800), 64).convert("RGB").save(path, "JPEG")
        path.write_bytes(path.read_bytes()[:len(path.read_bytes()) // 2])

    add_image(project_copy, truncated, "cut.jpg")
    assert_refused(run_build("pelicanconf.py", good_output, cwd=project_copy), good_output,
                   f"{NEWS}/cut.jpg: the image cannot be decoded")


# --- Staff content is only content: nothing but an item's pages and its photos leaves
# its folder, drafts publish nothing, photos carry nothing but pixels.

@pytest.mark.parametrize("link,named", [
    ("[a]({static}plant.svg)", "'plant.svg' is linked with {static}"),
    ("[a]({attach}plant.js)", "'plant.js' is linked with {attach}"),
    ("[r]({attach}../../../secret.txt)", "'../../../secret.txt' is linked with {attach}"),
    ("[a]({static}photo.jpg)", "'photo.jpg' is linked with {static}"),  # not shown: the raw file
    ('<a href="&#123;static&#125;plant.svg">a</a>', "'plant.svg' is linked with {static}"),
    ('<img alt="x" src="{static}plant.svg">', "'plant.svg' is not a JPEG, PNG or WebP image."),
    ("![x]({attach}../diplomatic-relations-1944/photo.jpg)",
     "the image '../diplomatic-relations-1944/photo.jpg' is outside the item's folder."),
    ("[a]({filename}plant.svg)", "the link to 'plant.svg' is not a news item or page"),
])
def test_a_link_that_would_publish_another_file_is_refused(project_copy, good_output, link,
                                                           named):
    """Pelican copies whatever {static} or {attach} names (a script, an SVG with one, any
    file of the build machine): only photos, shown as images, leave an item's folder."""
    from PIL import Image

    folder = project_copy / NEWS
    (folder / "plant.svg").write_text(PLANTED_SVG, encoding="utf-8")
    (folder / "plant.js").write_text("alert(localStorage.length)", encoding="utf-8")
    (project_copy / "secret.txt").write_text("a file of the build machine", encoding="utf-8")
    Image.new("RGB", (80, 60), "red").save(folder / "photo.jpg")
    Image.new("RGB", (80, 60), "red").save(folder.parent / "diplomatic-relations-1944/photo.jpg")
    edit_source(project_copy, f"{NEWS}/index.en.md", "\n\n", f"\n\n{link}\n\n")
    assert_refused(run_build("pelicanconf.py", good_output, cwd=project_copy), good_output,
                   f"{NEWS}/index.en.md: {named}")


PLANTED_SVG = ('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(localStorage.length)'
               '</script></svg>')


@pytest.mark.parametrize("line,message", [
    ('status: "hidden"', "line 7: 'hidden' is not a status of this site."),
    ('status: "Published"', "line 7: 'Published' is not a status of this site."),
    ('status:', "line 7: the status is empty."),
    ('status: "published"\ntranslated: "false"',
     "(translated): line 8: 'translated' is the text 'false', not true or false."),
    ('status: "published"\ntranslated: 0',
     "(translated): line 8: 'translated' is '0', not true or false."),
])
def test_status_and_flags_are_exact(project_copy, good_output, line, message):
    """'hidden' skipped the language and draft checks; the text "false" counted as
    translated."""
    set_field(project_copy / NEWS / "index.fr.md", "status", line)
    assert_refused(run_build("pelicanconf.py", good_output, cwd=project_copy), good_output,
                   f"{NEWS}/index.fr.md", message)


@pytest.mark.parametrize("url,named", [
    ("https://www.embassyofperu.ca@evil.example/", "a name and '@' before its host"),
    ("//evil.example/", "no https: before its '//'"),
    ("/\\evil.example", "a backslash (\\)"),
    ("https:evil.example", "no '//' after https:"),
])
def test_a_disguised_address_is_refused_in_every_build(project_copy, good_output, url, named):
    edit_source(project_copy, PAGE, "\n\n", f"\n\n[The embassy]({url})\n\n")
    assert_refused(run_build("pelicanconf.py", good_output, cwd=project_copy), good_output,
                   f"{PAGE}: the text contains an address with {named} in href= on <a>")


DRAFT = "content/news/unannounced-visit"
DRAFT_SECRETS = ("unannounced-visit", "secret-visit-photo", "UNANNOUNCED-VISIT-SENTINEL")
MARKERS = ("EXIF-MARKER", "XMP-MARKER", "IPTC-MARKER", "COMMENT-MARKER", "PNG-TEXT-MARKER",
           "TRAILING-MARKER")


def write_draft(project):
    """A draft in three languages, its photo beside it, its text marked."""
    from PIL import Image

    folder = project / DRAFT
    folder.mkdir(parents=True)
    Image.new("RGB", (640, 480), "blue").save(folder / "secret-visit-photo.jpg")
    for lang in ("en", "es", "fr"):
        (folder / f"index.{lang}.md").write_text(
            f'---\ntitle: "Visit {lang}"\ndate: "2026-11-30"\ncategory: "events"\n'
            f'slug: "unannounced-visit"\nsummary: "UNANNOUNCED-VISIT-SENTINEL {lang}"\n'
            f'status: "draft"\nimage: "secret-visit-photo.jpg"\nimage_alt: "A visit"\n---\n\n'
            f"UNANNOUNCED-VISIT-SENTINEL in {lang}.\n", encoding="utf-8")


def planted_photos(folder):
    """Photos of 1,600 pixels or less (once copied as they were) carrying each kind of
    metadata: {file name: kind}."""
    from PIL import Image, ImageCms, PngImagePlugin

    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    exif = Image.Exif()
    exif[0x010E] = "EXIF-MARKER"  # ImageDescription
    exif[0x8825] = {2: (45.0, 25.0, 0.0)}  # GPSLatitude: where the photo was taken
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">XMP-MARKER</x:xmpmeta>'
    image = Image.linear_gradient("L").resize((800, 600)).convert("RGB")
    image.save(folder / "metadata.jpg", "JPEG", exif=exif, icc_profile=icc, xmp=xmp,
               comment=b"COMMENT-MARKER")
    jpeg = (folder / "metadata.jpg").read_bytes()  # an IPTC record (APP13), bytes after the end
    iptc = (b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x10"
            b"\x1c\x02\x78\x00\x0bIPTC-MARKER\x00")
    segment = b"\xff\xed" + (len(iptc) + 2).to_bytes(2, "big") + iptc
    (folder / "metadata.jpg").write_bytes(jpeg[:2] + segment + jpeg[2:] + b"TRAILING-MARKER")
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "PNG-TEXT-MARKER")
    text.add_itxt("Description", "PNG-TEXT-MARKER")
    image.save(folder / "metadata.png", "PNG", pnginfo=text, exif=exif, icc_profile=icc)
    with (folder / "metadata.png").open("ab") as file:
        file.write(b"TRAILING-MARKER")
    image.save(folder / "metadata.webp", "WEBP", exif=exif, xmp=xmp, icc_profile=icc)
    return ["metadata.jpg", "metadata.png", "metadata.webp"]


@pytest.fixture(scope="module")
def staff_site(tmp_path_factory):
    """A production build with a draft that has a photo, and a published item whose
    photos carry every kind of metadata and whose text has a fenced code block."""
    from helpers import copy_project

    project = copy_project(tmp_path_factory.mktemp("staff") / "project")
    write_draft(project)
    photos = planted_photos(project / NEWS)
    shown = "".join(f"\n\n![A photo]({name})" for name in photos)
    for lang in ("en", "es", "fr"):
        edit_source(project, f"{NEWS}/index.{lang}.md", "\n\n",
                    f"{shown}\n\n```python\nprint('1944')\n```\n\n")
    output = project / "output"
    result = run_build("publishconf.py", output, cwd=project)
    assert result.returncode == 0, result.stderr + result.stdout
    return project, output


def readable_bytes(path):
    """A file's bytes, Pagefind's compressed index files decompressed."""
    import gzip

    data = path.read_bytes()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def test_a_draft_publishes_nothing(staff_site):
    """Not its pages, photo, card, search entry or sitemap line: no file of the output
    names it, its photo or its text (Pagefind's index decompressed)."""
    _project, output = staff_site
    files = [path for path in output.rglob("*") if path.is_file()]
    for path in files:
        data = readable_bytes(path)
        for secret in DRAFT_SECRETS:
            assert secret.encode() not in data, (secret, path)
    # every sharing card published is a page's: none is the draft's
    pages = "".join(path.read_text(encoding="utf-8") for path in files if path.suffix == ".html")
    for card in (output / "media" / "cards").iterdir():
        assert card.name in pages, card


def test_photos_are_published_as_pixels_alone(staff_site):
    """Every published variant is encoded again: no EXIF, GPS, XMP, IPTC, ICC profile,
    JPEG comment, PNG text or trailing bytes, found byte by byte or by Pillow."""
    from PIL import Image

    _project, output = staff_site
    variants = sorted((output / "media" / "news" / "eighty-years-of-relations").iterdir())
    assert {path.name.split("-")[0] for path in variants} == {"metadata"}
    assert {path.suffix for path in variants} == {".jpg", ".png", ".webp"}
    for path in variants:
        data = path.read_bytes()
        for marker in MARKERS:
            assert marker.encode() not in data, (marker, path)
        with Image.open(path) as image:
            assert not set(image.info) & {"exif", "icc_profile", "xmp", "comment", "photoshop",
                                          "Comment", "Description"}, (path, image.info)
        assert set(PARTS[path.suffix](data)) <= PIXELS_ONLY[path.suffix], path


def jpeg_segments(data):
    """The markers of a JPEG's segments up to its image data (which runs to FFD9, the
    file's last bytes)."""
    assert data.endswith(b"\xff\xd9")
    position, found = 2, []
    while data[position + 1] != 0xDA:  # start of scan
        found.append(data[position + 1])
        position += 2 + int.from_bytes(data[position + 2:position + 4], "big")
    return found


def png_chunks(data):
    position, found = 8, []
    while position < len(data):
        length = int.from_bytes(data[position:position + 4], "big")
        found.append(data[position + 4:position + 8])
        position += 12 + length
    assert found[-1] == b"IEND" and position == len(data)  # nothing after the end
    return found


def webp_chunks(data):
    position, found = 12, []
    assert int.from_bytes(data[4:8], "little") + 8 == len(data)  # nothing after the end
    while position < len(data):
        found.append(data[position:position + 4])
        position += 8 + (int.from_bytes(data[position + 4:position + 8], "little") + 1) // 2 * 2
    return found


PARTS = {".jpg": jpeg_segments, ".png": png_chunks, ".webp": webp_chunks}
PIXELS_ONLY = {  # JFIF, tables, frame, Huffman; header, image; the VP8 image, alpha
    ".jpg": {0xE0, 0xDB, 0xC0, 0xC2, 0xC4, 0xDD},
    ".png": {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"},
    ".webp": {b"VP8 ", b"VP8L", b"VP8X", b"ALPH"},
}


def test_a_fenced_code_block_keeps_its_language(staff_site):
    _project, output = staff_site
    page = output / "en" / "news" / "eighty-years-of-diplomatic-relations" / "index.html"
    assert '<pre><code class="language-python">' in page.read_text(encoding="utf-8")


@pytest.mark.parametrize("name,kind", [("tiff.jpg", "JPEG"), ("png.jpg", "JPEG"),
                                       ("jpeg.webp", "WEBP")])
def test_an_image_whose_bytes_are_not_what_its_name_says_is_refused(project_copy, good_output,
                                                                      name, kind):
    """Only JPEG, PNG and WebP are opened, each only as itself (Pillow reads TIFF, EPS and
    more whatever the name)."""
    from PIL import Image

    formats = {"tiff.jpg": "TIFF", "png.jpg": "PNG", "jpeg.webp": "JPEG"}
    add_image(project_copy, lambda path: Image.new("RGB", (300, 200), "red").save(
        path, formats[name]), name)
    assert_refused(run_build("pelicanconf.py", good_output, cwd=project_copy), good_output,
                   f"{NEWS}/{name}: the file is not a {kind} image, whatever its name says.")
