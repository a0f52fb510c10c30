// Public consultations in a real browser: an official plans one (the plan template, its
// dates checked against Kraków's minimums), publishes it; a resident on a phone, in English,
// reads it and comments; an operator types in a letter. axe-core runs on every page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withBrowser, newPage, checkPage, login, englishPhone, assertFitsWidth, BASE } from './support.js';

const chrome = withBrowser();
const PASSWORD = process.env.BUDGET_PASSWORD;
const TITLE = `Zieleń na Zabłociu ${Date.now()}`;

// A Kraków day `offset` days from today, as a date field takes it.
function dayFromToday(offset) {
  const at = new Date(Date.now() + offset * 86400000);
  return at.toLocaleDateString('sv-SE', { timeZone: 'Europe/Warsaw' });
}

test('an official plans and publishes a consultation; a resident comments on a phone in English; an operator types in a letter', async () => {
  const official = await newPage(chrome.browser);
  await login(official, process.env.OFFICIAL_EMAIL, PASSWORD);
  await official.goto(`${BASE}/staff/consultations`);
  await checkPage(official, 'consultations (staff)');
  await official.getByRole('link', { name: 'Zaplanuj konsultacje' }).click();
  await checkPage(official, 'plan a consultation');
  await official.getByLabel('Przedmiot konsultacji').fill(TITLE);
  await official.getByLabel('Cel', { exact: true }).fill('Zebrać pomysły mieszkańców na zieleń przy ul. Lipowej.');
  await official.getByLabel('Podgórze', { exact: false }).first().check();
  await official.getByLabel('Cały Kraków').uncheck();
  await official.getByLabel('Uwagi do dokumentu').check();
  await official.getByLabel('Uwagi na papierze, e-mailem lub listownie').check();
  await official.getByLabel('Akcja informacyjna od').fill(dayFromToday(-10));
  await official.getByLabel('Początek konsultacji').fill(dayFromToday(-2));
  // Too short first: the page says by how much, and keeps what was typed.
  await official.getByLabel('Koniec konsultacji (ostatni dzień)').fill(dayFromToday(5));
  await official.getByLabel('Raport do').fill(dayFromToday(40));
  await official.getByLabel('Wydział odpowiedzialny').selectOption({ index: 1 });
  await official.getByLabel('Osoba do kontaktu').fill('Anna Nowak');
  await official.getByRole('button', { name: 'Zapisz szkic' }).click();
  await checkPage(official, 'plan a consultation: errors');
  await assert.doesNotReject(official.getByRole('alert').getByText(/co najmniej 21 dni/).waitFor());
  assert.equal(await official.getByLabel('Przedmiot konsultacji').inputValue(), TITLE);
  await official.getByLabel('Koniec konsultacji (ostatni dzień)').fill(dayFromToday(25));
  await official.getByRole('button', { name: 'Zapisz szkic' }).click();
  await official.waitForURL(/\/staff\/consultations\/[a-z0-9-]+$/);
  await checkPage(official, 'consultation draft');
  const slug = new URL(official.url()).pathname.split('/').pop();
  await official.getByRole('button', { name: 'Opublikuj konsultacje' }).click();
  await assert.doesNotReject(official.getByRole('status').getByText('Konsultacje zostały opublikowane.').waitFor());
  await official.context().close();

  const resident = await englishPhone(chrome.browser, process.env.VOTER2_EMAIL, PASSWORD);
  const step = async (label) => {
    await checkPage(resident, `phone (English): ${label}`);
    await assertFitsWidth(resident, label);
  };
  await resident.goto(`${BASE}/consultations`);
  await step('consultations');
  await assert.doesNotReject(resident.getByRole('heading', { name: 'Open now – take part' }).waitFor());
  await resident.getByRole('link', { name: TITLE }).click();
  await step('consultation');
  await resident.getByLabel('Your comment').fill('Please plant trees along the pavement, not only lawns.');
  await resident.getByRole('button', { name: 'Send the comment' }).click();
  await resident.waitForURL(`${BASE}/consultations/${slug}#comments`);
  await step('consultation after commenting');
  await assert.doesNotReject(resident.getByText('Please plant trees along the pavement').waitFor());
  await resident.context().close();

  const operator = await newPage(chrome.browser);
  await operator.goto(`${BASE}/login`);
  await operator.getByRole('button', { name: 'English' }).click();
  await operator.getByRole('button', { name: 'Polski' }).click();
  await login(operator, process.env.OPERATOR_EMAIL, PASSWORD);
  await operator.goto(`${BASE}/staff/consultations/${slug}/comments`);
  await checkPage(operator, 'type in a comment');
  await operator.getByLabel('Jak wpłynęła').selectOption('letter');
  await operator.getByLabel('Treść uwagi – tak, jak ją zapisano lub zgłoszono').fill('Proszę o ławki w cieniu.');
  await operator.getByRole('button', { name: 'Zapisz uwagę' }).click();
  await assert.doesNotReject(operator.getByRole('status').getByText('Uwaga została zapisana.').waitFor());
  await assert.doesNotReject(operator.getByText('(listownie)').waitFor());
  await operator.context().close();
});
