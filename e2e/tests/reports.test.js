// The contact centre in a real browser: a resident reports with a photo via the map, another
// without JavaScript; unit staff change the status; the resident sees the timeline and got
// the e-mails. axe-core runs on every page visited with JavaScript on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withBrowser, newPage, checkPage, login, outbox, englishPhone, assertFitsWidth, BASE, ADMIN, STAFF } from './support.js';

const chrome = withBrowser();

const stamp = Date.now();

// A small JPEG made by the browser's own canvas.
async function jpeg(page) {
  const dataUrl = await page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 64;
    canvas.height = 48;
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#3a7';
    ctx.fillRect(0, 0, 64, 48);
    ctx.fillStyle = '#fff';
    ctx.fillRect(10, 10, 20, 20);
    return canvas.toDataURL('image/jpeg', 0.9);
  });
  return Buffer.from(dataUrl.split(',')[1], 'base64');
}

// A phone-sized photo: 4,800 × 3,600 pixels of noise, which JPEG cannot squeeze (~10 MB,
// over the server's 7 MB).
async function phonePhoto(page) {
  const dataUrl = await page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 4800;
    canvas.height = 3600;
    const ctx = canvas.getContext('2d');
    const image = ctx.createImageData(canvas.width, canvas.height);
    for (let i = 0; i < image.data.length; i += 4) {
      image.data[i] = Math.random() * 256;
      image.data[i + 1] = Math.random() * 256;
      image.data[i + 2] = Math.random() * 256;
      image.data[i + 3] = 255;
    }
    ctx.putImageData(image, 0, 0);
    return canvas.toDataURL('image/jpeg', 0.95);
  });
  return Buffer.from(dataUrl.split(',')[1], 'base64');
}

async function reportNumberOn(page) {
  const heading = await page.locator('h1').innerText();
  const match = heading.match(/\d{4}\/\d{6}/);
  assert.ok(match, `a tracking number in "${heading}"`);
  return match[0];
}

