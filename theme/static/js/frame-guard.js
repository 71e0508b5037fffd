// Never shown inside another page's frame. GitHub Pages sends no headers, and a
// <meta> policy cannot carry frame-ancestors, so there any site could frame a page
// and trick a reader into clicking on it. Loaded without defer or async in <head>
// (layout.html), this runs before the body is parsed: a framed page is never
// rendered. Without JavaScript nothing changes (hosts with headers refuse frames).
if (window.top !== window.self) {
  document.documentElement.hidden = true;
  try {
    // The page on its own, in place of the framing one (so Back does not frame it again).
    window.top.location.replace(window.location.href);
  } catch (error) {
    // A sandboxed frame, or a browser that allows no navigation without a click:
    // the page stays hidden.
  }
}
