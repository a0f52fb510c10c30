// The citizens' budget in a real browser, on the demo edition built from Kraków's real
// projects (`miasto budget demo`): a resident votes online (three city-wide projects and three
// of Krowodrza, ranked), a second account with the same PESEL is refused, a paper ballot is
// typed in by an operator and again by an official and counted, then the official closes
// voting, counts and publishes, and the results show. axe-core runs on every page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, checkPage, login, BASE, visited } from './support.js';

const VOTERS = [process.env.VOTER1_EMAIL, process.env.VOTER2_EMAIL];
const OPERATOR = process.env.OPERATOR_EMAIL;
const OFFICIAL = process.env.OFFICIAL_EMAIL;
const PASSWORD = process.env.BUDGET_PASSWORD;
const PESEL = '44051401458';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
  console.log(`pages checked with axe-core: ${[...visited].sort().join(', ')}`);
});

async function signedIn(email) {
  const page = await newPage(browser);
  await login(page, email, PASSWORD);
  await page.waitForURL(`${BASE}/my`);
  return page;
}

// Picks three projects in each part of the ballot, by their places on the list.
async function fillBallot(page, city, district) {
  const cityPart = page.getByRole('group', { name: 'Projekty ogólnomiejskie' });
  const districtPart = page.getByRole('group', { name: 'V Krowodrza' });
  for (const [part, picks] of [[cityPart, city], [districtPart, district]]) {
    for (let rank = 1; rank <= 3; rank++) {
      await part.getByLabel(`Miejsce ${rank} (${4 - rank} pkt)`).selectOption({ index: picks[rank - 1] });
    }
  }
}

async function chooseKrowodrza(page) {
  await page.getByLabel('Dzielnica').selectOption({ label: 'V Krowodrza' });
  await page.getByRole('button', { name: 'Dalej' }).click();
}

test('a resident votes online, once; the same PESEL is refused to another account', async () => {
  const page = await signedIn(VOTERS[0]);
  await page.goto(`${BASE}/budget`);
  await checkPage(page, 'budget editions');
  await page.getByRole('link', { name: /edycja pokazowa demo/ }).click();
  await checkPage(page, 'budget edition');
  await page.getByRole('link', { name: 'Projekty', exact: true }).click();
  await checkPage(page, 'budget projects');
  await page.getByRole('link', { name: /Diagnostyka w Schronisku/ }).click();
  await checkPage(page, 'budget project');
  await page.goto(`${BASE}/budget/demo`);
  await page.getByRole('link', { name: 'Zagłosuj' }).click();
  await checkPage(page, 'vote: district');
  await chooseKrowodrza(page);
  await checkPage(page, 'vote: ballot');

  // Only two city-wide projects and no declaration: the form says what is wrong and keeps
  // the choices.
  await fillBallot(page, [1, 2, 0], [1, 2, 3]);
  await page.getByLabel('PESEL', { exact: true }).fill(PESEL);
  await page.getByRole('button', { name: 'Oddaj głos' }).click();
  await checkPage(page, 'vote: errors');
  const summary = page.getByRole('alert');
  await assert.doesNotReject(summary.getByText('Wybierz dokładnie 3 projekty').waitFor());
  await assert.doesNotReject(summary.getByText(/Głosować mogą osoby mieszkające w Krakowie/).waitFor());
  assert.equal(await page.getByLabel('PESEL', { exact: true }).inputValue(), PESEL);

  await fillBallot(page, [1, 2, 3], [1, 2, 3]);
  await page.getByLabel('Oświadczam, że mieszkam w Krakowie.').check();
  await page.getByRole('button', { name: 'Oddaj głos' }).click();
  await page.waitForURL(`${BASE}/budget/demo`);
  await checkPage(page, 'voted');
  await assert.doesNotReject(page.getByRole('status').getByText('Twój głos został zapisany').first().waitFor());
  await page.context().close();

  const other = await signedIn(VOTERS[1]);
  await other.goto(`${BASE}/budget/demo/vote`);
  await chooseKrowodrza(other);
  await fillBallot(other, [4, 5, 6], [3, 2, 1]);
  await other.getByLabel('PESEL', { exact: true }).fill(PESEL);
  await other.getByLabel('Oświadczam, że mieszkam w Krakowie.').check();
  await other.getByRole('button', { name: 'Oddaj głos' }).click();
  await checkPage(other, 'vote: same PESEL');
  await assert.doesNotReject(other.getByRole('alert').getByText('Ta osoba już głosowała w tej edycji').waitFor());
  await other.context().close();
});