test('a resident reports a problem with a photo by clicking the map', async () => {
  const page = await newPage(chrome.browser);
  await page.goto(`${BASE}/`);
  await checkPage(page, 'home');
  await page.getByRole('link', { name: 'Zgłoś problem' }).first().click();
  await page.waitForURL(/\/reports\/new\?kind=problem/);
  await checkPage(page, 'report step 1');

  // With JavaScript the map appears; a click marks the place and fills the coordinates.
  const map = page.locator('#map');
  await map.waitFor({ state: 'visible' });
  await page.getByLabel('Kategoria').selectOption({ label: 'Awarie oświetlenia' });
  await map.click({ position: { x: 200, y: 150 } });
  await assert.doesNotReject(page.getByRole('status').filter({ hasText: 'Wybrane miejsce' }).waitFor());
  const lat = await page.locator('#lat').inputValue();
  const lon = await page.locator('#lon').inputValue();
  assert.match(lat, /^50\.\d+$/);
  assert.match(lon, /^(19|20)\.\d+$/);
  await page.getByRole('button', { name: 'Dalej' }).click();
  await page.waitForURL(/\/reports\/new\/details/);
  await checkPage(page, 'report step 2');

  // A mistake first (a description far too short): the photo is kept, not lost.
  await page.getByLabel('Na czym polega problem?').fill('Ciemno');
  // The category's own questions: a radio group for "how many lamps are out".
  await page.getByRole('group', { name: /Ile lamp nie świeci/ }).getByLabel('Kilka').check();
  await page.getByLabel('Zdjęcia').setInputFiles({ name: 'latarnia.jpg', mimeType: 'image/jpeg', buffer: await jpeg(page) });
  // Contact is one choice: the details show once "yes" is chosen.
  const email = `zglaszajaca-${stamp}@example.pl`;
  assert.equal(await page.getByLabel('Adres e-mail').isVisible(), false);
  await page.getByLabel(/^Tak – zgadzam się/).check();
  await page.getByLabel('Adres e-mail').fill(email);
  await page.getByRole('button', { name: 'Wyślij zgłoszenie' }).click();
  await page.waitForURL(`${BASE}/reports`);
  await checkPage(page, 'report details with a kept photo');
  const kept = page.locator('.staged-photos img').first();
  await kept.waitFor();
  assert.ok(await kept.evaluate((img) => img.complete && img.naturalWidth > 0), 'the kept photo shows');
  assert.equal(await page.getByLabel('Adres e-mail').inputValue(), email);
  await page.getByLabel('Na czym polega problem?').fill('Latarnia nie świeci od tygodnia, jest bardzo ciemno.');
  await page.getByRole('button', { name: 'Wyślij zgłoszenie' }).click();
  await page.waitForURL(/\/reports\/track\//);
  await checkPage(page, 'private tracking page');
  await assert.doesNotReject(page.getByRole('status').getByText('Zgłoszenie zostało przyjęte').waitFor());
  const number = await reportNumberOn(page);
  const photo = page.locator('.photos img').first();
  await photo.waitFor();
  assert.ok(await photo.evaluate((img) => img.complete && img.naturalWidth > 0), 'the stored photo loads');
  const tracking = page.url();

  // Unit staff of ZDMK (street lighting) find it in their queue and change its status.
  const staff = await newPage(chrome.browser);
  // Staff land on their queue after logging in.
  await login(staff, STAFF.email, STAFF.password);
  await staff.waitForURL(/\/staff\/queue/);
  await checkPage(staff, 'staff queue');
  await staff.getByRole('link', { name: number }).click();
  await checkPage(staff, 'staff report');
  await staff.getByLabel('Nowy status').selectOption({ label: 'W trakcie rozwiązywania' });
  await staff.getByLabel('Wiadomość dla mieszkańców').fill('Ekipa naprawcza przyjedzie w czwartek.');
  await staff.getByRole('button', { name: 'Zmień status' }).last().click();
  await assert.doesNotReject(staff.getByRole('status').getByText('Status został zmieniony').waitFor());
  await checkPage(staff, 'staff report after change');
  // The photo waits for a moderator's look before the public sees it; admins moderate too.
  await staff.context().close();
  const moderator = await newPage(chrome.browser);
  await login(moderator, ADMIN.email, ADMIN.password);
  await moderator.goto(`${BASE}/staff/reports/${number}`);
  await checkPage(moderator, 'staff report, photo awaiting a check');
  await moderator.getByRole('button', { name: 'Opublikuj' }).click();
  await assert.doesNotReject(moderator.getByRole('status').getByText('Zapisano widoczność zdjęcia').waitFor());
  await moderator.context().close();

  // The resident sees the timeline with the city's message…
  await page.goto(tracking);
  await checkPage(page, 'tracking page after change');
  const timeline = await page.locator('.timeline').innerText();
  assert.match(timeline, /W trakcie rozwiązywania/);
  assert.match(timeline, /Ekipa naprawcza przyjedzie w czwartek\./);
  // …and has the receipt and the status e-mail (delivered by the background worker).
  let messages = [];
  for (let i = 0; i < 50 && messages.length < 2; i++) {
    messages = await outbox(chrome.browser, email);
    if (messages.length < 2) await new Promise((r) => setTimeout(r, 200));
  }
  const subjects = messages.map((m) => m.subject);
  assert.ok(subjects.some((s) => s.includes(number) && s.includes('przyjęte')), subjects.join(' | '));
  const change = messages.find((m) => m.subject.includes('Zmiana statusu'));
  assert.ok(change, subjects.join(' | '));
  assert.match(change.body, /Ekipa naprawcza przyjedzie w czwartek\./);

  // The public page shows the same, and nobody's address.
  await page.goto(`${BASE}/reports`);
  await checkPage(page, 'public list');
  await page.getByRole('link', { name: number }).click();
  await checkPage(page, 'public report page');
  const published = page.locator('.photos img').first();
  await published.waitFor();
  assert.ok(await published.evaluate((img) => img.complete && img.naturalWidth > 0), 'the published photo loads');
  assert.doesNotMatch(await page.content(), new RegExp(email.replace(/[.+]/g, '\\$&')));
  await page.context().close();
});

test('without JavaScript a resident reports by address and district', async () => {
  const page = await newPage(chrome.browser, { javaScriptEnabled: false });
  await page.goto(`${BASE}/reports/new?kind=idea`);
  assert.equal(await page.locator('#map').isVisible(), false, 'no map without JavaScript');
  await page.getByLabel('Kategoria').selectOption({ label: 'Zieleń' });
  await page.getByLabel('Adres lub opis miejsca').fill('Skwer przy ul. Lubicz 20');
  await page.getByLabel('Dzielnica', { exact: true }).selectOption({ label: 'II Grzegórzki' });
  await page.getByRole('button', { name: 'Dalej' }).click();
  await page.waitForURL(/\/reports\/new\/details/);
  await page.getByLabel('Na czym polega pomysł?').fill('Posadzić kilka lip i postawić ławki w cieniu.');
  await page.getByRole('button', { name: 'Wyślij zgłoszenie' }).click();
  await page.waitForURL(/\/reports\/track\//);
  const number = await reportNumberOn(page);
  const details = await page.locator('dl.details').first().innerText();
  assert.match(details, /II Grzegórzki/);
  assert.match(details, /Nowy/);
  await page.context().close();

  // The same pages, with JavaScript on, pass axe-core (checked above for the map flow too).
  const checked = await newPage(chrome.browser);
  await checked.goto(`${BASE}/reports/new?kind=idea`);
  await checkPage(checked, 'idea step 1');
  await checked.goto(`${BASE}/reports?kind=idea`);
  await checkPage(checked, 'ideas list');
  await checked.getByRole('link', { name: number }).click();
  await checkPage(checked, 'idea page');
  await checked.context().close();
});

test('on a phone, in English, a resident reports a problem by address and follows it', async () => {
  const page = await newPage(chrome.browser, {
    locale: 'en-GB',
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  const fits = async (label) => {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `${label}: nothing wider than the phone (${overflow} px too wide)`);
  };
  await page.goto(`${BASE}/reports/new?kind=problem`);
  await checkPage(page, 'phone: report step 1 (English)');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await fits('step 1');
  await page.getByLabel('Category').selectOption({ label: 'Damaged roads, pavements and street furniture' });
  await page.getByLabel('Address or description of the place').fill('ul. Karmelicka 20');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.waitForURL(/\/reports\/new\/details/);
  await checkPage(page, 'phone: report details (English)');
  await fits('details');
  // The typed address was found in the city's gazetteer: the pin went there.
  await assert.doesNotReject(page.getByText('The pin was put at the address you typed: ul. Karmelicka 20.').waitFor());
  await page.getByLabel('What is the problem?').fill('A deep pothole in front of the tram stop.');
  // A phone's full-size photo is made smaller in the browser before it is sent.
  const big = await phonePhoto(page);
  assert.ok(big.length > 7 * 1024 * 1024, `the test photo is over the server's limit (${big.length} bytes)`);
  await page.getByLabel('Photos').setInputFiles({ name: 'IMG_0001.jpg', mimeType: 'image/jpeg', buffer: big });
  await assert.doesNotReject(page.getByText('Photos ready to send').waitFor());
  const sent = await page.locator('#photos').evaluate(async (input) => {
    const file = input.files[0];
    const bitmap = await createImageBitmap(file);
    return { size: file.size, width: bitmap.width, height: bitmap.height, name: file.name };
  });
  assert.ok(sent.size < 7 * 1024 * 1024, `sent ${sent.size} bytes`);
  assert.deepEqual([sent.width, sent.height], [2560, 1920]);
  await page.getByRole('button', { name: 'Send the report' }).click();
  await page.waitForURL(/\/reports\/track\//);
  await checkPage(page, 'phone: tracking page (English)');
  await fits('tracking page');
  await assert.doesNotReject(page.locator('.photos img').first().waitFor());
  const number = await reportNumberOn(page);
  await page.goto(`${BASE}/reports`);
  await checkPage(page, 'phone: public list (English)');
  await fits('public list');
  // The map shows the reports: single points coloured by status, or numbered clusters.
  await assert.doesNotReject(page.locator('.reports-map .leaflet-interactive, .reports-map .map-cluster').first().waitFor());
  await assert.doesNotReject(page.locator('.map-legend').waitFor());
  await page.getByRole('link', { name: number }).click();
  await checkPage(page, 'phone: public report (English)');
  await fits('public report');
  // The place in words (the street only, as positions are rounded in public) and on a map.
  await assert.doesNotReject(page.getByText('Near ul. Karmelicka').waitFor());
  await page.context().close();
});

test('on a phone, in English, an operator records a call: the questions come with the category', async () => {
  const page = await englishPhone(chrome.browser, process.env.OPERATOR_EMAIL, process.env.BUDGET_PASSWORD);
  const step = async (label) => {
    await checkPage(page, `phone (English): ${label}`);
    await assertFitsWidth(page, label);
  };
  // Operators land on their queue.
  assert.equal(new URL(page.url()).pathname, '/staff/queue');
  await page.goto(`${BASE}/staff/intake`);
  await step('hotline intake');
  // Choosing the category brings its questions at once (no error round-trip).
  await page.getByLabel('Category').selectOption({ label: 'Emergency tree felling' });
  await page.waitForURL(/\/staff\/intake/);
  await assert.doesNotReject(page.getByText('What does the tree endanger?').waitFor());
  await step('hotline intake with questions');
  assert.equal(await page.locator('.error-summary').count(), 0, 'no errors shown for the category step');
  await page.getByLabel('Address or description of the place').fill('ul. Karmelicka 20');
  await page.getByLabel('What does the caller report?').fill('A dead tree leans over the pavement by the school.');
  await page.getByLabel('People', { exact: true }).check();
  await page.getByLabel('Name', { exact: true }).fill('Jan Nowak');
  await page.getByLabel('Phone', { exact: true }).fill('600 100 200');
  await page.getByLabel('The caller agrees to be contacted about this report.').check();
  await page.getByRole('button', { name: 'Save the report' }).click();
  await page.waitForURL(/\/staff\/reports\//);
  await step('recorded report');
  await assert.doesNotReject(page.getByRole('status').getByText('The report has been saved.').waitFor());
  await assert.doesNotReject(page.getByText('Jan Nowak').first().waitFor());
  await assert.doesNotReject(page.getByText('Karmelicka').first().waitFor());
  await page.context().close();
});

test('a clerk keeps a reply template and sends it filled in with the report\'s facts', async () => {
  const page = await newPage(chrome.browser);
  await login(page, STAFF.email, STAFF.password);
  await page.goto(`${BASE}/staff/replies`);
  await checkPage(page, 'reply templates');
  await page.getByRole('link', { name: 'Nowy szablon odpowiedzi' }).click();
  await checkPage(page, 'new reply template');
  await page.getByLabel('Nazwa szablonu').fill('Przekazano do naprawy');
  await page.getByLabel('Status, do którego pasuje').selectOption('under_analysis');
  await page.getByLabel('Wiadomość do mieszkańca').fill('Zgłoszenie {number} ({category}) przekazaliśmy do naprawy. {unit}');
  await page.getByRole('button', { name: 'Zapisz' }).click();
  await page.waitForURL(`${BASE}/staff/replies`);
  await assert.doesNotReject(page.getByText('Przekazano do naprawy').waitFor());
  // The newest new report of the unit.
  await page.goto(`${BASE}/staff/queue?status=new&sort=newest`);
  await page.locator('table a').first().click();
  await checkPage(page, 'staff report with reply templates');
  const number = (await page.locator('h1').innerText()).split(' ').pop();
  await page.getByLabel('Użyj szablonu odpowiedzi').selectOption({ label: 'Przekazano do naprawy' });
  await page.waitForFunction(() => document.getElementById('message').value.includes('przekazaliśmy'));
  const text = await page.locator('#message').inputValue();
  assert.ok(text.startsWith(`Zgłoszenie ${number} (`), text);
  assert.ok(!text.includes('{'), `every placeholder filled: ${text}`);
  assert.equal(await page.locator('#status').inputValue(), 'under_analysis');
  await page.getByRole('button', { name: 'Zmień status' }).click();
  await checkPage(page, 'staff report after the templated reply');
  await assert.doesNotReject(page.locator('.timeline .message', { hasText: `Zgłoszenie ${number}` }).first().waitFor());
  await page.context().close();
});

test('without JavaScript, at a desk, an operator records a call: one step shows the category\'s questions', async () => {
  const page = await newPage(chrome.browser, { javaScriptEnabled: false });
  // (axe-core needs JavaScript: these pages are checked with it on in the phone journey.)
  // Polish chosen before logging in (the account may have been left in English): kept.
  await page.goto(`${BASE}/login`);
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('button', { name: 'Polski' }).click();
  await page.getByLabel('Adres e-mail').fill(process.env.OPERATOR_EMAIL);
  await page.getByLabel('Hasło', { exact: true }).fill(process.env.BUDGET_PASSWORD);
  await page.getByRole('button', { name: 'Zaloguj się' }).click();
  await page.waitForURL(`${BASE}/staff/queue`);
  await page.goto(`${BASE}/staff/intake`);
  await page.getByLabel('Kategoria').selectOption({ label: 'Awarie oświetlenia' });
  await page.getByLabel('Adres lub opis miejsca').fill('ul. Karmelicka 20');
  await page.getByRole('button', { name: 'Pokaż pytania tej kategorii' }).click();
  await page.waitForLoadState('load');
  // What was typed stays; the questions are asked, no error is shown.
  assert.equal(await page.getByLabel('Adres lub opis miejsca').inputValue(), 'ul. Karmelicka 20');
  assert.equal(await page.locator('.error-summary').count(), 0);
  await page.getByLabel('Numer słupa oświetleniowego').fill('KR-1234');
  await page.getByLabel('Co zgłasza rozmówca?').fill('Nie świeci latarnia przed wejściem do szkoły.');
  await page.getByRole('button', { name: 'Zapisz zgłoszenie' }).click();
  await page.waitForURL(/\/staff\/reports\//);
  await assert.doesNotReject(page.getByText('Zgłoszenie zostało zapisane.').waitFor());
  await assert.doesNotReject(page.getByText('KR-1234').waitFor());
  await page.context().close();
});
