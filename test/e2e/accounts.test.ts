// A school gets in by itself, in Chromium, as its people do it: a fresh
// server's setup code makes the school's administrator, who imports the
// e-journal's CSV (saved by Russian Excel in Windows-1251) from the admin
// screen with a dry run first, prints a class's code sheet, gives a new
// code, and approves a teacher who applied with the school's invitation
// (1366×768). A parent on a phone (360×740) types their code in small
// letters with Cyrillic look-alikes, chooses a password, signs out and in,
// and finds their child's parents' chat and the next meeting; no token is
// ever in an address or in the browser's storage. A pupil and a teacher
// cannot reach the admin screens (the server refuses them). The admin signs
// in with a password on both screens and reaches the admin screens from home;
// a pupil signs out another device, then all others; closing the pupil's
// sign-in ends their session at once. The admin adds a teacher and moves a
// pupil from the screen, and prints the teachers' code sheet. The signed-in
// parent's pages (home, messenger, call, devices) keep no token anywhere a
// script reads (both storages, cookies, IndexedDB, Cache Storage) nor in any
// address, and the session cookie is HttpOnly.
// Screenshots: laptop-setup, laptop-import-dry-run, laptop-import-applied,
// laptop-school-people, code-sheet-5A (the PDF's first page), laptop-teacher-apply,
// laptop-admin-approve, phone-activate-code, phone-activate-who, phone-parent-home,
// phone-login, phone-parent-home-again, phone-devices, laptop-pupil-no-admin,
// laptop-/phone-admin-home, laptop-/phone-admin-school, laptop-/phone-pupil-home,
// phone-login-english, phone-devices-three, phone-devices-one, phone-pupil-deactivated,
// laptop-admin-added-teacher, laptop-admin-moved-pupil, phone-teacher-new-code,
// phone-pupil-new-password.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHOOL_CSV, SETUP_CODE, asTyped } from '../helpers/accounts.js';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { SCREENSHOT_DIR, closePages, openPage, screenshot } from '../helpers/callPage.js';
import { type ChatTestServer, startChatServer } from '../helpers/chatServer.js';

let s: ChatTestServer;
let browser: Browser;
let admin: Page;
let adminUrl: string;
let teacher: Page;
/** Every address any page of the test visited, and every token the session handed out. */
const visited: string[] = [];
const handedOut = new Set<string>();

function watch(page: Page): Page {
  page.on('framenavigated', (f) => visited.push(f.url()));
  page.on('request', (r) => visited.push(r.url()));
  page.on('response', (r) => {
    if (!r.url().includes('/api/account/tokens/')) return;
    void r
      .json()
      .then((b: { token?: string }) => b.token && handedOut.add(b.token))
      .catch(() => undefined);
  });
  return page;
}

/** Everything the page keeps where a script can read it: both storages, script-visible cookies, IndexedDB, Cache Storage. */
async function storageOf(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const all: string[] = [`cookie:${document.cookie}`];
    for (const store of [localStorage, sessionStorage]) {
      for (let i = 0; i < store.length; i++) {
        const k = store.key(i)!;
        all.push(`${k}=${store.getItem(k)}`);
      }
    }
    for (const info of await indexedDB.databases()) {
      const db = await new Promise<IDBDatabase>((ok, fail) => {
        const r = indexedDB.open(info.name!);
        r.onsuccess = () => ok(r.result);
        r.onerror = () => fail(r.error);
      });
      for (const name of db.objectStoreNames) {
        const rows = await new Promise<unknown[]>((ok) => {
          const r = db.transaction(name).objectStore(name).getAll();
          r.onsuccess = () => ok(r.result);
          r.onerror = () => ok([]);
        });
        all.push(`idb:${info.name}/${name}=${JSON.stringify(rows)}`);
      }
      db.close();
    }
    for (const name of await caches.keys()) {
      for (const req of await (await caches.open(name)).keys()) all.push(`cache:${name}=${req.url}`);
    }
    return all.join('\n');
  });
}

/** A JWT (header "eyJ...") anywhere: what a token in an address or in storage looks like. */
const TOKEN = /eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/;

/**
 * The signed-in page keeps no token where a script or an address could leak
 * it: not any the session handed out, nothing token-shaped, not the session
 * cookie (HttpOnly, so no script reads it).
 */
