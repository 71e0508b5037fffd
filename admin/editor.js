// The browser editor at /admin/: Sveltia CMS from the pinned npm package (copied
// beside this file by plugins/embassy/admin.py), configured by config.yml, which
// the build writes from the site's settings.
import CMS from './sveltia/index.js';

CMS.init();
