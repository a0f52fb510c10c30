// The resident's first visit: register → confirm via the outbox → log in → switch to
// English → log out, with axe-core on every page on the way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withBrowser, newPage, checkPage, login, outbox, BASE, ADMIN } from './support.js';

const chrome = withBrowser();

const email = `mieszkanka-${Date.now()}@example.pl`;
const password = 'moje-dlugie-haslo-do-miasta';

test('a resident registers, confirms by e-mail, logs in, switches to English and logs out', async () => {
  const page = await newPage(chrome.browser);

  await page.goto(`${BASE}/`);
  await checkPage(page, 'home');
  assert.equal(await page.getAttribute('html', 'lang'), 'pl');

  // The skip link is the first thing the keyboard reaches, and it is visible when focused.
  await page.keyboard.press('Tab');
  const skip = page.locator('.skip-link');
  await assert.doesNotReject(skip.evaluate((el) => { if (el !== document.activeElement) throw new Error('not focused'); }));
  assert.ok(await skip.isVisible(), 'skip link visible on focus');

  await page.getByRole('link', { name: 'Załóż konto' }).first().click();
  await checkPage(page, 'register');

  // A mistake first: the form comes back with messages and what was typed.
  await page.getByLabel('Adres e-mail').fill('to-nie-jest-adres');
  await page.getByLabel('Nowe hasło').fill('krotkie');
  await page.getByRole('button', { name: 'Załóż konto' }).click();
  await checkPage(page, 'register with errors');
  await assert.doesNotReject(page.getByRole('alert').getByText('Podaj adres e-mail w poprawnym formacie').waitFor());
  assert.equal(await page.getByLabel('Adres e-mail').inputValue(), 'to-nie-jest-adres');
  assert.equal(await page.getByLabel('Adres e-mail').getAttribute('aria-invalid'), 'true');

  await page.getByLabel('Adres e-mail').fill(email);
  await page.getByLabel('Nowe hasło').fill(password);
  await page.getByLabel('Powtórz hasło').fill(password);
  await page.getByRole('button', { name: 'Załóż konto' }).click();
  await page.waitForURL(`${BASE}/register/check-email`);
  await checkPage(page, 'check e-mail');

  // An admin reads the confirmation e-mail in the development outbox.
  const admin = await newPage(chrome.browser);
  // Staff land on their work: the admin on the administration page.
  await login(admin, ADMIN.email, ADMIN.password);
  await admin.waitForURL(`${BASE}/admin`);
  await checkPage(admin, 'admin dashboard');
  await admin.goto(`${BASE}/admin/outbox?to=${encodeURIComponent(email)}`);
  await checkPage(admin, 'outbox');
  await admin.getByRole('link', { name: /Potwierdź adres e-mail/ }).click();
  await checkPage(admin, 'outbox message');
  const body = await admin.locator('.email-body').innerText();
  const link = body.match(/https?:\/\/\S+\/confirm-email\?token=[0-9a-f]+/)?.[0];
  assert.ok(link, `confirmation link in: ${body}`);
  await admin.context().close();

  await page.goto(link);
  await checkPage(page, 'confirm e-mail');
  // Confirming logs the resident in: straight to "My city".
  await page.getByRole('button', { name: 'Potwierdzam adres e-mail' }).click();
  await page.waitForURL(`${BASE}/my`);
  await checkPage(page, 'my city after confirmation');
  await assert.doesNotReject(page.getByRole('status').getByText('Adres e-mail został potwierdzony.').waitFor());
  await assert.doesNotReject(page.getByText(`Zalogowano jako ${email}.`).waitFor());
  // …and logging out and in again works with the password.
  await page.getByRole('button', { name: 'Wyloguj się' }).click();
  await page.waitForURL(`${BASE}/`);
  await page.goto(`${BASE}/login`);
  await page.getByLabel('Adres e-mail').fill(email);
  await page.getByLabel('Hasło', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Zaloguj się' }).click();
  await page.waitForURL(`${BASE}/my`);
  await checkPage(page, 'my city');

  await page.getByRole('link', { name: 'Moje konto' }).click();
  await checkPage(page, 'my account');

  await page.getByRole('button', { name: 'English' }).click();
  await page.waitForURL(`${BASE}/my/account`);
  await checkPage(page, 'my account in English');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.locator('h1').innerText(), 'My account');

  await page.getByRole('link', { name: 'My city' }).click();
  await checkPage(page, 'my city in English');

  await page.getByRole('button', { name: 'Log out' }).click();
  await page.waitForURL(`${BASE}/`);
  await checkPage(page, 'home after logout');
  await assert.doesNotReject(page.getByRole('status').getByText('You are logged out.').waitFor());
  assert.equal(await page.getAttribute('html', 'lang'), 'en', 'the language choice outlives the session');

  // Logged out for real: "My city" asks to log in again.
  await page.goto(`${BASE}/my`);
  await page.waitForURL(/\/login\?next=/);
  await checkPage(page, 'login required');
  await page.context().close();
});

