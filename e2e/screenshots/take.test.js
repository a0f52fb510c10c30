// Screenshots of the main pages at a desktop's and a phone's width, for the README:
// `scripts/screenshots.sh` writes them to docs/screenshots/. (Map tiles need the internet;
// without it the maps show their grey background.)
import { test } from 'node:test';
import { withBrowser, newPage, login, BASE, STAFF, ADMIN } from '../tests/support.js';

const OUT = process.env.SCREENSHOTS_DIR;
const WIDTHS = { desktop: { width: 1366, height: 900 }, phone: { width: 390, height: 844 } };
const chrome = withBrowser();

async function shoot(page, name) {
  await page.waitForLoadState('load');
  await page.screenshot({ path: `${OUT}/${name}.png` });
}

for (const [device, viewport] of Object.entries(WIDTHS)) {
  test(`screenshots (${device})`, { skip: !OUT && 'SCREENSHOTS_DIR is not set' }, async () => {
    const visitor = await newPage(chrome.browser, { viewport, deviceScaleFactor: 1 });
    for (const [name, path] of [
      ['home', '/'],
      ['report-form', '/reports/new?kind=problem'],
      ['reports', '/reports'],
      ['budget', '/budget/demo'],
      ['budget-projects', '/budget/demo/projects'],
      ['budget-project', '/budget/demo/projects/3'],
      ['statistics', '/stats'],
      ['open-data', '/opendata'],
    ]) {
      await visitor.goto(`${BASE}${path}`);
      await shoot(visitor, `${name}-${device}`);
    }
    await visitor.context().close();

    const voter = await newPage(chrome.browser, { viewport, deviceScaleFactor: 1 });
    await login(voter, process.env.VOTER1_EMAIL, process.env.BUDGET_PASSWORD);
    await voter.goto(`${BASE}/budget/demo/vote?district=d5`);
    await shoot(voter, `ballot-${device}`);
    await voter.goto(`${BASE}/my`);
    await shoot(voter, `my-city-${device}`);
    await voter.context().close();

    const staff = await newPage(chrome.browser, { viewport, deviceScaleFactor: 1 });
    await login(staff, STAFF.email, process.env.STAFF_PASSWORD);
    await staff.goto(`${BASE}/staff/queue`);
    await shoot(staff, `staff-queue-${device}`);
    await staff.goto(`${BASE}/staff/replies`);
    await shoot(staff, `reply-templates-${device}`);
    await staff.context().close();

    const admin = await newPage(chrome.browser, { viewport, deviceScaleFactor: 1 });
    await login(admin, ADMIN.email, ADMIN.password);
    await admin.goto(`${BASE}/admin/routing`);
    await shoot(admin, `admin-routing-${device}`);
    await admin.context().close();
  });
}