async function keyPaper(page, label) {
  await page.goto(`${BASE}/staff/budget/demo/paper`);
  await checkPage(page, `paper: district (${label})`);
  await chooseKrowodrza(page);
  await checkPage(page, `paper: ballot (${label})`);
  await page.getByLabel('Numer karty').fill('KRK-000123');
  await page.getByLabel('Punkt do głosowania').fill('Urząd Miasta, pl. Wszystkich Świętych 3-4');
  await fillBallot(page, [7, 8, 9], [4, 5, 6]);
  await page.getByLabel('PESEL', { exact: true }).fill('75120804355');
  await page.getByLabel('Oświadczam, że mieszkam w Krakowie.').check();
  await page.getByRole('button', { name: 'Zapisz wpis karty' }).click();
  await checkPage(page, `paper: keyed (${label})`);
}

test('a paper ballot typed in by two people is counted; the official counts and publishes', async () => {
  const operator = await signedIn(OPERATOR);
  await keyPaper(operator, 'first');
  await assert.doesNotReject(operator.locator('#keying-outcome').getByText('Teraz musi ją wpisać druga osoba').waitFor());
  await assert.doesNotReject(operator.getByRole('cell', { name: 'Czeka na drugi wpis' }).waitFor());
  await operator.context().close();

  const official = await signedIn(OFFICIAL);
  await keyPaper(official, 'second');
  await assert.doesNotReject(official.locator('#keying-outcome').getByText('głos został policzony').waitFor());

  // Voting ends yesterday (the schedule is the official's to move), then count and publish.
  await official.goto(`${BASE}/staff/budget/demo`);
  await checkPage(official, 'budget staff edition');
  const day = (offset) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);
  await official.getByLabel('Głosowanie od').fill(day(-5));
  await official.getByLabel('Głosowanie do (włącznie)').fill(day(-1));
  await official.getByRole('button', { name: 'Zapisz harmonogram' }).click();
  await checkPage(official, 'schedule saved');
  await official.getByRole('button', { name: 'Policz głosy', exact: true }).click();
  await official.waitForURL(`${BASE}/budget/demo/results`);
  await checkPage(official, 'results before publication');
  await official.goto(`${BASE}/staff/budget/demo`);
  await official.getByRole('button', { name: 'Ogłoś wyniki' }).click();
  await official.waitForURL(`${BASE}/budget/demo/results`);
  await official.context().close();

  const visitor = await newPage(browser);
  await visitor.goto(`${BASE}/budget/demo/results`);
  await checkPage(visitor, 'results');
  await assert.doesNotReject(visitor.getByText('Oddano 2 ważne głosy: 1 przez internet, 1 na papierze.').waitFor());
  const krowodrza = visitor.getByRole('table', { name: 'Wyniki: V Krowodrza' });
  assert.ok((await krowodrza.getByRole('row').count()) > 10, 'every Krowodrza project is listed');
  // Each district project got points from both ballots' choices: 6 of them were chosen.
  const scored = await krowodrza.locator('tbody tr').evaluateAll((rows) =>
    rows.filter((r) => Number(r.cells[2].innerText) > 0).length,
  );
  assert.equal(scored, 6);
  const download = visitor.getByRole('link', { name: /Pobierz zanonimizowane głosy: V Krowodrza/ });
  const href = await download.getAttribute('href');
  const response = await visitor.request.get(`${BASE}${href}`);
  assert.equal(response.status(), 200);
  const pb = await response.text();
  assert.match(pb, /^META\r?\n/);
  assert.ok(!pb.includes(PESEL), 'no PESEL in the file');
  await visitor.context().close();
});