test('error pages are accessible too', async () => {
  const page = await newPage(chrome.browser);
  const response = await page.goto(`${BASE}/nie-ma-takiej-strony`);
  assert.equal(response.status(), 404);
  await checkPage(page, 'not found');
  await page.goto(`${BASE}/password/reset?token=nieprawidlowy`);
  await checkPage(page, 'invalid reset link');
  await page.context().close();
});

test('the API reference for app developers is reachable from the footer and accessible', async () => {
  const page = await newPage(chrome.browser);
  await page.goto(`${BASE}/`);
  await page.getByRole('link', { name: 'Dla twórców aplikacji' }).click();
  await page.waitForURL(/\/developers\/api$/);
  await checkPage(page, 'API reference');
  await assert.doesNotReject(page.getByRole('heading', { name: /POST \/api\/v1\/reports – Send a report/ }).waitFor());
  await page.context().close();
});

test('the statistics page is reachable from the menu and accessible', async () => {
  const page = await newPage(chrome.browser);
  await page.goto(`${BASE}/`);
  await page.getByRole('link', { name: 'W liczbach' }).first().click();
  await page.waitForURL(/\/stats$/);
  await checkPage(page, 'statistics');
  await page.getByLabel('Okres').selectOption({ label: 'Półrocze' });
  await page.getByLabel('Półrocze', { exact: true }).fill('1');
  await page.getByRole('button', { name: 'Pokaż' }).click();
  await page.waitForURL(/period=half/);
  await checkPage(page, 'statistics for a half-year');
  await page.getByRole('link', { name: 'Otwarte dane' }).first().click();
  await page.waitForURL(/\/opendata$/);
  await checkPage(page, 'open data catalogue');
  await page.context().close();
});

test('an admin invites a clerk, who sets a password from the e-mail and lands on the queue', async () => {
  const invited = `urzedniczka-${Date.now()}@example.pl`;
  const admin = await newPage(chrome.browser);
  await login(admin, ADMIN.email, ADMIN.password);
  await admin.goto(`${BASE}/admin/users`);
  await admin.getByRole('link', { name: 'Zaproś pracownika' }).click();
  await checkPage(admin, 'invite staff');
  // Unit staff without a unit: said on the field, the address kept.
  await admin.getByLabel('Adres e-mail').fill(invited);
  await admin.getByRole('button', { name: 'Wyślij zaproszenie' }).click();
  await checkPage(admin, 'invite staff: errors');
  assert.equal(await admin.getByLabel('Adres e-mail').inputValue(), invited);
  await admin.getByLabel('Jednostka').selectOption({ index: 1 });
  await admin.getByRole('button', { name: 'Wyślij zaproszenie' }).click();
  await admin.waitForURL(/\/admin\/users\/[0-9a-f-]+$/);
  await checkPage(admin, 'invited account');
  await assert.doesNotReject(admin.getByRole('button', { name: 'Wyślij zaproszenie ponownie' }).waitFor());
  await admin.context().close();

  const [mail] = await outbox(chrome.browser, invited);
  const link = mail.body.match(/https?:\/\/\S+/)[0];
  const page = await newPage(chrome.browser);
  await page.goto(link);
  await checkPage(page, 'set the first password');
  await page.getByLabel('Nowe hasło').fill(password);
  await page.getByLabel('Powtórz hasło').fill(password);
  await page.getByRole('button', { name: 'Ustaw hasło' }).click();
  await page.waitForURL(`${BASE}/login`);
  await login(page, invited, password);
  assert.equal(new URL(page.url()).pathname, '/staff/queue');
  await page.context().close();
});
