// District referenda in a real browser: a resident of district I votes in the referendum open
// now (their address placed in the district; a second ballot refused), and a visitor on a
// phone, in English, reads the counted referendum's results and finds the ballots to recount.
// axe-core runs on every page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withBrowser, checkPage, inPolish, englishPhone, assertFitsWidth, BASE } from './support.js';

const chrome = withBrowser();
const PASSWORD = process.env.BUDGET_PASSWORD;

// A valid PESEL of someone born in 1971 (not used by the other tests).
const PESEL = (() => {
  const digits = '7104121357';
  const weights = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
  const sum = [...digits].reduce((s, d, i) => s + Number(d) * weights[i], 0);
  return digits + String((10 - (sum % 10)) % 10);
})();

test('a resident of the district votes once in a district referendum', async () => {
  const page = await inPolish(chrome.browser, process.env.VOTER2_EMAIL);
  await page.goto(`${BASE}/referenda`);
  await checkPage(page, 'referenda');
  await page.getByRole('link', { name: /Ogród kieszonkowy zamiast parkingu/ }).click();
  await checkPage(page, 'referendum (voting)');
  await page.getByRole('link', { name: 'Głosuj' }).click();
  await checkPage(page, 'referendum ballot');
  await page.getByLabel('Imię i nazwisko').fill('Anna Referendalna');
  await page.getByLabel('PESEL', { exact: true }).fill(PESEL);
  await page.getByLabel(/Oświadczam, że mieszkam w dzielnicy/).check();
  // An address in another district is refused, and nothing typed is lost.
  await page.getByLabel('Twój adres').fill('al. Róż 1');
  await page.getByRole('group', { name: /Czy parking/ }).getByLabel('Tak').check();
  await page.getByRole('button', { name: 'Oddaj głos' }).click();
  await checkPage(page, 'ballot: outside the district');
  await assert.doesNotReject(page.getByText('Ten adres nie leży w dzielnicy referendum.').first().waitFor());
  assert.equal(await page.getByLabel('Imię i nazwisko').inputValue(), 'Anna Referendalna');
  assert.ok(await page.getByRole('group', { name: /Czy parking/ }).getByLabel('Tak').isChecked());
  await page.getByLabel('Twój adres').fill('ul. Floriańska 3');
  await page.getByRole('button', { name: 'Oddaj głos' }).click();
  await assert.doesNotReject(page.getByRole('status').getByText('Twój głos został zapisany.').waitFor());
  await checkPage(page, 'referendum: voted');
  await assert.doesNotReject(page.getByText('Głos w tym referendum został już oddany.').waitFor());
  assert.equal(await page.getByRole('link', { name: 'Głosuj' }).count(), 0);
  await page.context().close();
});

test('a visitor on a phone, in English, reads a counted referendum', async () => {
  const page = await englishPhone(chrome.browser, process.env.VOTER3_EMAIL, PASSWORD);
  await page.goto(`${BASE}/referenda`);
  await checkPage(page, 'referenda (English, phone)');
  await assertFitsWidth(page, 'referenda');
  await page.getByRole('link', { name: /Dębnikach/ }).click();
  await checkPage(page, 'referendum results (English, phone)');
  await assertFitsWidth(page, 'referendum results');
  await assert.doesNotReject(page.getByRole('heading', { name: 'Results' }).waitFor());
  await assert.doesNotReject(page.getByText('1400 ballots (1240 online, 160 on paper)').waitFor());
  await assert.doesNotReject(page.getByText('The referendum is valid.').waitFor());
  await assert.doesNotReject(
    page.getByRole('link', { name: /Download every ballot/ }).waitFor(),
  );
  await page.context().close();
});
