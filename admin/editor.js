// The browser editor at /admin/: Sveltia CMS, from the npm package pinned in
// package-lock.json, configured by config.yml (which the build writes from the
// site's settings). `npm run build` bundles it into dist/ with esbuild: the
// package's own build is made for a bundler (its interface languages are JSON
// modules, its code highlighting bare imports), and a browser loads the bundle.
import CMS from '@sveltia/cms';

CMS.init();
