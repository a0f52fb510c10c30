// Public consultations in a real browser: an official plans one (the plan template, its
// dates checked against Kraków's minimums), publishes it; a resident on a phone, in English,
// reads it and comments; an operator types in a letter. axe-core runs on every page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withBrowser, newPage, checkPage, login, englishPhone, inPolish, assertFitsWidth, BASE } from './support.js';

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
  // The area can be drawn corner by corner on the map; the corners land in the text field.
  const drawer = official.locator('[data-outline-drawer] .map');
  for (const [x, y] of [[80, 60], [160, 60], [120, 140]]) {
    await drawer.click({ position: { x, y } });
  }
  assert.equal((await official.getByLabel('Obszar zaznaczony na mapie (nieobowiązkowo)').inputValue()).split('\n').length, 3);
  await assert.doesNotReject(official.getByRole('status').getByText('Narożników: 3').waitFor());
  await official.getByRole('button', { name: 'Wyczyść obszar' }).click();
  assert.equal(await official.getByLabel('Obszar zaznaczony na mapie (nieobowiązkowo)').inputValue(), '');
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

test('a resident comments on a paragraph and answers the survey; on a phone in English too', async () => {
  const slug = process.env.CONSULT_OPEN;
  const resident = await inPolish(chrome.browser, process.env.VOTER3_EMAIL);
  await resident.goto(`${BASE}${process.env.CONSULT_OPEN_DOC}`);
  await checkPage(resident, 'document');
  await resident.getByText('Co zmieniono w wersji 2').first().click();
  await checkPage(resident, 'what changed in version 2');
  await assert.doesNotReject(resident.locator('del.diff').first().waitFor());
  await resident.goBack();
  await resident.getByRole('link', { name: /Skomentuj ten akapit \(Akapit 1\)/ }).click();
  await checkPage(resident, 'paragraph');
  await resident.getByLabel('Twoja uwaga do tego akapitu').fill('Uchwała powinna wymieniać też konsultacje z młodzieżą.');
  await resident.getByRole('button', { name: 'Wyślij uwagę' }).click();
  await assert.doesNotReject(resident.getByRole('status').getByText('Twoja uwaga została przyjęta').waitFor());
  await assert.doesNotReject(resident.getByText('konsultacje z młodzieżą').waitFor());
  await checkPage(resident, 'paragraph after commenting');

  await resident.goto(`${BASE}/consultations/${slug}/survey`);
  await checkPage(resident, 'survey');
  // The follow-up question shows only after "Nie" (with JavaScript; without, it is always there).
  const why = resident.getByLabel('Co zniechęciło Cię do udziału?');
  assert.equal(await why.isVisible(), false);
  await resident.getByLabel('Nie', { exact: true }).check();
  await why.fill('Nie wiedziałam, że trwają.');
  await resident.getByLabel('Spotkanie w dzielnicy').check();
  // A photo for the file question: a JPEG the browser draws itself.
  const jpeg = await resident.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 64;
    canvas.height = 48;
    const g = canvas.getContext('2d');
    g.fillStyle = '#3a7';
    g.fillRect(0, 0, 64, 48);
    return canvas.toDataURL('image/jpeg').split(',')[1];
  });
  await resident.getByLabel('Wybierz plik').setInputFiles({ name: 'plakat.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(jpeg, 'base64') });
  await resident.getByRole('button', { name: 'Wyślij odpowiedź' }).click();
  // The scale is required: named, and what was chosen is kept — the photo too.
  await checkPage(resident, 'survey: errors');
  await assert.doesNotReject(resident.getByText('To pytanie wymaga odpowiedzi.').waitFor());
  assert.equal(await resident.getByLabel('Spotkanie w dzielnicy').isChecked(), true);
  await assert.doesNotReject(resident.getByText('Plik jest dołączony do odpowiedzi.').waitFor());
  await assert.doesNotReject(resident.getByRole('img', { name: 'Dołączony plik' }).waitFor());
  await resident.getByLabel('3', { exact: true }).check();
  await resident.getByRole('button', { name: 'Wyślij odpowiedź' }).click();
  await assert.doesNotReject(resident.getByText('Dziękujemy: Twoja odpowiedź została przyjęta.').first().waitFor());
  await checkPage(resident, 'survey sent');
  await resident.context().close();

  const phone = await englishPhone(chrome.browser, process.env.VOTER2_EMAIL, PASSWORD);
  await phone.goto(`${BASE}/consultations/${slug}/survey`);
  await checkPage(phone, 'phone (English): survey');
  await assertFitsWidth(phone, 'survey');
  await phone.getByLabel('Tak', { exact: true }).check();
  await phone.getByLabel('5 – bardzo dobrze').check();
  await phone.getByRole('button', { name: 'Save and continue later' }).click();
  await assert.doesNotReject(phone.getByRole('status').getByText('Your answers are saved').waitFor());
  assert.equal(await phone.getByLabel('5 – bardzo dobrze').isChecked(), true);
  await phone.getByRole('button', { name: 'Send the response' }).click();
  await assert.doesNotReject(phone.getByText('Thank you: your response has been received.').first().waitFor());
  await checkPage(phone, 'phone (English): survey sent');
  await assertFitsWidth(phone, 'survey sent');
  await phone.context().close();
});

