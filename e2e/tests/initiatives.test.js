// Local initiatives in a real browser: the official sets this year's pool; a resident applies
// (mistakes named, nothing lost); the official assesses it (60 of 100 points) and accepts it,
// committing its cost; the resident sees it assessed; a visitor on a phone, in English, sees
// the money left and the initiative listed. axe-core runs on every page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withBrowser, checkPage, inPolish, englishPhone, assertFitsWidth, BASE } from './support.js';

const chrome = withBrowser();
const PASSWORD = process.env.BUDGET_PASSWORD;
const TITLE = `Piknik na Bieżanowie ${Date.now()}`;

// Kraków's date `days` from now, as a date field takes it.
function dayFromToday(days) {
  return new Date(Date.now() + days * 86400000).toLocaleDateString('sv-SE', { timeZone: 'Europe/Warsaw' });
}

test('a resident applies for a local initiative; the official assesses and accepts it from the pool', async () => {
  const year = new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Warsaw' }).slice(0, 4);
  const official = await inPolish(chrome.browser, process.env.OFFICIAL_EMAIL);
  await official.goto(`${BASE}/staff/initiatives`);
  await checkPage(official, 'initiatives (staff)');
  await official.getByLabel('Rok', { exact: true }).fill(year);
  await official.getByLabel('Pula na rok').fill('100 000');
  await official.getByRole('button', { name: 'Zapisz pulę' }).click();
  await assert.doesNotReject(official.getByRole('status').getByText('Pula została zapisana.').waitFor());

  const resident = await inPolish(chrome.browser, process.env.VOTER1_EMAIL);
  await resident.goto(`${BASE}/initiatives`);
  await checkPage(resident, 'initiatives');
  await resident.getByRole('link', { name: 'Złóż wniosek o inicjatywę lokalną' }).click();
  await checkPage(resident, 'apply for an initiative');
  await resident.getByLabel('Tytuł').fill(TITLE);
  await resident.getByLabel('Krótki opis').fill('Sąsiedzki piknik z warsztatami dla dzieci.');
  await resident.getByLabel('Wnioskodawcy').fill('Anna Nowak');
  await resident.getByLabel('E-mail kontaktowy').fill('anna@example.pl');
  await resident.getByLabel('Obszar działania').selectOption('culture');
  await resident.getByLabel('Co zostanie zrobione').fill('Miasto użyczy namiotów i kupi materiały.');
  await resident.getByLabel('Początek').fill(dayFromToday(70));
  await resident.getByLabel('Koniec').fill(dayFromToday(70));
  await resident.getByLabel('Miejsce').fill('Skwer przy ul. Miłej');
  await resident.getByLabel('Dzielnica').selectOption({ label: 'XII Bieżanów-Prokocim' });
  await resident.getByLabel('Teren miejski').check();
  await resident.getByLabel('Dlaczego to ważne dla okolicy').fill('Sąsiedzi poznają się.');
  await resident.getByLabel('Wkład mieszkańców (praca, użyczone rzeczy…)').fill('Poczęstunek i sprzątanie.');
  await resident.getByLabel('Co miasto ma kupić, wykonać lub użyczyć').fill('Namioty i materiały.');
  await resident.getByLabel('Koszt po stronie miasta').fill('6 000');
  await resident.getByRole('button', { name: 'Wyślij wniosek' }).click();
  // One applicant is not enough: the page says so and keeps everything typed.
  await checkPage(resident, 'apply: errors');
  await assert.doesNotReject(resident.getByRole('alert').waitFor());
  assert.equal(await resident.getByLabel('Tytuł').inputValue(), TITLE);
  assert.equal(await resident.getByLabel('Koszt po stronie miasta').inputValue(), '6 000');
  await resident.getByLabel('Wnioskodawcy').fill('Anna Nowak\nJan Kowalski');
  await resident.getByRole('button', { name: 'Wyślij wniosek' }).click();
  await resident.waitForURL(/\/initiatives\/\d+$/);
  await checkPage(resident, 'application sent');
  const number = new URL(resident.url()).pathname.split('/').pop();

  await official.goto(`${BASE}/staff/initiatives/${number}`);
  await checkPage(official, 'application (staff)');
  await official.getByLabel(/Przydatność dla społeczności lokalnej/).fill('30');
  await official.getByLabel(/Wkład własny mieszkańców/).fill('25');
  await official.getByLabel(/Punkty dodatkowe/).fill('5');
  await official.getByRole('button', { name: 'Zapisz ocenę' }).click();
  await assert.doesNotReject(official.getByRole('status').getByText('Ocena została zapisana.').waitFor());
  await official.getByRole('button', { name: 'Przyjmij wniosek' }).click();
  await assert.doesNotReject(official.getByRole('status').getByText(/Wniosek przyjęto/).waitFor());
  await checkPage(official, 'application accepted (staff)');
  await official.context().close();

  await resident.reload();
  await assert.doesNotReject(resident.getByText('60 / 100 pkt').first().waitFor());
  await assert.doesNotReject(resident.getByText('Przyjęty').first().waitFor());
  await resident.context().close();

  const visitor = await englishPhone(chrome.browser, process.env.VOTER3_EMAIL, PASSWORD);
  await visitor.goto(`${BASE}/initiatives`);
  await checkPage(visitor, 'initiatives (English, phone)');
  await assertFitsWidth(visitor, 'initiatives');
  await assert.doesNotReject(visitor.getByRole('link', { name: TITLE }).waitFor());
  await assert.doesNotReject(visitor.getByText('94 000 zł').first().waitFor());
  await visitor.getByRole('link', { name: TITLE }).click();
  await checkPage(visitor, 'initiative (English, phone)');
  await assertFitsWidth(visitor, 'initiative');
  await visitor.context().close();
});