test('an official opens an edition; a resident submits a project; the unit assesses it', async () => {
  const official = await signedIn(OFFICIAL);
  await official.goto(`${BASE}/staff/budget`);
  await checkPage(official, 'budget staff editions');
  await official.getByRole('link', { name: 'Nowa edycja' }).click();
  await checkPage(official, 'new edition');
  const day = (offset) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);
  await official.getByLabel('Adres edycji').fill('e2e');
  await official.getByLabel('Nazwa po polsku').fill('Budżet obywatelski – test przeglądarki');
  await official.getByLabel('Nazwa po angielsku').fill('Citizens\' budget – browser test');
  await official.getByLabel('Zgłaszanie projektów od').fill(day(-1));
  await official.getByLabel('Zgłaszanie projektów do (włącznie)').fill(day(10));
  await official.getByLabel('Odwołania od').fill(day(20));
  await official.getByLabel('Odwołania do (włącznie)').fill(day(25));
  await official.getByLabel('Głosowanie od').fill(day(40));
  await official.getByLabel('Głosowanie do (włącznie)').fill(day(50));
  await official.getByLabel('Pula ogólnomiejska').fill('10 800 000');
  await official.getByLabel('Pula: V Krowodrza').fill('2 400 000');
  await official.getByRole('button', { name: 'Utwórz edycję' }).click();
  await official.waitForURL(`${BASE}/staff/budget/e2e`);
  await checkPage(official, 'edition created');

  const author = await signedIn(VOTERS[0]);
  await author.goto(`${BASE}/budget/e2e`);
  await author.getByRole('link', { name: 'Zgłoś projekt' }).click();
  await checkPage(author, 'project form');
  await author.getByLabel('Pula', { exact: true }).selectOption('d5');
  await author.getByLabel('Tytuł').fill('Zielony skwer przy szkole');
  await author.getByLabel('Krótki opis').fill('Drzewa, ławki i poidełko na pustym placu przy szkole, dla uczniów i sąsiadów.');
  await author.getByLabel('Pełny opis').fill('Posadzimy 20 drzew, ustawimy 6 ławek i poidełko.');
  await author.getByLabel('Miejsce', { exact: true }).fill('ul. Szkolna 1');
  await author.getByLabel('Kategoria', { exact: true }).selectOption({ label: 'Zieleń' });
  await author.getByLabel('Pozycja 1', { exact: true }).fill('Drzewa i nasadzenia');
  await author.getByLabel('Kwota pozycji 1 (zł)').fill('60 000');
  await author.getByRole('button', { name: 'Zgłoś projekt' }).click();
  await author.waitForURL(/\/budget\/e2e\/projects\/1$/);
  await checkPage(author, 'project submitted');
  await assert.doesNotReject(author.getByRole('status').getByText('Projekt został zgłoszony').waitFor());
  await author.context().close();

  await official.goto(`${BASE}/staff/budget/e2e/projects`);
  await checkPage(official, 'projects to verify');
  await official.getByRole('link', { name: /Zielony skwer przy szkole/ }).click();
  await checkPage(official, 'project to verify');
  await official.getByLabel('Jednostka weryfikująca').selectOption({ index: 1 });
  await official.getByRole('button', { name: 'Przekaż do weryfikacji' }).click();
  await checkPage(official, 'project assigned');
  await official.getByLabel('Ocena formalna').check();
  await official.getByLabel('pozytywna').check();
  await official.getByLabel('Uzasadnienie', { exact: true }).fill('Projekt spełnia wymogi formalne.');
  await official.getByRole('button', { name: 'Zapisz ocenę' }).click();
  await checkPage(official, 'project assessed');
  await assert.doesNotReject(official.getByRole('status').getByText('Ocena została zapisana').waitFor());
  await official.context().close();
});
