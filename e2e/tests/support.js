// Shared helpers: launching Debian's Chromium, and the accessibility check run on every page.
import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import { before, after } from 'node:test';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const BASE = process.env.MIASTO_URL;
export const ADMIN = { email: process.env.ADMIN_EMAIL, password: process.env.ADMIN_PASSWORD };
export const STAFF = { email: process.env.STAFF_EMAIL, password: process.env.STAFF_PASSWORD };
const ARTIFACTS = process.env.E2E_ARTIFACTS || 'artifacts';

export async function launch() {
  assert.ok(BASE, 'MIASTO_URL is set (run e2e/run.sh)');
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

// One Chromium for a test file, closed after its tests, which then lists the pages axe-core
// checked. Use `chrome.browser` inside the tests.
export function withBrowser() {
  const chrome = { browser: null };
  before(async () => {
    chrome.browser = await launch();
  });
  after(async () => {
    await chrome.browser?.close();
    console.log(`pages checked with axe-core: ${[...visited].sort().join(', ')}`);
  });
  return chrome;
}

// A page that fails the test on any Content-Security-Policy violation or script error.
export async function newPage(browser, options = {}) {
  const context = await browser.newContext({ locale: 'pl-PL', ...options });
  const page = await context.newPage();
  page.problems = [];
  page.noScript = options.javaScriptEnabled === false;
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(msg.text())) {
      page.problems.push(msg.text());
    }
  });
  page.on('pageerror', (err) => page.problems.push(String(err)));
  return page;
}

export const visited = new Set();

// Runs axe-core on the current page; any serious or critical violation fails the test.
// axe is evaluated through the DevTools protocol, so the page's strict CSP stays in force.
export async function checkPage(page, label) {
  if (page.noScript) {
    // axe-core runs as a script: it would wait forever. Check such pages with JavaScript on.
    throw new Error(`${label}: axe-core cannot run with JavaScript off`);
  }
  await page.waitForLoadState('load');
  const url = new URL(page.url());
  visited.add(url.pathname);
  await page.evaluate(axeSource);
  const results = await page.evaluate(() =>
    window.axe.run(document, { resultTypes: ['violations'] }),
  );
  const blocking = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (blocking.length > 0) {
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}/${label.replace(/[^a-z0-9]+/gi, '-')}.png`, fullPage: true });
  }
  const report = blocking.map((v) => ({
    rule: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => n.target.join(' ')),
  }));
  assert.deepEqual(report, [], `axe-core found serious/critical problems on ${label} (${url.pathname})`);
  assert.deepEqual(page.problems, [], `browser reported problems on ${label}`);
  const h1 = await page.locator('h1').count();
  assert.equal(h1, 1, `${label}: exactly one h1`);
}

export async function login(page, email, password) {
  await page.goto(`${BASE}/login`);
  await checkPage(page, 'login');
  await page.getByLabel(/Adres e-mail|E-mail address/).fill(email);
  await page.getByLabel(/^(Hasło|Password)$/).fill(password);
  await page.getByRole('button', { name: /Zaloguj się|Log in/ }).click();
  await page.waitForURL((url) => url.pathname !== '/login');
}

// The e-mails the development outbox holds for `to`, newest first, as { subject, body }.
export async function outbox(browser, to) {
  const admin = await newPage(browser);
  await login(admin, ADMIN.email, ADMIN.password);
  await admin.waitForURL(`${BASE}/admin`);
  await admin.goto(`${BASE}/admin/outbox?to=${encodeURIComponent(to)}`);
  await checkPage(admin, 'outbox');
  const links = await admin.locator('table a').evaluateAll((as) => as.map((a) => a.href));
  const messages = [];
  for (const href of links) {
    await admin.goto(href);
    messages.push({
      subject: await admin.locator('h1').innerText(),
      body: await admin.locator('.email-body').innerText(),
    });
  }
  await admin.context().close();
  return messages;
}

// A phone (390 × 844, touch) whose visitor picks English before logging in, as a resident of
// another country would; the choice is kept and saved on the account.
export async function englishPhone(browser, email, password) {
  const page = await newPage(browser, {
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  await page.goto(`${BASE}/login`);
  await page.getByRole('button', { name: 'English' }).click();
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  await login(page, email, password);
  if ((await page.getAttribute('html', 'lang')) !== 'en') {
    throw new Error('the language chosen before logging in was not kept');
  }
  return page;
}

// A desktop page logged in as `email` in Polish, whatever language the account chose last
// (another test may have switched it to English on a phone).
export async function inPolish(browser, email, password = process.env.BUDGET_PASSWORD) {
  const page = await newPage(browser);
  await page.goto(`${BASE}/login`);
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('button', { name: 'Polski' }).click();
  await login(page, email, password);
  return page;
}

// Fails when the page is wider than the window (something sticks out sideways).
export async function assertFitsWidth(page, label) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 1) {
    throw new Error(`${label}: ${overflow} px wider than the phone`);
  }
}