async function expectNoTokenKept(page: Page, where: string): Promise<void> {
  const kept = await storageOf(page);
  expect(kept, where).not.toMatch(TOKEN);
  expect(TOKEN.test(decodeURIComponent(page.url())), `${where}: ${page.url()}`).toBe(false);
  for (const token of handedOut) {
    expect(kept.includes(token), `${where}: a handed-out token in storage`).toBe(false);
    expect(page.url().includes(token), `${where}: a handed-out token in the address`).toBe(false);
  }
  const session = (await page.context().cookies()).find((c) => c.name.endsWith('sc_session'));
  expect(session, where).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
  expect(kept.includes(session!.value), `${where}: the session id readable by scripts`).toBe(false);
}

async function tab(page: Page, name: string): Promise<void> {
  await page.getByRole('tab', { name }).click();
}

describe.skipIf(!chromiumAvailable())('accounts in the browser: a school gets in by itself', () => {
  beforeAll(async () => {
    s = await startChatServer({ SETUP_CODE });
    browser = await launchChromium();
  }, 90_000);
  afterAll(async () => {
    await closePages();
    await browser?.close();
    await s?.stop();
  });

  it('the setup code makes the school’s admin, who imports the journal’s Windows-1251 CSV with a dry run first', async () => {
    // The admin works at another name of the machine than the server's public
    // address (PUBLIC_URL, here 127.0.0.1): the printed sheets must still say PUBLIC_URL.
    adminUrl = s.httpUrl.replace('127.0.0.1', 'localhost');
    admin = watch(await openPage(browser, `${adminUrl}/login`, 'laptop'));
    await admin.getByRole('button', { name: 'У меня есть код из школы' }).click();
    await admin.getByLabel('Код с листка').fill(SETUP_CODE.toLowerCase());
    await admin.getByRole('button', { name: 'Дальше' }).click();
    await admin.getByLabel('Название школы').fill('Школа № 7');
    await admin.getByLabel('Фамилия').fill('Директорова');
    await admin.getByLabel('Имя', { exact: true }).fill('Ольга');
    await admin.getByLabel('Отчество').fill('Ивановна');
    await admin.getByLabel('Номер телефона (или логин)').fill('+7 900 000-00-00');
    await admin.getByLabel('Новый пароль').fill('пароль директора');
    await admin.getByLabel('Пароль ещё раз').fill('пароль директора');
    await screenshot(admin, 'laptop-setup');
    await admin.getByRole('button', { name: 'Создать школу' }).click();
    await admin.getByRole('heading', { name: 'Управление школой' }).waitFor();
    // The school's id, which the single sign-on settings need, with a button to copy it.
    const schoolIdLine = admin.locator('.school-id');
    await expect.poll(() => schoolIdLine.textContent()).toMatch(/Номер школы на этом сервере.*school-/);
    await schoolIdLine.getByRole('button', { name: 'Копировать номер' }).waitFor();

    await tab(admin, 'Импорт из журнала');
    const cp1251 = iconv.encode(SCHOOL_CSV.replace(/\n/g, '\r\n'), 'win1251');
    await admin
      .getByLabel('Выбрать файл')
      .setInputFiles({ name: 'школа.csv', mimeType: 'text/csv', buffer: cp1251 });
    await admin.getByRole('button', { name: 'Проверить, что изменится' }).click();
    const report = admin.locator('.report');
    await report.getByRole('heading', { name: 'Что изменится (пока ничего не изменено)' }).waitFor();
    await expect.poll(() => report.textContent()).toContain('Кодировка файла: windows-1251');
    expect(await report.textContent()).toContain('Добавятся: 8');
    expect(await report.textContent()).toContain('Иван Иванов (ученик, 5А)');
    expect(await report.textContent()).toContain('Новые классы: 5А, 6А');
    await screenshot(admin, 'laptop-import-dry-run');
    await admin.getByRole('button', { name: 'Применить' }).click();
    await admin.getByText('Готово: изменения применены.').waitFor();
    await screenshot(admin, 'laptop-import-applied');
  });

  it('a file with mistakes gets every row’s problem in Russian, with the class', async () => {
    const bad = `${SCHOOL_CSV}\nученик;p-new;Новиков;Ник;;;7Б;;;;;;\nродитель;m-x;Кто;То;;;;;;p-nobody;;;`;
    await admin.getByLabel('Выбрать файл').setInputFiles({
      name: 'ошибки.csv',
      mimeType: 'text/csv',
      buffer: iconv.encode(bad, 'win1251'),
    });
    await admin.getByRole('button', { name: 'Проверить, что изменится' }).click();
    const problems = admin.locator('.problems');
    await problems.waitFor();
    expect(await problems.textContent()).toContain('строка 12 (Ник Новиков): класса 7Б в файле нет');
    expect(await problems.textContent()).toContain(
      'строка 13 (То Кто): ребёнок с ид p-nobody не найден среди учеников',
    );
  });

  it('the admin prints the parents’ code sheet of 5А as a PDF and gives a pupil a new code', async () => {
    await tab(admin, 'Люди и классы');
    const fiveA = admin.locator('[data-class="5А"]');
    await fiveA.getByRole('heading', { name: 'Класс 5А' }).waitFor();
    const download = admin.waitForEvent('download');
    await fiveA.getByRole('button', { name: 'Коды родителей (PDF)' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('Коды родителей 5А.pdf');
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const pdf = join(SCREENSHOT_DIR, 'code-sheet-5A.pdf');
    await file.saveAs(pdf);
    if (existsSync('/usr/bin/pdftotext')) {
      const text = execFileSync('pdftotext', [pdf, '-']).toString();
      expect(text).toContain('Елена Петровна Иванова');
      expect(text.replace(/\s+/g, ' ')).toContain(`Откройте ${s.httpUrl}/login`);
      expect(text).not.toContain('localhost');
      expect(text).toMatch(
        /[ACDEFHJKMNPRTUWXY34679]{4}-[ACDEFHJKMNPRTUWXY34679]{4}-[ACDEFHJKMNPRTUWXY34679]{4}/,
      );
      execFileSync('pdftoppm', [
        '-png',
        '-r',
        '60',
        '-f',
        '1',
        '-l',
        '1',
        pdf,
        join(SCREENSHOT_DIR, 'code-sheet-5A'),
      ]);
    }
    await expect
      .poll(() => fiveA.locator('[data-person="m-ivanova"]').getAttribute('data-status'))
      .toBe('code');
    await fiveA.getByRole('button', { name: 'Новый код: Иван Иванов' }).click();
    // The code shows in the pupil's own line, where the admin pressed.
    await expect
      .poll(() => fiveA.locator('[data-person="p-ivan"] .issued-code').textContent())
      .toMatch(/^Новый код: [A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4} \(действует до /);
    await screenshot(admin, 'laptop-school-people');
  });

  it('a teacher applies with the school’s invitation and the admin approves: pupils’ parents see the mark', async () => {
    await tab(admin, 'Учителя');
    await admin.getByRole('button', { name: 'Создать приглашение' }).click();
    const shown = await admin.locator('.code-shown').textContent();
    const invitation = /Приглашение: (\S+)/.exec(shown ?? '')![1]!;
    // The teachers' sheet: every teacher not signed in yet, on paper.
    const sheet = admin.waitForEvent('download');
    await admin.getByRole('button', { name: 'Коды учителей (PDF)' }).click();
    expect((await sheet).suggestedFilename()).toBe('Коды учителей.pdf');
    // The class teacher of 5А gets a code from the admin and signs in with it.
    await admin.getByRole('button', { name: 'Новый код: Нина Павловна Орлова' }).click();
    const line = admin.locator('[data-person="t-orlova"] .issued-code');
    await expect.poll(() => line.textContent()).toMatch(/^Новый код: /);
    const msg = await line.textContent();
    const code = /: ([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})/.exec(msg ?? '')![1]!;
    teacher = watch(await openPage(browser, `${s.httpUrl}/login#code`, 'laptop'));
    await teacher.getByLabel('Код с листка').fill(code);
    await teacher.getByRole('button', { name: 'Дальше' }).click();
    await teacher.getByText('Нина Павловна Орлова').waitFor();
    await teacher.getByLabel('Номер телефона (или логин)').fill('orlova.nina');
    await teacher.getByLabel('Новый пароль').fill('пароль учителя');
    await teacher.getByLabel('Пароль ещё раз').fill('пароль учителя');
    await teacher.getByRole('button', { name: 'Сохранить и войти' }).click();
    await teacher.getByRole('heading', { name: 'Здравствуйте, Нина Павловна Орлова' }).waitFor();
    await teacher.getByRole('link', { name: 'Мои устройства' }).click();
    await teacher.getByLabel('Приглашение школы').fill(invitation.toLowerCase());
    await teacher.getByRole('button', { name: 'Отправить заявку' }).click();
    await teacher.getByText('Заявка отправлена').waitFor();
    await screenshot(teacher, 'laptop-teacher-apply');

    await admin.reload();
    await tab(admin, 'Учителя');
    const request = admin.locator('[data-request="t-orlova"]');
    await request.getByRole('button', { name: 'Подтвердить' }).click();
    await admin.getByText('Нина Павловна Орлова: подтверждён(а).').waitFor();
    await screenshot(admin, 'laptop-admin-approve');
  });

  it('a parent on a phone activates with a code typed in small Cyrillic look-alikes, signs out and back in, and finds the parents’ chat and the meeting', async () => {
    // The class's parents' meeting, scheduled by the school's system.
    const view = await admin.evaluate(async () => (await fetch('/api/account/me')).json());
    const schoolId = (view as { person: { schoolId: string } }).person.schoolId;
    const start = new Date(Date.now() + 2 * 3600_000).toLocaleString('sv-SE', { timeZone: 'Europe/Moscow' });
    const meeting = await fetch(`${s.httpUrl}/api/meetings`, {
      method: 'POST',
      headers: s.adminHeaders,
      body: JSON.stringify({
        title: 'Родительское собрание 5А',
        startsAt: start.slice(0, 16).replace(' ', 'T'),
        timeZone: 'Europe/Moscow',
        durationMinutes: 45,
        class: { schoolId, classId: '5А', audience: 'parents' },
      }),
    });
    expect(meeting.status).toBe(201);
    // The code from the sheet the admin printed.
    const codes = await admin.evaluate(async () => {
      const me = (await (await fetch('/api/account/me')).json()) as { csrf: string };
      const r = await fetch('/api/school/codes', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrf },
        body: JSON.stringify({ personIds: ['m-ivanova'] }),
      });
      return (await r.json()) as { codes: { code: string }[] };
    });
    const typed = asTyped(codes.codes[0]!.code);

    const parent = watch(await openPage(browser, `${s.httpUrl}/`, 'phone'));
    await parent.getByRole('link', { name: 'Войти', exact: true }).click();
    // A newcomer's way in is on the phone's first screen, without scrolling (the walk of #23).
    const codeButton = parent.getByRole('button', { name: 'У меня есть код из школы' });
    const box = (await codeButton.boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(parent.viewportSize()!.height);
    await codeButton.click();
    await parent.getByLabel('Код с листка').fill(typed);
    await screenshot(parent, 'phone-activate-code');
    await parent.getByRole('button', { name: 'Дальше' }).click();
    await parent.getByRole('heading', { name: 'Это вы?' }).waitFor();
    await expect
      .poll(() => parent.locator('.who').textContent())
      .toContain('Иван Иванов (5А), Мария Иванова (6А)');
    await parent.getByLabel('Номер телефона (или логин)').fill('8 916 111 22 33');
    await parent.getByLabel('Новый пароль').fill('мамин пароль');
    await parent.getByLabel('Пароль ещё раз').fill('мамин пароль');
    await screenshot(parent, 'phone-activate-who');
    await parent.getByRole('button', { name: 'Сохранить и войти' }).click();
    await parent.getByRole('heading', { name: 'Здравствуйте, Елена Петровна Иванова' }).waitFor();
    await expect
      .poll(() => parent.locator('[data-chat]').allTextContents())
      .toEqual(expect.arrayContaining(['5А · родители', '6А · родители']));
    await parent.locator('.lesson', { hasText: 'Родительское собрание 5А' }).waitFor();
    await screenshot(parent, 'phone-parent-home');
    await expectNoTokenKept(parent, 'home after activation');

    await parent.getByRole('button', { name: 'Выйти' }).click();
    await parent.waitForURL(/\/login$/);
    await parent.getByLabel('Номер телефона').fill('+7 (916) 111-22-33');
    await parent.getByLabel('Пароль').fill('мамин пароль');
    await screenshot(parent, 'phone-login');
    await parent.getByRole('button', { name: 'Войти', exact: true }).click();
    await parent.getByRole('heading', { name: 'Здравствуйте, Елена Петровна Иванова' }).waitFor();
    const lesson = parent.locator('.lesson', { hasText: 'Родительское собрание 5А' });
    await lesson.waitFor();
    expect(await lesson.textContent()).toContain('45 мин');
    // The verified class teacher, as parents see her.
    await expect
      .poll(() => parent.locator('.card', { hasText: 'Классные руководители' }).textContent())
      .toContain('Нина Павловна Орлова');
    expect(await parent.locator('.card', { hasText: 'Классные руководители' }).textContent()).toContain(
      'Подтверждённый учитель',
    );
    await screenshot(parent, 'phone-parent-home-again');

    // The parents' chat opens in the messenger, and the meeting's call takes its token from the session.
    await parent.locator('[data-chat]', { hasText: '5А · родители' }).click();
    await parent.waitForURL(/\/messenger#chat=/);
    await parent.getByRole('button', { name: /^Войти в звонок: Родительское собрание 5А/ }).waitFor();
    await expectNoTokenKept(parent, 'messenger');
    await screenshot(parent, 'phone-parent-messenger');
    // Home is a tap away from the messenger.
    await parent.getByRole('link', { name: 'На главную' }).click();
    await parent.getByRole('heading', { name: 'Здравствуйте, Елена Петровна Иванова' }).waitFor();
    await expectNoTokenKept(parent, 'home');
    await lesson.getByRole('link', { name: 'Войти на встречу' }).click();
    await parent.waitForURL(/\/room\/.+#chat=.+&seq=\d+$/);
    await parent.locator('#join-button:not([disabled])').waitFor({ timeout: 20_000 });
    await parent.locator('#join-button').click();
    await parent.locator('#controls').waitFor({ timeout: 20_000 });
    await expectNoTokenKept(parent, 'call');
    // The page is on the session: the messenger and the call each got their tokens from it.
    expect(handedOut.size).toBeGreaterThanOrEqual(2);

    await parent.goto(`${s.httpUrl}/account`);
    await parent.locator('.device[data-current="yes"]').waitFor();
    await screenshot(parent, 'phone-devices');
    await expectNoTokenKept(parent, 'devices');
  });

  it('a pupil and a teacher cannot reach the admin screens: the server refuses them', async () => {
    const pupil = watch(await openPage(browser, `${s.httpUrl}/login`, 'laptop'));
    const code = await admin.evaluate(async () => {
      const me = (await (await fetch('/api/account/me')).json()) as { csrf: string };
      const r = await fetch('/api/school/codes', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrf },
        body: JSON.stringify({ personIds: ['p-ivan'] }),
      });
      return ((await r.json()) as { codes: { code: string }[] }).codes[0]!.code;
    });
    await pupil.getByRole('button', { name: 'У меня есть код из школы' }).click();
    await pupil.getByLabel('Код с листка').fill(code);
    await pupil.getByRole('button', { name: 'Дальше' }).click();
    await pupil.getByLabel('Номер телефона (или логин)').fill('ivan5a');
    await pupil.getByLabel('Новый пароль').fill('пароль ивана');
    await pupil.getByLabel('Пароль ещё раз').fill('пароль ивана');
    await pupil.getByRole('button', { name: 'Сохранить и войти' }).click();
    await pupil.getByRole('heading', { name: 'Здравствуйте, Иван Иванов' }).waitFor();
    expect(await pupil.getByRole('link', { name: 'Управление школой' }).count()).toBe(0);
    await pupil.goto(`${s.httpUrl}/school`);
    await expect
      .poll(() => pupil.locator('#message').textContent())
      .toContain('Это доступно только администратору школы');
    await screenshot(pupil, 'laptop-pupil-no-admin');
    const csrf = await pupil.evaluate(
      async () => ((await (await fetch('/api/account/me')).json()) as { csrf: string }).csrf,
    );
    for (const path of [
      '/api/school/import?dryRun=1',
      '/api/school/invitation',
      '/api/school/people/p-maria/deactivate',
    ]) {
      const status = await pupil.evaluate(
        async ([p, t]) =>
          (await fetch(p!, { method: 'POST', headers: { 'x-csrf-token': t! }, body: 'x' })).status,
        [path, csrf],
      );
      expect(status).toBe(403);
    }
    // The class teacher of 5А (not an admin) gets her own class's code sheets, nothing else.
    await teacher.goto(`${s.httpUrl}/school`);
    await teacher.getByRole('heading', { name: 'Коды для моего класса' }).waitFor();
    await teacher.locator('[data-class="5А"]').waitFor();
    expect(await teacher.locator('[data-class="6А"]').count()).toBe(0);
    expect(await teacher.getByRole('tab').count()).toBe(0);
    const teacherCsrf = await teacher.evaluate(
      async () => ((await (await fetch('/api/account/me')).json()) as { csrf: string }).csrf,
    );
    const teacherImport = await teacher.evaluate(
      async (t) =>
        (await fetch('/api/school/import', { method: 'POST', headers: { 'x-csrf-token': t }, body: 'x' }))
          .status,
      teacherCsrf,
    );
    expect(teacherImport).toBe(403);
    // Nothing any page visited carried a token in its address.
    const withToken = visited.filter(
      (u) => TOKEN.test(decodeURIComponent(u)) || [...handedOut].some((t) => u.includes(t)),
    );
    expect(withToken).toEqual([]);
  });

  it('the admin signs in with a password and reaches the admin screens from home (laptop and phone); a pupil signs out another device, then all others; closing the pupil’s sign-in ends their session at once', async () => {
    const signIn = async (page: Page, login: string, password: string) => {
      if (!login.startsWith('+')) {
        await page.getByRole('button', { name: 'Войти по логину или эл. почте' }).click();
        await page.getByLabel('Логин или эл. почта').fill(login);
      } else {
        await page.getByLabel('Номер телефона').fill(login);
      }
      await page.getByLabel('Пароль').fill(password);
      await page.getByRole('button', { name: 'Войти', exact: true }).click();
    };
    for (const device of ['laptop', 'phone'] as const) {
      const page = watch(await openPage(browser, `${s.httpUrl}/login`, device));
      await signIn(page, '+7 900 000-00-00', 'пароль директора');
      await page.getByRole('heading', { name: /^Здравствуйте, .*Ольга/ }).waitFor();
      await screenshot(page, `${device}-admin-home`);
      await page.getByRole('link', { name: 'Управление школой' }).click();
      await page.getByRole('heading', { name: 'Управление школой' }).waitFor();
      await page.getByRole('heading', { name: 'Класс 5А' }).waitFor();
      // Every tab is on the screen, the phone's too (none hidden past its right edge).
      for (const name of ['Люди и классы', 'Импорт из журнала', 'Учителя']) {
        const box = (await page.getByRole('tab', { name }).boundingBox())!;
        expect(box.x + box.width).toBeLessThanOrEqual(page.viewportSize()!.width);
      }
      await screenshot(page, `${device}-admin-school`);
    }

    const pupilLaptop = watch(await openPage(browser, `${s.httpUrl}/login`, 'laptop'));
    await signIn(pupilLaptop, 'ivan5a', 'пароль ивана');
    await pupilLaptop.getByRole('heading', { name: 'Здравствуйте, Иван Иванов' }).waitFor();
    await pupilLaptop.locator('[data-chat]').first().waitFor();
    await screenshot(pupilLaptop, 'laptop-pupil-home');
    const pupilPhone = watch(await openPage(browser, `${s.httpUrl}/login`, 'phone'));
    // Russian first, English a click away, and back.
    await pupilPhone.getByRole('heading', { name: 'Вход' }).waitFor();
    await pupilPhone.locator('[data-lang-switch]').click();
    await pupilPhone.getByRole('heading', { name: 'Sign in' }).waitFor();
    await screenshot(pupilPhone, 'phone-login-english');
    await pupilPhone.locator('[data-lang-switch]').click();
    await pupilPhone.getByRole('heading', { name: 'Вход' }).waitFor();
    await signIn(pupilPhone, 'ivan5a', 'пароль ивана');
    await pupilPhone.getByRole('heading', { name: 'Здравствуйте, Иван Иванов' }).waitFor();
    await screenshot(pupilPhone, 'phone-pupil-home');
    await pupilPhone.getByRole('link', { name: 'Мои устройства' }).click();
    const devices = pupilPhone.locator('.device');
    // This phone, the laptop just now, and the laptop of the activation before.
    await expect.poll(() => devices.count(), { timeout: 20_000 }).toBe(3);
    await screenshot(pupilPhone, 'phone-devices-three');
    await pupilPhone
      .locator('.device[data-current="no"]')
      .first()
      .getByRole('button', { name: 'Выйти на нём' })
      .click();
    await expect.poll(() => devices.count(), { timeout: 20_000 }).toBe(2);
    await pupilPhone.getByRole('button', { name: 'Выйти на всех, кроме этого' }).click();
    await expect.poll(() => devices.count(), { timeout: 20_000 }).toBe(1);
    await screenshot(pupilPhone, 'phone-devices-one');
    // The laptop's session is gone: its home is the front door again.
    await pupilLaptop.goto(`${s.httpUrl}/account`);
    await pupilLaptop.waitForURL(/\/login\?next=/);

    // The admin closes the pupil's sign-in: the phone's session ends at once, and the password no longer works.
    await admin.goto(`${adminUrl}/school`);
    await admin.getByRole('button', { name: 'Закрыть вход: Иван Иванов' }).click();
    await admin
      .getByRole('dialog', { name: /^Закрыть вход для Иван Иванов\?/ })
      .getByRole('button', { name: 'Закрыть вход', exact: true })
      .click();
    await admin.getByRole('button', { name: 'Открыть вход: Иван Иванов' }).waitFor();
    await pupilPhone.reload();
    await pupilPhone.waitForURL(/\/login\?next=/);
    await signIn(pupilPhone, 'ivan5a', 'пароль ивана');
    await expect
      .poll(() => pupilPhone.getByRole('alert').first().textContent(), { timeout: 20_000 })
      .toContain('Школа закрыла вход для этого человека');
    await screenshot(pupilPhone, 'phone-pupil-deactivated');
    const withToken = visited.filter(
      (u) => TOKEN.test(decodeURIComponent(u)) || [...handedOut].some((t) => u.includes(t)),
    );
    expect(withToken).toEqual([]);
  });
  it('the admin adds a teacher the journal has not brought, and moves a pupil to another class, from the screen (1366×768)', async () => {
    await admin.goto(`${adminUrl}/school`);
    await tab(admin, 'Учителя');
    const form = admin.locator('form.add-teacher');
    await form.getByLabel('Фамилия').fill('Новикова');
    await form.getByLabel('Имя', { exact: true }).fill('Дарья');
    await form.getByLabel('Отчество').fill('Андреевна');
    await form.getByLabel('Телефон').fill('+7 916 555-44-33');
    await form.getByRole('button', { name: 'Добавить' }).click();
    await admin.getByText('Учитель добавлен. Выдайте ему код.').waitFor();
    await admin.getByRole('button', { name: 'Новый код: Дарья Андреевна Новикова' }).click();
    await expect
      .poll(() => admin.locator('.person-row', { hasText: 'Дарья Андреевна Новикова' }).textContent())
      .toMatch(/Новый код: [A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}/);
    await screenshot(admin, 'laptop-admin-added-teacher');

    await tab(admin, 'Люди и классы');
    const sixA = admin.locator('[data-class="6А"]');
    await sixA.getByRole('button', { name: 'Перевести: Пётр Петров' }).click();
    await sixA.getByLabel('В класс: Пётр Петров').selectOption({ label: '5А' });
    await admin.getByText('Пётр Петров переведён(а) в 5А.').waitFor();
    await admin.locator('[data-class="5А"] [data-person="p-petr"]').waitFor();
    expect(await sixA.locator('[data-person="p-petr"]').count()).toBe(0);
    await screenshot(admin, 'laptop-admin-moved-pupil');
    // The school's directory, as the server keeps it, says so too.
    const me = await admin.evaluate(async () => (await fetch('/api/account/me')).json());
    const schoolId = (me as { person: { schoolId: string } }).person.schoolId;
    const dir = await fetch(`${s.httpUrl}/api/directory/${encodeURIComponent(schoolId)}`, {
      headers: s.adminHeaders,
    });
    const pupils = ((await dir.json()) as { directory: { pupils: { id: string; classId: string }[] } })
      .directory.pupils;
    expect(pupils.find((p) => p.id === 'p-petr')?.classId).toBe('5А');
  });

  it('a pupil who lost their password gets a new code from the class teacher on her phone, and chooses a new one (360×740)', async () => {
    const signIn = async (page: Page, login: string, password: string) => {
      await page.getByRole('button', { name: 'Войти по логину или эл. почте' }).click();
      await page.getByLabel('Логин или эл. почта').fill(login);
      await page.getByLabel('Пароль').fill(password);
      await page.getByRole('button', { name: 'Войти', exact: true }).click();
    };
    const activate = async (page: Page, code: string, login: string, password: string) => {
      await page.getByLabel('Код с листка').fill(code);
      await page.getByRole('button', { name: 'Дальше' }).click();
      await page.getByText('Пётр Петров').first().waitFor();
      await page.getByLabel('Номер телефона (или логин)').fill(login);
      await page.getByLabel('Новый пароль').fill(password);
      await page.getByLabel('Пароль ещё раз').fill(password);
      await page.getByRole('button', { name: 'Сохранить и войти' }).click();
      await page.getByRole('heading', { name: 'Здравствуйте, Пётр Петров' }).waitFor();
    };
    // Пётр (moved into 5А above) got in once with the code from the admin's sheet.
    const first = await admin.evaluate(async () => {
      const me = (await (await fetch('/api/account/me')).json()) as { csrf: string };
      const r = await fetch('/api/school/codes', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrf },
        body: JSON.stringify({ personIds: ['p-petr'] }),
      });
      return ((await r.json()) as { codes: { code: string }[] }).codes[0]!.code;
    });
    const petr = watch(await openPage(browser, `${s.httpUrl}/login#code`, 'phone'));
    await activate(petr, first, 'petr5a', 'старый пароль пети');
    await petr.context().clearCookies();

    // He forgot it. His class teacher (not the admin) gives him a new code from her phone.
    const nina = watch(await openPage(browser, `${s.httpUrl}/login`, 'phone'));
    await signIn(nina, 'orlova.nina', 'пароль учителя');
    await nina.getByRole('heading', { name: 'Здравствуйте, Нина Павловна Орлова' }).waitFor();
    await nina.getByRole('link', { name: 'Коды для моего класса' }).click();
    const fiveA = nina.locator('[data-class="5А"]');
    await fiveA.getByRole('button', { name: 'Новый код: Пётр Петров' }).click();
    const issued = fiveA.locator('[data-person="p-petr"] .issued-code');
    await expect.poll(() => issued.textContent()).toMatch(/^Новый код: [A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}/);
    // Readable on her phone: the whole code inside the screen's width.
    const box = (await issued.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(nina.viewportSize()!.width);
    await issued.scrollIntoViewIfNeeded();
    await screenshot(nina, 'phone-teacher-new-code');
    const code = /([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})/.exec((await issued.textContent()) ?? '')![1]!;
    expect(code).not.toBe(first);

    // Пётр types it on his phone and chooses a new password; the forgotten one no longer opens his account.
    await petr.goto(`${s.httpUrl}/login#code`);
    await activate(petr, code.toLowerCase(), 'petr5a', 'новый пароль пети');
    await screenshot(petr, 'phone-pupil-new-password');
    await petr.context().clearCookies();
    await petr.goto(`${s.httpUrl}/login`);
    await signIn(petr, 'petr5a', 'старый пароль пети');
    await expect.poll(() => petr.getByRole('alert').first().textContent(), { timeout: 20_000 }).toBeTruthy();
    expect(await petr.getByRole('heading', { name: 'Здравствуйте, Пётр Петров' }).count()).toBe(0);
    await petr.goto(`${s.httpUrl}/login`);
    await signIn(petr, 'petr5a', 'новый пароль пети');
    await petr.getByRole('heading', { name: 'Здравствуйте, Пётр Петров' }).waitFor();
    // The code is spent: a second use is refused.
    const again = await fetch(`${s.httpUrl}/api/account/code`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code }),
    });
    expect(again.status).not.toBe(200);
  });
});
