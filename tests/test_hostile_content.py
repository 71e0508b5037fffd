"""Content is untrusted: raw HTML goes through an allowlist (embassy.sanitize, nh3), and
what it would remove stops the build, named, so staff know."""

import pytest

from embassy import sanitize
from helpers import assert_refused, edit_source, run_build

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
