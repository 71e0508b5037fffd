// The browser editor at /admin/: Sveltia CMS, from the npm package pinned in
// package-lock.json, configured by config.yml (which the build writes from the
// site's settings). `npm run build` bundles it into dist/ with esbuild: the
// package's own build is made for a bundler (its interface languages are JSON
// modules, its code highlighting bare imports), and a browser loads the bundle.
import CMS from '@sveltia/cms';

// Staff must be able to zoom (WCAG 1.4.4; axe's meta-viewport rule): the editor adds
// a viewport tag of its own, with maximum-scale=1, when it starts. Whenever a
// viewport tag appears or changes, its maximum-scale and user-scalable are dropped;
// the rest (width, initial-scale, interactive-widget) stays as the editor set it.
const ZOOM_LIMITS = new Set(['maximum-scale', 'user-scalable']);

const allowZoom = (meta) => {
  const parts = (meta.getAttribute('content') ?? '').split(',');
  const kept = parts.filter((part) => !ZOOM_LIMITS.has(part.split('=')[0].trim().toLowerCase()));
  if (kept.length !== parts.length) {
    meta.setAttribute('content', kept.map((part) => part.trim()).join(', '));
  }
};

const allowZoomEverywhere = () => {
  document.head.querySelectorAll('meta[name="viewport" i]').forEach(allowZoom);
};

// The preview pane shows an item with the site's own stylesheets: their fingerprinted
// addresses, relative to this page, are in index.html (admin.py writes them).
const previewStyles = () => (document.querySelector('script[data-preview-styles]')
  ?.dataset.previewStyles ?? '').split(' ').filter(Boolean);

// Sveltia draws the preview in a frame whose <html lang> is the language previewed when
// the frame is made, and keeps the frame when the pane turns to another language (its
// data-locale): the frame's lang follows the pane's, as the text does.
const PREVIEW_PANE = '[data-mode="preview"][data-locale]';

const previewLanguage = (pane) => {
  const frame = pane.querySelector('iframe.preview');
  if (!frame) return;
  const root = frame.contentDocument?.documentElement;
  if (root && root.lang !== pane.dataset.locale) root.lang = pane.dataset.locale;
  if (!frame.dataset.langFollowed) {  // a frame being made: once its page is there
    frame.dataset.langFollowed = 'yes';
    frame.addEventListener('load', () => previewLanguage(frame.closest(PREVIEW_PANE) ?? pane));
  }
};

const previewLanguages = () => document.querySelectorAll(PREVIEW_PANE).forEach(previewLanguage);

// Never inside another site's frame (GitHub Pages sends no frame-ancestors policy):
// a signed-in editor there could be clicked on by that site.
if (window.top === window.self) {
  new MutationObserver(allowZoomEverywhere).observe(document.head, {
    childList: true, subtree: true, attributes: true, attributeFilter: ['name', 'content'],
  });
  allowZoomEverywhere();
  previewStyles().forEach((style) => CMS.registerPreviewStyle(style));
  new MutationObserver(previewLanguages).observe(document.body, {
    childList: true, subtree: true, attributes: true, attributeFilter: ['data-locale'],
  });
  CMS.init();
} else {
  document.body.textContent = 'The editor does not open inside another page.';
}
