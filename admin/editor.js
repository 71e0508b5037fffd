// The browser editor at /admin/: Sveltia CMS, from the npm package pinned in
// package-lock.json, configured by config.yml (which the build writes from the
// site's settings). `npm run build` bundles it into dist/ with esbuild: the
// package's own build is made for a bundler (its interface languages are JSON
// modules, its code highlighting bare imports), and a browser loads the bundle.
import CMS from '@sveltia/cms';

// Never inside another site's frame (GitHub Pages sends no frame-ancestors policy):
// a signed-in editor there could be clicked on by that site.
if (window.top === window.self) {
  CMS.init();
} else {
  document.body.textContent = 'The editor does not open inside another page.';
}
