// Phones: for each role, every page reachable from the main menu and the staff and admin
// menus, at a phone's 390 px (and the narrowest 320 px for residents), must fit the screen —
// no horizontal scrolling of the page (wide tables scroll inside their own labelled region).
// The menu itself is a link on phones that works without JavaScript. axe-core runs on every
// page visited, in Polish and in English.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withBrowser, newPage, checkPage, login, BASE, ADMIN, STAFF } from './support.js';

const PASSWORD = process.env.BUDGET_PASSWORD;
const ROLES = [
  { name: 'visitor' },
  { name: 'resident', email: process.env.VOTER2_EMAIL, password: PASSWORD },
  { name: 'operator', email: process.env.OPERATOR_EMAIL, password: PASSWORD },
  { name: 'unit staff', email: STAFF.email, password: process.env.STAFF_PASSWORD },
  { name: 'official', email: process.env.OFFICIAL_EMAIL, password: PASSWORD },
  { name: 'admin', email: ADMIN.email, password: ADMIN.password },
];

const chrome = withBrowser();

// Paths of the links in `selector`, same-origin pages only (no files, no logout).
async function linksIn(page, selector) {
  const hrefs = await page.locator(`${selector} a[href^="/"]`).evaluateAll((links) =>
    links.map((a) => a.getAttribute('href')),
  );
  return hrefs.filter((h) => !/\.(csv|pb|json|jsonld|geojson)(\?|$)|^\/photos\/|#/.test(h));
}

// Fails when the page is wider than the screen, naming what sticks out.
async function assertFits(page, label) {
  const overflow = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) {
      return null;
    }
    const culprits = [...document.querySelectorAll('body *')]
      .filter((el) => {
        const box = el.getBoundingClientRect();
        // Inside a scrolling region is fine: only what widens the page counts.
        return box.right > width + 1 && !el.closest('.table-scroll, .map, .leaflet-container');
      })
      .slice(0, 5)
      .map((el) => `${el.tagName.toLowerCase()}${el.className ? '.' + String(el.className).split(' ').join('.') : ''} (${Math.round(el.getBoundingClientRect().right)} px)`);
    return { scroll: document.documentElement.scrollWidth, width, culprits };
  });
  assert.equal(overflow, null, `${label} scrolls sideways at ${page.viewportSize().width} px: ${JSON.stringify(overflow)}`);
}

async function walk(role, width, locale) {
  const page = await newPage(chrome.browser, { viewport: { width, height: 844 }, locale });
  if (role.email) {
    await login(page, role.email, role.password);
    await page.waitForLoadState();
  }
  if (locale === 'en-GB') {
    await page.goto(`${BASE}/`);
    const english = page.getByRole('button', { name: 'English' });
    if (await english.count()) {
      await english.click();
      await page.waitForLoadState();
    }
  }
  await page.goto(`${BASE}/`);
  // The menu is one link on a phone; following it shows the menu (no JavaScript needed).
  const nav = page.locator('#menu');
  assert.equal(await nav.isVisible(), false, `${role.name}: the menu is folded at ${width} px`);
  await page.locator('a.menu-link').click();
  assert.equal(await nav.isVisible(), true, `${role.name}: the menu opens`);
  await assertFits(page, `${role.name}: home with the menu open`);

  const seen = new Set();
  const queue = await linksIn(page, '#menu');
  while (queue.length > 0) {
    const path = queue.shift();
    if (seen.has(path)) {
      continue;
    }
    seen.add(path);
    const response = await page.goto(`${BASE}${path}`);
    assert.ok(response.status() < 500, `${path}: ${response.status()}`);
    const label = `${role.name} ${width}px ${locale}: ${path}`;
    await checkPage(page, label);
    await assertFits(page, label);
    // The staff and admin menus lead one level further.
    for (const more of await linksIn(page, '.subnav')) {
      if (!seen.has(more)) {
        queue.push(more);
      }
    }
  }
  assert.ok(seen.size >= 5, `${role.name}: the menus lead to pages (${[...seen].join(', ')})`);
  if (locale === 'en-GB' && role.email) {
    // The account keeps the language it was last switched to: back to Polish for the tests
    // that follow.
    await page.goto(`${BASE}/`);
    await page.getByRole('button', { name: 'Polski' }).click();
    await page.waitForLoadState();
  }
  await page.context().close();
  return seen.size;
}

for (const role of ROLES) {
  test(`every menu page fits a phone for the ${role.name}`, async () => {
    const widths = role.name === 'resident' || role.name === 'visitor' ? [390, 320] : [390];
    for (const width of widths) {
      await walk(role, width, 'pl-PL');
    }
    await walk(role, 390, 'en-GB');
  });
}
