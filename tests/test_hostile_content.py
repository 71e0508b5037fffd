"""Content is untrusted: raw HTML goes through an allowlist (embassy.sanitize, nh3), and
what it would remove stops the build, named, so staff know."""

import pytest

from conftest import assert_refused, edit_source, run_build
from embassy import sanitize

PAGE = "content/pages/legal-framework/en.md"
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
