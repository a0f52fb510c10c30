// Requests with signatures in a real browser: a resident on a phone, in English, asks for a
// Small Consultation; an official checks it and opens it for signatures; another resident
// signs with their PESEL and the residency declaration; the author is told by e-mail and sees
// the progress. axe-core runs on every page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withBrowser, checkPage, inPolish, englishPhone, assertFitsWidth, outbox, BASE } from './support.js';

const chrome = withBrowser();
const PASSWORD = process.env.BUDGET_PASSWORD;
const TITLE = `Skwer przy Rękawce ${Date.now()}`;

// A valid PESEL of someone born on 17 May 1980, told apart by `serial`.
function pesel(serial) {
  const digits = `800517${String(serial).padStart(4, '0')}`;
  const weights = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
  const sum = [...digits].reduce((s, d, i) => s + Number(d) * weights[i], 0);
  return `${digits}${(10 - (sum % 10)) % 10}`;
}

test('a resident asks for a Small Consultation on a phone in English; an official opens it; another resident signs', async () => {
  const author = await englishPhone(chrome.browser, process.env.VOTER3_EMAIL, PASSWORD);
  await author.goto(`${BASE}/requests`);
  await checkPage(author, 'requests (English, phone)');
  await assertFitsWidth(author, 'requests');
  await author.getByRole('link', { name: 'Start a request' }).click();
  await checkPage(author, 'new request (English, phone)');
  await author.getByLabel('Small Consultation').check();
  await author.getByLabel('Title').fill(TITLE);
  await author.getByLabel('What you ask for and why').fill('Za krótko');
  await author.getByRole('button', { name: 'Submit the request' }).click();
  // The mistakes are named and nothing typed is lost.
  await checkPage(author, 'new request: errors');
  await assert.doesNotReject(author.getByRole('alert').getByText('Choose the district this request concerns.').waitFor());
  assert.equal(await author.getByLabel('Title').inputValue(), TITLE);
  await author.getByLabel('District', { exact: true }).selectOption({ label: 'XIII Podgórze' });
  await author.getByLabel('What you ask for and why').fill('Prosimy o rozmowę z mieszkańcami o zagospodarowaniu skweru przy Rękawce.');
  await author.getByRole('button', { name: 'Submit the request' }).click();
  await author.waitForURL(/\/requests\/\d+$/);
  await checkPage(author, 'request submitted (English, phone)');
  await assertFitsWidth(author, 'request submitted');
  const path = new URL(author.url()).pathname;
  await assert.doesNotReject(author.getByText('Waiting for a check').first().waitFor());

  const official = await inPolish(chrome.browser, process.env.OFFICIAL_EMAIL);
  await official.goto(`${BASE}/staff/requests`);
  await checkPage(official, 'requests (staff)');
  await official.getByRole('link', { name: TITLE }).click();
  await checkPage(official, 'request (staff)');
  await official.getByRole('button', { name: 'Otwórz zbieranie podpisów' }).click();
  await assert.doesNotReject(official.getByRole('status').getByText('Zbieranie podpisów zostało otwarte.').waitFor());
  await checkPage(official, 'request opened (staff)');
  await official.context().close();

  const signer = await inPolish(chrome.browser, process.env.VOTER1_EMAIL);
  await signer.goto(`${BASE}${path}`);
  await checkPage(signer, 'request open for signatures');
  await signer.getByLabel('Numer PESEL').fill(pesel(1));
  await signer.getByRole('button', { name: 'Podpisz' }).click();
  // Without the declaration the page says what is missing and keeps the PESEL.
  await assert.doesNotReject(signer.getByRole('alert').getByText('Zaznacz oświadczenie o miejscu zamieszkania.').waitFor());
  await checkPage(signer, 'signing: errors');
  assert.equal(await signer.getByLabel('Numer PESEL').inputValue(), pesel(1));
  await signer.getByLabel(/Oświadczam, że mieszkam w dzielnicy XIII Podgórze/).check();
  await signer.getByRole('button', { name: 'Podpisz' }).click();
  await assert.doesNotReject(signer.getByRole('status').getByText('Dziękujemy: podpis został dodany.').waitFor());
  await checkPage(signer, 'signed');
  await assert.doesNotReject(signer.getByText('Podpisało 1 z 20 mieszkańców').waitFor());
  await signer.context().close();

  // The author was told the request opened, and sees the signature counted, in English.
  const mails = await outbox(chrome.browser, process.env.VOTER3_EMAIL);
  assert.ok(mails.some((m) => m.body.includes(TITLE) && m.body.includes(path)), JSON.stringify(mails));
  await author.goto(`${BASE}${path}`);
  await checkPage(author, 'request with a signature (English, phone)');
  await assert.doesNotReject(author.getByText('1 of 20 residents signed').waitFor());
  await assertFitsWidth(author, 'request with a signature');
  await author.goto(`${BASE}/my`);
  await assert.doesNotReject(author.getByRole('link', { name: TITLE }).waitFor());
  await author.context().close();
});