test('staff type in a paper comment, answer every comment at once, an official publishes the report; the resident reads the answer in My city', async () => {
  const slug = process.env.CONSULT_CLOSED;
  const operator = await inPolish(chrome.browser, process.env.OPERATOR_EMAIL);
  await operator.goto(`${BASE}/staff/consultations/${slug}/comments`);
  await checkPage(operator, 'closed: type in a comment');
  await operator.getByLabel('Jak wpłynęła').selectOption('paper');
  const sixth = await operator.locator('#target option', { hasText: 'Akapit 6:' }).getAttribute('value');
  await operator.getByLabel('Czego dotyczy').selectOption(sixth);
  await operator.getByLabel('Treść uwagi – tak, jak ją zapisano lub zgłoszono').fill('Formularz z urny: prosimy o dłuższe konsultacje latem.');
  await operator.getByRole('button', { name: 'Zapisz uwagę' }).click();
  await assert.doesNotReject(operator.getByRole('status').getByText('Uwaga została zapisana.').waitFor());

  await operator.goto(`${BASE}/staff/consultations/${slug}/answers`);
  await checkPage(operator, 'answers');
  await assert.doesNotReject(operator.getByText('6 uwag czeka na odpowiedź.').waitFor());
  // The comment is shown with the paragraph it is about.
  await assert.doesNotReject(operator.locator('blockquote').first().waitFor());
  for (const box of await operator.getByRole('checkbox').all()) {
    await box.check();
  }
  await operator.getByLabel('Rozstrzygnięcie').selectOption('partly_accepted');
  await operator.getByLabel(/^Uzasadnienie/).fill('Wydłużamy konsultacje w wakacje do 30 dni; pozostałe propozycje rozważymy w regulaminie.');
  await operator.getByRole('button', { name: 'Odpowiedz na zaznaczone uwagi' }).click();
  await assert.doesNotReject(operator.getByRole('status').getByText('Odpowiedź zapisano jako roboczą').waitFor());
  await assert.doesNotReject(operator.getByText('0 uwag czeka na odpowiedź.').waitFor());
  await checkPage(operator, 'answers: all answered');
  await operator.context().close();

  // Nobody outside the city sees a draft.
  const resident = await inPolish(chrome.browser, process.env.VOTER1_EMAIL);
  await resident.goto(`${BASE}/my`);
  assert.equal(await resident.getByText('Wydłużamy konsultacje w wakacje').count(), 0);

  const official = await inPolish(chrome.browser, process.env.OFFICIAL_EMAIL);
  await official.goto(`${BASE}/staff/consultations/${slug}/answers`);
  await official.getByRole('button', { name: 'Opublikuj raport i wszystkie odpowiedzi' }).click();
  await official.waitForURL(`${BASE}/consultations/${slug}/report`);
  await checkPage(official, 'report');
  await assert.doesNotReject(official.getByRole('table', { name: 'Uwagi według formy zgłoszenia' }).waitFor());
  // The first meeting's minutes are part of the report.
  await assert.doesNotReject(official.getByText(/W spotkaniu wzięło udział 46 osób/).waitFor());
  // The open one's survey as the city sees it while it runs, and its builder (fixed now).
  const open = process.env.CONSULT_OPEN;
  await official.goto(`${BASE}/consultations/${open}/survey/results`);
  await checkPage(official, 'survey results (live)');
  await assert.doesNotReject(official.getByRole('table', { name: 'Odpowiedzi' }).first().waitFor());
  await official.getByRole('link', { name: /Przeczytaj i przeszukaj odpowiedzi/ }).first().click();
  await checkPage(official, 'survey open answers');
  // The photo sent with the survey, for the city's eyes only.
  await official.goto(`${BASE}/consultations/${open}/survey/results`);
  await official.getByRole('link', { name: /Zobacz pliki/ }).click();
  await checkPage(official, 'survey files');
  await assert.doesNotReject(official.getByRole('img', { name: 'Otwórz plik 1' }).waitFor());
  await official.goto(`${BASE}/staff/consultations/${open}/survey`);
  await checkPage(official, 'survey builder');
  await assert.doesNotReject(official.getByText('Pytania można zmieniać tylko do otwarcia konsultacji.').waitFor());
  // Weighting to the population: a figure that is not a number is named and kept.
  const sexes = official.getByRole('group', { name: 'Płeć' });
  await sexes.getByLabel('Kobieta').fill('427 tys.');
  await sexes.getByLabel('Mężczyzna').fill('377000');
  await sexes.getByLabel('Inna').fill('0');
  await official.getByRole('button', { name: 'Zapisz strukturę i waż wyniki' }).click();
  await checkPage(official, 'survey builder: margins errors');
  assert.equal(await sexes.getByLabel('Kobieta').inputValue(), '427 tys.');
  await sexes.getByLabel('Kobieta').fill('427000');
  await official.getByRole('button', { name: 'Zapisz strukturę i waż wyniki' }).click();
  await assert.doesNotReject(official.getByRole('status').getByText('Struktura mieszkańców zapisana').waitFor());
  await official.goto(`${BASE}/consultations/${open}/survey/results`);
  await checkPage(official, 'survey results (weighted)');
  await assert.doesNotReject(official.getByRole('columnheader', { name: '% ważony' }).first().waitFor());
  // Answer templates shared by every consultation.
  await official.goto(`${BASE}/staff/answer-templates`);
  await checkPage(official, 'answer templates');
  await official.getByLabel('Nazwa szablonu').fill('Poza przedmiotem uchwały');
  await official.getByLabel('Rozstrzygnięcie').selectOption('not_applicable');
  await official.getByLabel(/^Uzasadnienie/).fill('Uwaga wykracza poza przedmiot projektu uchwały.');
  await official.getByRole('button', { name: 'Dodaj szablon' }).click();
  await official.getByRole('link', { name: 'Poza przedmiotem uchwały' }).click();
  await checkPage(official, 'answer template');
  await official.goto(`${BASE}/staff/consultations/${open}/documents`);
  await checkPage(official, 'documents (staff)');
  await official.getByRole('link', { name: 'Projekt uchwały', exact: true }).click();
  await checkPage(official, 'new version form');
  await official.context().close();

  await resident.goto(`${BASE}/my`);
  await checkPage(resident, 'my city: the answer');
  await assert.doesNotReject(resident.getByText('Wydłużamy konsultacje w wakacje do 30 dni').first().waitFor());
  await assert.doesNotReject(resident.getByText('Częściowo uwzględniona').first().waitFor());
  await resident.context().close();
});

