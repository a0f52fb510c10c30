// The citizens' budget in a real browser, on the demo editions built from Kraków's real
// projects (`miasto budget demo`): a resident votes online (three city-wide projects and three
// of Krowodrza, ranked), a second account with the same PESEL is refused, a paper ballot is
// typed in by an operator and again by an official, a clerk records a vote at a counter; the
// results stay hidden. In the second edition, whose voting has closed, the official opens the
// sealed ballots with two of the commission's shares, counts and publishes, and the results
// and the anonymised votes show. axe-core runs on every page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withBrowser, newPage, checkPage, login, englishPhone, assertFitsWidth, BASE } from './support.js';

const VOTERS = [process.env.VOTER1_EMAIL, process.env.VOTER2_EMAIL, process.env.VOTER3_EMAIL];
const OPERATOR = process.env.OPERATOR_EMAIL;
const OFFICIAL = process.env.OFFICIAL_EMAIL;
const PASSWORD = process.env.BUDGET_PASSWORD;
const PESEL = '44051401458';
const SHARES = (process.env.COUNT_SHARES || '').split(' ').filter(Boolean);

const chrome = withBrowser();

async function signedIn(email) {
  const page = await newPage(chrome.browser);
  await login(page, email, PASSWORD);
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

// Adds the first `count` projects not yet on the ballot in one part (`#city`, `#district`),
// one button at a time: each is a small form, the page comes back with the panel updated.
async function addFromCards(page, part, count) {
  for (let i = 0; i < count; i++) {
    await page.locator(part).getByRole('button', { name: /^Dodaj do mojej karty/ }).first().click();
    await page.waitForLoadState();
  }
}

async function fillVoter(page, name) {
  await page.getByLabel('Imię i nazwisko').fill(name);
  await page.getByLabel('PESEL', { exact: true }).fill(PESEL);
  await page.getByLabel('Oświadczam, że mieszkam w Krakowie.').check();
}

test('a resident fills in a ballot card by card, reviews it and votes once; the same PESEL is refused to another account', async () => {
  const page = await signedIn(VOTERS[0]);
  await page.goto(`${BASE}/budget`);
  await checkPage(page, 'budget editions');
  await page.getByRole('link', { name: /edycja pokazowa demo/ }).click();
  await checkPage(page, 'budget edition');
  await page.getByRole('link', { name: 'Zagłosuj' }).click();
  await checkPage(page, 'vote: district');
  await chooseKrowodrza(page);
  await checkPage(page, 'vote: ballot');
  await assert.doesNotReject(page.locator('#city').getByText('Zostało 3 z 3 miejsc').waitFor());

  // Two city-wide projects from the cards, one from a project's own page.
  await addFromCards(page, '#city', 2);
  await checkPage(page, 'vote: ballot with choices');
  await page.goto(`${BASE}/budget/demo/projects`);
  await checkPage(page, 'budget projects');
  // The first project on the list that is not on the ballot yet, added from its own page.
  const card = page.locator('li.card', { has: page.getByRole('button', { name: /^Dodaj do mojej karty/ }) }).first();
  await card.getByRole('link').first().click();
  await checkPage(page, 'budget project');
  await page.getByRole('button', { name: /^Dodaj do mojej karty/ }).click();
  await assert.doesNotReject(page.getByText('Na Twojej karcie').waitFor());
  await page.getByRole('link', { name: 'Przejdź do mojej karty' }).click();
  // The third choice goes first: move it up twice.
  const third = page.locator('#city .chosen-list li').nth(2);
  const title = (await third.locator('.chosen-title').innerText()).split(' – ')[0];
  await third.getByRole('button', { name: /^W górę/ }).click();
  await page.locator('#city .chosen-list li').nth(1).getByRole('button', { name: /^W górę/ }).click();
  assert.equal((await page.locator('#city .chosen-list li').first().locator('.chosen-title').innerText()).split(' – ')[0], title);
  await addFromCards(page, '#district', 2);

  // Review with two district projects and no declaration: the page says what is wrong and
  // keeps what was typed.
  await page.getByRole('link', { name: 'Podsumowanie i głosowanie' }).click();
  await checkPage(page, 'vote: review');
  const notice = page.getByRole('alert');
  await assert.doesNotReject(notice.getByText('Wybierz dokładnie 3 projekty').first().waitFor());
  await page.getByLabel('PESEL', { exact: true }).fill(PESEL);
  await page.getByRole('button', { name: 'Oddaj głos' }).click();
  await checkPage(page, 'vote: errors');
  const summary = page.getByRole('alert').first();
  await assert.doesNotReject(summary.getByText(/Głosować mogą osoby mieszkające w Krakowie/).waitFor());
  await assert.doesNotReject(summary.getByText('Podaj imię i nazwisko.').waitFor());
  assert.equal(await page.getByLabel('PESEL', { exact: true }).inputValue(), PESEL);
  // Without a PESEL ticked, the date of birth is not asked.
  assert.equal(await page.getByLabel('Data urodzenia').isVisible(), false);

  await page.getByRole('link', { name: 'Zmień wybór' }).click();
  await addFromCards(page, '#district', 1);
  await page.getByRole('link', { name: 'Podsumowanie i głosowanie' }).click();
  await fillVoter(page, 'Jan Kowalski');
  await page.getByRole('button', { name: 'Oddaj głos' }).click();
  await page.waitForURL(`${BASE}/budget/demo`);
  await checkPage(page, 'voted');
  await assert.doesNotReject(page.getByRole('status').getByText('Twój głos został zapisany').first().waitFor());
  await page.goto(`${BASE}/my`);
  await assert.doesNotReject(page.getByText(/Twój wybór jest tajny/).waitFor());
  await page.context().close();

  const other = await signedIn(VOTERS[1]);
  await other.goto(`${BASE}/budget/demo/vote`);
  await chooseKrowodrza(other);
  await addFromCards(other, '#city', 3);
  await addFromCards(other, '#district', 3);
  await other.getByRole('link', { name: 'Podsumowanie i głosowanie' }).click();
  await fillVoter(other, 'KOWALSKI Jan');
  await other.getByRole('button', { name: 'Oddaj głos' }).click();
  await checkPage(other, 'vote: same PESEL');
  await assert.doesNotReject(other.getByRole('alert').getByText('Ta osoba już głosowała w tej edycji').waitFor());
  await other.context().close();
});

test('on a phone, in English, a resident adds projects from cards, reviews the ballot and votes', async () => {
  const page = await englishPhone(chrome.browser, VOTERS[2], PASSWORD);
  const step = async (label) => {
    await checkPage(page, `phone (English): ${label}`);
    await assertFitsWidth(page, label);
  };
  await page.goto(`${BASE}/budget/demo/vote`);
  await step('vote: district');
  await page.getByLabel('District', { exact: true }).selectOption({ label: 'V Krowodrza' });
  await page.getByRole('button', { name: 'Next' }).click();
  await step('vote: ballot');
  await assert.doesNotReject(page.locator('#city').getByText(/3 of 3 places left/).waitFor());
  for (const part of ['#city', '#district']) {
    for (let i = 0; i < 3; i++) {
      await page.locator(part).getByRole('button', { name: /^Add to my ballot/ }).first().click();
      await page.waitForLoadState();
    }
  }
  await step('vote: ballot filled');
  // A fourth project does not fit a ranked part of three: the page says so in English.
  await page.locator('#city').getByRole('button', { name: /^Add to my ballot/ }).first().click();
  await page.waitForLoadState();
  await assert.doesNotReject(page.getByText(/takes at most 3 projects/).first().waitFor());
  await step('vote: part full');
  await page.getByRole('link', { name: 'Review and vote' }).click();
  await step('vote: review');
  await page.getByLabel('Full name').fill('John Smith');
  await page.getByLabel('PESEL', { exact: true }).fill('82031501233');
  await page.getByLabel('I declare that I live in Kraków.').check();
  await page.getByRole('button', { name: 'Cast my vote' }).click();
  await page.waitForURL(`${BASE}/budget/demo`);
  await step('voted');
  await assert.doesNotReject(page.getByRole('status').getByText('Your vote has been recorded').first().waitFor());
  await page.goto(`${BASE}/my`);
  await step('my city after voting');
  await assert.doesNotReject(page.getByText(/You voted in .* on .* \(your choices are secret\)/).waitFor());
  await page.context().close();
});

async function keyPaper(page, label) {
  await page.goto(`${BASE}/staff/budget/demo/paper`);
  await checkPage(page, `paper: district (${label})`);
  await chooseKrowodrza(page);
  await checkPage(page, `paper: ballot (${label})`);
  await page.getByLabel('Numer karty').fill('KRK-000123');
  await page.getByLabel('Punkt do głosowania').fill('Urząd Miasta, pl. Wszystkich Świętych 3-4');
  await fillBallot(page, [7, 8, 9], [4, 5, 6]);
  await page.getByLabel('Imię i nazwisko').fill('Anna Nowak');
  await page.getByLabel('PESEL', { exact: true }).fill('75120804355');
  await page.getByLabel('Oświadczam, że mieszkam w Krakowie.').check();
  await page.getByRole('button', { name: 'Zapisz wpis karty' }).click();
  await checkPage(page, `paper: keyed (${label})`);
}

test('a paper ballot typed in by two people is sealed; a clerk records a vote at a counter', async () => {
  const operator = await signedIn(OPERATOR);
  await keyPaper(operator, 'first');
  await assert.doesNotReject(operator.locator('#keying-outcome').getByText('Teraz musi ją wpisać druga osoba').waitFor());
  await assert.doesNotReject(operator.getByRole('cell', { name: 'Czeka na drugi wpis' }).waitFor());

  // At a counter: the clerk checks a document of someone without a PESEL, then the voter
  // fills in the ballot on the next screen.
  await operator.goto(`${BASE}/staff/budget/demo/counter`);
  await checkPage(operator, 'counter: identity');
  await operator.getByLabel('Dzielnica').selectOption({ label: 'V Krowodrza' });
  await operator.getByLabel('Imię i nazwisko').fill('Zofia Wiśniewska');
  await operator.getByLabel('Nie mam numeru PESEL').check();
  await operator.getByLabel('Data urodzenia', { exact: true }).fill('1950-06-01');
  await operator.getByLabel(/Sprawdziłem dokument tożsamości/).check();
  await operator.getByLabel('Oświadczam, że mieszkam w Krakowie.').check();
  await operator.getByRole('button', { name: 'Dane sprawdzone – przejdź do karty' }).click();
  await checkPage(operator, 'counter: ballot');
  await fillBallot(operator, [2, 4, 6], [2, 4, 6]);
  await operator.getByRole('button', { name: 'Oddaj głos' }).click();
  await checkPage(operator, 'counter: recorded');
  await assert.doesNotReject(operator.getByText('Głos został zaszyfrowany i zapisany').waitFor());
  await operator.context().close();

  const official = await signedIn(OFFICIAL);
  await keyPaper(official, 'second');
  await assert.doesNotReject(official.locator('#keying-outcome').getByText('zaszyfrowany i zapisany do liczenia').waitFor());
  await official.goto(`${BASE}/staff/budget/demo`);
  await checkPage(official, 'budget staff edition (voting)');
  await official.context().close();

  // Nobody sees results while voting is open.
  const visitor = await newPage(chrome.browser);
  const hidden = await visitor.goto(`${BASE}/budget/demo/results`);
  assert.equal(hidden.status(), 404);
  await visitor.context().close();
});

test('the official opens the sealed ballots with two shares, counts and publishes', async () => {
  assert.equal(SHARES.length, 2, 'run.sh passes two shares of the counting edition');
  const official = await signedIn(OFFICIAL);
  await official.goto(`${BASE}/staff/budget/liczenie`);
  await checkPage(official, 'budget staff edition (counting)');
  await official.getByRole('link', { name: 'Policz głosy', exact: true }).click();
  await checkPage(official, 'count: shares');
  // One share is not enough: the form says so and keeps it.
  await official.getByLabel('Część klucza 1', { exact: true }).fill(SHARES[0]);
  await official.getByRole('button', { name: 'Policz głosy', exact: true }).click();
  await checkPage(official, 'count: too few shares');
  await assert.doesNotReject(official.getByRole('alert').getByText(/potrzebne są 2 części klucza/).waitFor());
  assert.equal((await official.getByLabel('Część klucza 1', { exact: true }).inputValue()).trim(), SHARES[0]);
  await official.getByLabel('Część klucza 2', { exact: true }).fill(SHARES[1]);
  await official.getByRole('button', { name: 'Policz głosy', exact: true }).click();
  await official.waitForURL(`${BASE}/staff/budget/liczenie`);
  await checkPage(official, 'counted');
  await assert.doesNotReject(official.getByRole('status').getByText(/Wyników nie widzi nikt/).waitFor());
  const hidden = await official.goto(`${BASE}/budget/liczenie/results`);
  assert.equal(hidden.status(), 404, 'not even officials see results before publication');
  await official.goto(`${BASE}/staff/budget/liczenie`);
  await official.getByRole('button', { name: 'Ogłoś wyniki' }).click();
  await official.waitForURL(`${BASE}/budget/liczenie/results`);
  await checkPage(official, 'published');
  await official.context().close();

  const visitor = await newPage(chrome.browser);
  await visitor.goto(`${BASE}/budget/liczenie/results`);
  await checkPage(visitor, 'results');
  const krowodrza = visitor.getByRole('table', { name: 'Wyniki: V Krowodrza' });
  assert.ok((await krowodrza.getByRole('row').count()) > 10, 'every Krowodrza project is listed');
  const download = visitor.getByRole('link', { name: /Pobierz zanonimizowane głosy: V Krowodrza/ });
  const href = await download.getAttribute('href');
  const response = await visitor.request.get(`${BASE}${href}`);
  assert.equal(response.status(), 200);
  const pb = await response.text();
  assert.match(pb, /^META\r?\n/);
  const votes = pb.split(/\r?\n/).slice(pb.split(/\r?\n/).indexOf('VOTES') + 2).filter(Boolean);
  assert.equal(votes.length, 286, 'the first 286 Krowodrza ballots of the file, opened and counted');
  await visitor.context().close();
});

test('an official opens an edition; a resident submits a project; a unit assesses one', async () => {
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
  // The official is the commission (checked by default), one share opens the ballots.
  await official.getByRole('button', { name: 'Utwórz edycję' }).click();
  await official.waitForURL(`${BASE}/staff/budget/e2e`);
  await checkPage(official, 'edition created');
  await official.getByRole('link', { name: 'Odbierz ją' }).click();
  await checkPage(official, 'share to collect');
  await official.getByRole('button', { name: 'Pokaż moją część' }).click();
  await checkPage(official, 'share shown');
  const share = (await official.locator('#share-text').innerText()).trim();
  assert.match(share, /^MIASTO-/);
  await official.getByLabel('Część klucza', { exact: true }).fill(share);
  await official.getByRole('button', { name: 'Sprawdź' }).click();
  await checkPage(official, 'share checked');
  await assert.doesNotReject(official.locator('#check-outcome').getByText(/Prawidłowa część klucza nr 1/).waitFor());

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

  // Verification starts when submissions close: the form is not offered yet.
  await official.goto(`${BASE}/staff/budget/e2e/projects`);
  await checkPage(official, 'projects submitted');
  await official.getByRole('link', { name: /Zielony skwer przy szkole/ }).click();
  await checkPage(official, 'project submitted (staff)');
  assert.equal(await official.getByLabel('Jednostka weryfikująca').count(), 0);

  // In the edition whose submissions have closed, a project is handed to a unit and assessed.
  await official.goto(`${BASE}/staff/budget/weryfikacja/projects`);
  await checkPage(official, 'projects to verify');
  await official.getByRole('link', { name: /Diagnostyka w Schronisku/ }).click();
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
