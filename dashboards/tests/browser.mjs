// Opens each dashboard in headless Chromium (the system's, no browser download), logged in through
// Superset's login form; waits until every chart has drawn or shown an error; saves a PNG per dashboard.
// Argument: JSON {base, username, password, chromium, out, dashboards: [{title, slug, id, charts}]}.
// Prints JSON [{title, expected, drawn, errors: [..], screenshot}] on standard output.
import { chromium } from 'playwright-core';
import path from 'node:path';

const cfg = JSON.parse(process.argv[2]);
const browser = await chromium.launch({
  executablePath: cfg.chromium,
  headless: true,
  args: ['--no-sandbox', '--disable-dev-shm-usage'],
});
const results = [];

// Logs in through the form. The login page's event logger may post to /superset/log/ while the form is
// sent; that post, still without the session, is sent to the login page, whose answer replaces the new
// session cookie. So the logger's posts are held back while logging in, and the session is checked.
async function login(page) {
  await page.route('**/superset/log/**', (route) => route.abort());
  try {
    for (let attempt = 1; attempt <= 3; attempt++) {
      await page.goto(`${cfg.base}/login/`, { waitUntil: 'domcontentloaded' });
      await page.fill('[data-test="username-input"]', cfg.username);
      await page.fill('[data-test="password-input"]', cfg.password);
      await Promise.all([
        page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 60000 }),
        page.click('[data-test="login-button"]'),
      ]);
      await page.waitForLoadState('networkidle');
      const status = await page.evaluate(async () => (await fetch('/api/v1/me/')).status);
      if (status === 200) return;
      process.stderr.write(`login attempt ${attempt}: /api/v1/me/ answered ${status}\n`);
    }
    throw new Error('logging in through the form did not give a session');
  } finally {
    await page.unroute('**/superset/log/**');
  }
}
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 2400 } });
  await login(page);
  for (const d of cfg.dashboards) {
    await page.goto(`${cfg.base}/superset/dashboard/${d.slug}/`, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('[data-test="dashboard-component-chart-holder"]', { timeout: 60000 })
      .catch(() => process.stderr.write(`${d.title}: no chart on the page after 60 s\n`));
    let state = [];
    const deadline = Date.now() + 120000;
    while (Date.now() < deadline) {
      // Scroll through the page so that charts drawn only when in view are drawn.
      await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
      state = await page.evaluate(() => [...document.querySelectorAll('[data-test="dashboard-component-chart-holder"]')].map((h) => {
        const header = h.querySelector('[data-test="slice-header"]');
        const name = header ? header.innerText.split('\n')[0].trim() : '(no title)';
        const loading = !!h.querySelector('[data-test="loading-indicator"]');
        const error = h.querySelector('.ant-alert-error, .ant-alert-warning, [role="alert"], [data-test="empty-state"]');
        const body = h.querySelector('[data-test="chart-container"]');
        const drawn = !loading && !error && !!body
          && !!body.querySelector('canvas, table, svg, .superset-legacy-chart-big-number, .header-line');
        return { name, loading, drawn, error: error ? error.innerText.trim().slice(0, 300) || 'error shown' : null };
      }));
      const settled = state.length === d.charts && state.every((c) => c.drawn || c.error);
      if (settled) break;
      await page.waitForTimeout(1000);
    }
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(1500); // let the charts' entry animations finish before the picture
    const file = path.join(cfg.out, `${d.title.replace(/[^A-Za-z0-9]+/g, '_')}.png`);
    // The page is tall enough for every dashboard's charts to be in view (so all are drawn); the picture
    // ends below the last chart.
    const bottom = await page.evaluate(() => Math.max(0, ...[...document.querySelectorAll(
      '[data-test="dashboard-component-chart-holder"]')].map((h) => h.getBoundingClientRect().bottom + window.scrollY)));
    await page.screenshot({ path: file, fullPage: true, clip: { x: 0, y: 0, width: 1440, height: Math.ceil(bottom) + 24 } });
    results.push({
      title: d.title,
      expected: d.charts,
      drawn: state.filter((c) => c.drawn).length,
      errors: state.filter((c) => c.error).map((c) => `${c.name}: ${c.error}`)
        .concat(state.filter((c) => !c.drawn && !c.error).map((c) => `${c.name}: not drawn (loading: ${c.loading})`)),
      screenshot: file,
    });
    process.stderr.write(`${d.title}: ${results.at(-1).drawn} of ${d.charts} charts drawn\n`);
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(results));