test('a resident signs up for a meeting and books a duty-hour slot; on a phone in English too; an official adds a meeting', async () => {
  const slug = process.env.CONSULT_OPEN;
  const resident = await inPolish(chrome.browser, process.env.VOTER3_EMAIL);
  await resident.goto(`${BASE}/consultations/${slug}`);
  await resident.getByRole('link', { name: 'Spotkanie otwarte o projekcie uchwały' }).click();
  await checkPage(resident, 'meeting');
  await assert.doesNotReject(resident.getByText('Wolne miejsca: 80').waitFor());
  await resident.getByRole('button', { name: 'Zapisz się' }).click();
  await assert.doesNotReject(resident.getByRole('status').getByText('Zapisano Cię na spotkanie').waitFor());
  await assert.doesNotReject(resident.getByText('Masz miejsce na tym spotkaniu.').waitFor());
  await checkPage(resident, 'meeting: signed up');
  const ics = await resident.request.get(await resident.getByRole('link', { name: /Dodaj do kalendarza/ }).getAttribute('href').then((h) => `${BASE}${h}`));
  assert.match(await ics.text(), /BEGIN:VEVENT/);

  await resident.goto(`${BASE}/consultations/${slug}`);
  await resident.getByRole('link', { name: 'Wydział Dialogu, Konsultacji i Kontaktu Obywatelskiego' }).click();
  await checkPage(resident, 'duty hour');
  // Without a time and a name: both named, the topic kept.
  await resident.getByLabel('Temat rozmowy').fill('Jak zgłosić małe konsultacje na moim osiedlu?');
  await resident.getByRole('button', { name: 'Zarezerwuj termin' }).click();
  await checkPage(resident, 'duty hour: errors');
  await assert.doesNotReject(resident.getByRole('alert').waitFor());
  assert.equal(await resident.getByLabel('Temat rozmowy').inputValue(), 'Jak zgłosić małe konsultacje na moim osiedlu?');
  await resident.getByRole('radio').first().check();
  await resident.getByLabel('Imię i nazwisko').fill('Ewa Zielińska');
  await resident.getByRole('button', { name: 'Zarezerwuj termin' }).click();
  await assert.doesNotReject(resident.getByRole('status').getByText('Zarezerwowano termin dyżuru.').waitFor());
  await assert.doesNotReject(resident.getByText(/Masz zarezerwowany termin/).waitFor());
  await checkPage(resident, 'duty hour: booked');
  await resident.goto(`${BASE}/my`);
  await assert.doesNotReject(resident.getByRole('heading', { name: 'Twoje spotkania i dyżury' }).waitFor());
  await resident.context().close();

  const phone = await englishPhone(chrome.browser, process.env.VOTER2_EMAIL, PASSWORD);
  await phone.goto(`${BASE}/consultations/${slug}`);
  await phone.getByRole('link', { name: /Biuro Prawne/ }).click();
  await checkPage(phone, 'phone (English): duty hour');
  await assertFitsWidth(phone, 'duty hour');
  await phone.getByRole('radio').nth(1).check();
  await phone.getByLabel('Full name').fill('Piotr Wiśniewski');
  await phone.getByLabel('Topic').fill('Is the report due within 30 days?');
  await phone.getByRole('button', { name: 'Book this time' }).click();
  await assert.doesNotReject(phone.getByRole('status').getByText('The duty-hour time is booked.').waitFor());
  await checkPage(phone, 'phone (English): duty hour booked');
  await assertFitsWidth(phone, 'duty hour booked');
  await phone.context().close();

  const official = await inPolish(chrome.browser, process.env.OFFICIAL_EMAIL);
  await official.goto(`${BASE}/staff/consultations/${slug}/meetings`);
  await checkPage(official, 'meetings (staff)');
  await official.getByLabel('Tytuł spotkania').fill('Spacer badawczy po Zabłociu');
  await official.getByRole('button', { name: 'Dodaj spotkanie' }).click();
  await checkPage(official, 'meetings (staff): errors');
  assert.equal(await official.getByLabel('Tytuł spotkania').inputValue(), 'Spacer badawczy po Zabłociu');
  await official.getByLabel('Początek').first().fill(`${dayFromToday(6)}T17:00`);
  await official.getByLabel('Koniec').first().fill(`${dayFromToday(6)}T19:00`);
  await official.getByLabel('Miejsce').first().fill('ul. Lipowa 4');
  await official.getByLabel('Program').fill('Spacer od Fabryki Schindlera do kładki Bernatka.');
  await official.getByLabel('Liczba miejsc').fill('25');
  await official.getByRole('button', { name: 'Dodaj spotkanie' }).click();
  await assert.doesNotReject(official.getByRole('status').getByText('Dodano spotkanie.').waitFor());
  // Its details change before it begins: fewer places than taken would be refused; more is fine.
  await official.getByRole('link', { name: 'Spacer badawczy po Zabłociu' }).click();
  await checkPage(official, 'meeting (staff)');
  await official.getByRole('link', { name: 'Zmień szczegóły spotkania' }).click();
  await checkPage(official, 'change a meeting');
  await official.getByLabel('Liczba miejsc').fill('30');
  await official.getByRole('button', { name: 'Zapisz zmiany' }).click();
  await assert.doesNotReject(official.getByRole('status').getByText('Spotkanie zmienione').waitFor());
  await official.goto(`${BASE}/staff/consultations/${slug}/meetings`);
  await official.getByRole('link', { name: 'Wydział Dialogu, Konsultacji i Kontaktu Obywatelskiego' }).click();
  await checkPage(official, 'duty hour (staff)');
  await assert.doesNotReject(official.getByText('Ewa Zielińska').waitFor());
  await official.context().close();
});

