// "Ławka dialogu" in a real browser: an official announces a meeting; a resident on a phone,
// in English, sends a question; the contact centre routes it by its category; the roads
// authority answers; the official publishes the questions and answers; the resident is told
// by e-mail and reads the answer. axe-core runs on every page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withBrowser, checkPage, inPolish, englishPhone, assertFitsWidth, outbox, BASE, STAFF } from './support.js';

const chrome = withBrowser();
const PASSWORD = process.env.BUDGET_PASSWORD;
const TITLE = `Ławka dialogu: Nowa Huta ${Date.now()}`;
const QUESTION = 'When will the pavement on aleja Róż be repaired?';
const ANSWER = 'Remont chodnika na alei Róż zaczniemy w maju.';

// Kraków's date and time `days` from now, as a datetime-local field takes it.
function localFromNow(days, hour) {
  const at = new Date(Date.now() + days * 86400000);
  const day = at.toLocaleDateString('sv-SE', { timeZone: 'Europe/Warsaw' });
  return `${day}T${String(hour).padStart(2, '0')}:00`;
}

test('a resident asks the mayor on a phone in English; staff route and answer; the Q&A is published and the resident told', async () => {
  const official = await inPolish(chrome.browser, process.env.OFFICIAL_EMAIL);
  await official.goto(`${BASE}/staff/dialogue`);
  await checkPage(official, 'dialogue (staff)');
  await official.getByRole('link', { name: 'Ogłoś spotkanie' }).click();
  await checkPage(official, 'announce a meeting');
  await official.getByLabel('Tytuł').fill(TITLE);
  await official.getByLabel('Dla kogo').selectOption('district');
  await official.getByLabel('Początek').fill(localFromNow(7, 17));
  await official.getByLabel('Koniec').fill(localFromNow(7, 19));
  await official.getByLabel('Miejsce', { exact: true }).fill('Nowohuckie Centrum Kultury');
  await official.getByLabel('Dzielnica').selectOption({ label: 'XVIII Nowa Huta' });
  await official.getByRole('button', { name: 'Ogłoś spotkanie' }).click();
  await official.waitForURL(/\/staff\/dialogue\/\d+$/);
  await checkPage(official, 'meeting (staff)');
  const number = new URL(official.url()).pathname.split('/').pop();

  const resident = await englishPhone(chrome.browser, process.env.VOTER2_EMAIL, PASSWORD);
  await resident.goto(`${BASE}/dialogue`);
  await checkPage(resident, 'dialogue (English, phone)');
  await assertFitsWidth(resident, 'dialogue');
  await resident.getByRole('link', { name: TITLE }).click();
  await checkPage(resident, 'meeting (English, phone)');
  await resident.getByLabel('Your question').fill('Why?');
  await resident.getByRole('button', { name: 'Send the question' }).click();
  await checkPage(resident, 'meeting: errors (English, phone)');
  assert.equal(await resident.getByLabel('Your question').inputValue(), 'Why?');
  await resident.getByLabel('Your question').fill(QUESTION);
  await resident.getByRole('button', { name: 'Send the question' }).click();
  await assert.doesNotReject(resident.getByRole('status').getByText(/Your question was sent/).waitFor());
  await checkPage(resident, 'question sent (English, phone)');
  await assertFitsWidth(resident, 'question sent');

  // The contact centre routes it by its category: roads in Nowa Huta go to the roads authority.
  const operator = await inPolish(chrome.browser, process.env.OPERATOR_EMAIL);
  await operator.goto(`${BASE}/staff/dialogue/${number}`);
  await checkPage(operator, 'meeting (operator)');
  await operator.getByLabel('Kategoria').first().selectOption({ label: 'Uszkodzenia dróg, chodników i małej architektury' });
  await operator.getByRole('button', { name: 'Przekaż jednostce' }).click();
  await assert.doesNotReject(operator.getByRole('status').getByText('Pytanie przekazano jednostce.').waitFor());
  await operator.context().close();

  const roads = await inPolish(chrome.browser, STAFF.email, STAFF.password);
  await roads.goto(`${BASE}/staff/dialogue`);
  await checkPage(roads, 'dialogue (unit staff)');
  await roads.getByRole('link', { name: new RegExp(TITLE) }).first().click();
  await checkPage(roads, 'meeting (unit staff)');
  await roads.getByLabel('Odpowiedź na pytanie 1').fill(ANSWER);
  await roads.getByRole('button', { name: 'Zapisz odpowiedź' }).click();
  await assert.doesNotReject(roads.getByRole('status').getByText(/Odpowiedź zapisana/).waitFor());
  await roads.context().close();

  await official.reload();
  await official.getByRole('button', { name: 'Opublikuj pytania i odpowiedzi' }).click();
  await assert.doesNotReject(official.getByRole('status').getByText('Pytania i odpowiedzi zostały opublikowane.').waitFor());
  await checkPage(official, 'published meeting');
  await official.context().close();

  const mails = await outbox(chrome.browser, process.env.VOTER2_EMAIL);
  assert.ok(mails.some((m) => m.body.includes(`/dialogue/${number}`)), JSON.stringify(mails));
  await resident.goto(`${BASE}/dialogue/${number}`);
  await checkPage(resident, 'answers (English, phone)');
  await assert.doesNotReject(resident.getByText(ANSWER).waitFor());
  await assert.doesNotReject(resident.getByText(/Answer of City Roads Authority/).waitFor());
  await assertFitsWidth(resident, 'answers');
  await resident.goto(`${BASE}/dialogue/figures`);
  await checkPage(resident, 'dialogue figures (English, phone)');
  await resident.context().close();
});
