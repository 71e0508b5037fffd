"""Every internal link, asset and #fragment resolves, in pages and feeds; external
links are well-formed. The checker is embassy.gates.links, also run by `invoke check`."""

from embassy.gates import links


def test_every_link_in_every_page_and_feed_resolves(site):
    count, problems = links.check(site)
    assert count > 1000
    assert not problems, "\n".join(problems)


def test_the_link_checker_catches_broken_links(dev_site):
    base = dev_site.url_of(dev_site.root / "en/index.html")
    assert links.check_link(dev_site, "/en/no-such-page/", base)
    assert links.check_link(dev_site, "../no-such-page/", base)
    assert "no element with id 'nowhere'" in links.check_link(
        dev_site, "/en/agreements/#nowhere", base)
    assert links.check_link(dev_site, "/en/agreements/#fipa", base) is None
    assert links.check_link(dev_site, "https//broken", base)
    assert links.check_link(dev_site, "tel:604-CALL", base)
    assert links.check_link(dev_site, "https://www.international.gc.ca/x", base) is None