test('staff group the comments, merge two groups, move a comment and answer a whole group; the report shows that answer on every member', async () => {
  const slug = process.env.CONSULT_GROUPS;
  const groups = `${BASE}/staff/consultations/${slug}/groups`;
  const operator = await inPolish(chrome.browser, process.env.OPERATOR_EMAIL);
  await operator.goto(groups);
  await checkPage(operator, 'groups: before the analysis');
  await assert.doesNotReject(operator.getByText('Nie ma jeszcze grup.').waitFor());
  await operator.getByRole('button', { name: 'Przeprowadź analizę' }).click();
  await assert.doesNotReject(operator.getByRole('status').getByText('Analiza gotowa').waitFor());
  await checkPage(operator, 'groups: topics');
  // The campaign's eight copies are one group of copies, greetings, typos and signatures aside.
  await operator.getByRole('link', { name: 'Kopie tego samego tekstu' }).click();
  await checkPage(operator, 'groups: copies');
  await assert.doesNotReject(operator.getByText('8 uwag ·').waitFor());
  await operator.getByRole('link', { name: 'Tematy' }).click();
  const topics = operator.locator('.groups-list h2 a');
  assert.ok((await topics.count()) >= 3, 'at least three topics');
  await topics.first().click();
  await checkPage(operator, 'group');
  const sizeOf = async () => Number((await operator.locator('#group-figures').innerText()).match(/ (\d+) uwag/)[1]);
  const before = await sizeOf();
  // Merge the next group into this one.
  const other = operator.getByLabel('Dołącz do tej grupy');
  await other.selectOption(await other.locator('option').nth(1).getAttribute('value'));
  await operator.getByRole('button', { name: 'Połącz grupy' }).click();
  await assert.doesNotReject(operator.getByRole('status').getByText('Zapisano zmianę grupy.').waitFor());
  const merged = await sizeOf();
  assert.ok(merged > before, `merged: ${before} → ${merged}`);
  // Move the last comment to another group.
  const move = operator.getByLabel('Przenieś do grupy').last();
  await move.selectOption(await move.locator('option').nth(1).getAttribute('value'));
  await operator.getByRole('button', { name: 'Przenieś', exact: true }).last().click();
  await assert.doesNotReject(operator.getByRole('status').getByText('Zapisano zmianę grupy.').waitFor());
  assert.equal(await sizeOf(), merged - 1);
  await checkPage(operator, 'group: merged and one moved');
  // One answer for the whole group.
  const answer = 'Wydłużamy konsultacje wakacyjne do 30 dni, a raport opublikujemy w 30 dni; każda uwaga dostanie odpowiedź.';
  await operator.getByRole('button', { name: 'Odpowiedz całej grupie' }).click();
  await checkPage(operator, 'group: answer errors');
  await assert.doesNotReject(operator.locator('#justification-error').waitFor());
  await operator.getByLabel('Rozstrzygnięcie').selectOption('accepted');
  await operator.getByLabel(/^Uzasadnienie/).fill(answer);
  await operator.getByRole('button', { name: 'Odpowiedz całej grupie' }).click();
  await assert.doesNotReject(operator.getByRole('status').getByText('Odpowiedź zapisana dla każdej uwagi w grupie.').waitFor());
  const members = merged - 1;
  await assert.doesNotReject(operator.getByText(`z odpowiedzią: ${members}`).first().waitFor());
  // The rest answered at once on the answers page.
  await operator.goto(`${BASE}/staff/consultations/${slug}/answers`);
  for (const box of await operator.getByRole('checkbox').all()) {
    await box.check();
  }
  await operator.locator('#disposition').selectOption('not_applicable');
  await operator.locator('#justification').fill('Uwaga dotyczy spraw poza projektem uchwały.');
  await operator.getByRole('button', { name: 'Odpowiedz na zaznaczone uwagi' }).click();
  await assert.doesNotReject(operator.getByText('0 uwag czeka na odpowiedź.').waitFor());
  await operator.context().close();

  // The groups in English on a phone.
  const phone = await englishPhone(chrome.browser, process.env.OPERATOR_EMAIL, PASSWORD);
  await phone.goto(groups);
  await checkPage(phone, 'phone (English): groups of comments');
  await assertFitsWidth(phone, 'groups of comments');
  await assert.doesNotReject(phone.getByRole('link', { name: 'Copies of the same text' }).waitFor());
  await phone.locator('.groups-list h2 a').first().click();
  await checkPage(phone, 'phone (English): a group');
  await assertFitsWidth(phone, 'a group');
  await phone.context().close();

  const official = await inPolish(chrome.browser, process.env.OFFICIAL_EMAIL);
  await official.goto(`${BASE}/staff/consultations/${slug}/answers`);
  await official.getByRole('button', { name: 'Opublikuj raport i wszystkie odpowiedzi' }).click();
  await official.waitForURL(`${BASE}/consultations/${slug}/report`);
  await checkPage(official, 'report: a group answered at once');
  assert.equal(await official.getByText(answer).count(), members, 'the group\'s answer on each of its comments');
  await official.context().close();
});

test('a resident votes on statements with the keyboard and adds one; the opinion groups are published with a text alternative; on a phone in English too', async () => {
  const slug = process.env.CONSULT_OPEN;
  const resident = await inPolish(chrome.browser, process.env.VOTER3_EMAIL);
  await resident.goto(`${BASE}/consultations/${slug}/statements`);
  await checkPage(resident, 'statements');
  await assert.doesNotReject(resident.getByText('Oddane głosy: 0 z 7.').waitFor());
  // Real buttons: reached with Tab, pressed with Enter.
  const agree = resident.getByRole('button', { name: 'Zgadzam się' }).first();
  await agree.focus();
  await resident.keyboard.press('Enter');
  await assert.doesNotReject(resident.getByRole('status').getByText('Głos zapisany.').waitFor());
  await assert.doesNotReject(resident.getByText('Oddane głosy: 1 z 7.').waitFor());
  await resident.getByRole('button', { name: 'Pomiń' }).first().click();
  await assert.doesNotReject(resident.getByText('Oddane głosy: 2 z 7.').waitFor());
  // A statement of one's own waits for a moderator; a too short one is named, kept.
  await resident.getByLabel('Stwierdzenie', { exact: true }).fill('Nie');
  await resident.getByRole('button', { name: 'Dodaj stwierdzenie' }).click();
  await checkPage(resident, 'statements: errors');
  assert.equal(await resident.getByLabel('Stwierdzenie', { exact: true }).inputValue(), 'Nie');
  await resident.getByLabel('Stwierdzenie', { exact: true }).fill('Spotkania konsultacyjne także wieczorem, po 18:00.');
  await resident.getByRole('button', { name: 'Dodaj stwierdzenie' }).click();
  await assert.doesNotReject(resident.getByRole('status').getByText('Stwierdzenie czeka na sprawdzenie').waitFor());
  await assert.doesNotReject(resident.getByText('czeka na moderatora').waitFor());
  await resident.getByRole('link', { name: 'Zobacz grupy opinii' }).first().click();
  await checkPage(resident, 'opinion groups');
  await assert.doesNotReject(resident.getByRole('img', { name: 'Mapa opinii' }).waitFor());
  await assert.doesNotReject(resident.getByRole('table', { name: 'Grupy opinii' }).waitFor());
  await assert.doesNotReject(resident.getByRole('heading', { name: /^Grupa A/ }).waitFor());
  await assert.doesNotReject(resident.getByRole('heading', { name: 'Co łączy prawie wszystkich' }).waitFor());
  await resident.context().close();

  const phone = await englishPhone(chrome.browser, process.env.VOTER3_EMAIL, PASSWORD);
  await phone.goto(`${BASE}/consultations/${slug}/statements`);
  await checkPage(phone, 'phone (English): statements');
  await assertFitsWidth(phone, 'statements');
  await phone.goto(`${BASE}/consultations/${slug}/opinions`);
  await checkPage(phone, 'phone (English): opinion groups');
  await assertFitsWidth(phone, 'opinion groups');
  await assert.doesNotReject(phone.getByRole('img', { name: 'Map of opinions' }).waitFor());
  await phone.context().close();

  const official = await inPolish(chrome.browser, process.env.OFFICIAL_EMAIL);
  await official.goto(`${BASE}/staff/consultations/${slug}/statements`);
  await checkPage(official, 'statements (staff)');
  await official.context().close();
});
