// What a lesson left, on «Итоги урока» (#24), through the real web client and
// server: a teacher starts a lesson from the class chat, a pupil joins on a
// phone, the teacher records it («Запись и трансляция» → «Начать запись»),
// draws on the board and ends the lesson. On the lesson's page the teacher
// plays the recording, downloads it, the transcript (.txt, .vtt) and the
// board as PDF. The pupil's page offers none of it until the teacher ticks
// «Поделиться записью с классом»; then the class chat gets «Запись урока»
// and the pupil plays the recording. The transcript's files are written by
// the transcriber's own writer (no Whisper model here).
// Screenshots: test-artifacts/screenshots/{laptop,phone}-materials-*.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Download, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { DirectoryStorage } from '../../common/storage/directoryStorage.js';
import { Transcript } from '../../transcriber/transcript.js';
import { drawWith, openBoardPanel, waitForBoard } from '../helpers/boardPage.js';
import { chromiumAvailable } from '../helpers/browser.js';
import { layoutReport, screenshot, waitInCall } from '../helpers/callPage.js';
import { messengerScene } from '../helpers/messengerScene.js';

const dir = mkdtempSync(join(tmpdir(), 'lesson-materials-'));
let chatId: string;
const teacher = { userId: 'lm-t', displayName: 'Ирина Павловна Орлова', sortName: 'Орлова Ирина' };
const pupil = {
  userId: 'lm-p',
  displayName: 'Коля Смирнов',
  sortName: 'Смирнов Коля',
  role: 'student' as const,
};

async function enterLesson(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Войти в урок' }).click({ timeout: 20_000 });
  await waitInCall(page);
}

async function downloaded(page: Page, click: () => Promise<void>): Promise<Download> {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), click()]);
  return download;
}

/** The page's video plays: its time moves on. */
async function plays(page: Page): Promise<void> {
  await page.locator('#recap-materials video').evaluate((v: HTMLVideoElement) => {
    v.muted = true;
    return v.play();
  });
  await page.waitForFunction(
    () => (document.querySelector('#recap-materials video') as HTMLVideoElement).currentTime > 0.5,
    undefined,
    {
      timeout: 20_000,
    },
  );
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!chromiumAvailable())('the recording, transcript and board on «Итоги урока»', () => {
  const scene = messengerScene(
    teacher,
    [pupil],
    async (api) => {
      chatId = (await api.request({ createChat: { title: '6Б класс', members: [pupil.userId] } })).chat!
        .chatId!;
    },
    { env: { RECORDINGS_DIR: dir, TRANSCRIPT_DIR: dir } },
  );

  it(
    'the teacher gets them all and shares the recording; the pupil gets it once shared',
    { timeout: 300_000 },
    async () => {
      const kid = await scene.open(pupil, 'phone', chatId);
      const page = await scene.open(teacher, 'laptop', chatId);
      await page.locator(`[data-chat="${chatId}"]`).click();
      await page.getByRole('button', { name: 'Видеозвонок' }).click();
      await page.waitForURL(/\/room\//);
      await enterLesson(page);
      await kid.getByRole('alertdialog').getByRole('button', { name: 'Присоединиться' }).click();
      await kid.waitForURL(/\/room\//);
      await enterLesson(kid);
      const roomId = decodeURIComponent(new URL(page.url()).pathname.split('/')[2]!);

      // The teacher records from «Запись и трансляция».
      await page.getByRole('button', { name: 'Ещё' }).click();
      await page.getByRole('menuitem', { name: 'Запись и трансляция' }).click();
      await page.getByRole('button', { name: 'Начать запись' }).click();
      await kid.locator('#recording-badge').waitFor({ timeout: 30_000 });
      const transcript = new Transcript(roomId, Date.now());
      // And draws on the board.
      await openBoardPanel(page);
      await page.locator('#board-toggle').click();
      // Excalidraw is loaded on demand: on a busy machine it takes a while.
      await page.locator('#board .excalidraw').waitFor({ timeout: 90_000 });
      await waitForBoard(page);
      await drawWith(page, 'rectangle', { x: 300, y: 200 }, { x: 470, y: 320 });
      await page.waitForTimeout(3000);
      await page.getByRole('button', { name: 'Ещё' }).click();
      await page.getByRole('menuitem', { name: 'Запись и трансляция' }).click();
      await page.getByRole('button', { name: 'Остановить запись' }).click();
      await kid.locator('#recording-badge').waitFor({ state: 'detached', timeout: 30_000 });
      const t0 = transcript.startedAtMs;
      transcript.add({
        participantId: 'x',
        speaker: teacher.displayName,
        startMs: t0 + 500,
        endMs: t0 + 2500,
        text: 'Сегодня решаем уравнения',
      });
      const name = new Date(t0)
        .toISOString()
        .replace(/:/g, '-')
        .replace(/\.\d+Z$/, 'Z');
      await transcript.write(new DirectoryStorage(dir), name, '6Б класс');

      await page.getByRole('button', { name: 'Ещё' }).click();
      await page.getByRole('menuitem', { name: 'Завершить урок для всех' }).click();
      await page.getByRole('button', { name: 'Завершить', exact: true }).click();
      await page.getByRole('link', { name: 'Итоги урока' }).click();
      await page.waitForURL(/\/lessons\/[A-Za-z0-9_-]+$/);
      const materials = page.locator('#recap-materials');
      await materials.getByRole('heading', { name: 'Запись и материалы урока' }).waitFor();
      // The recording is finished a moment after the lesson: reload until it is there.
      for (let i = 0; i < 60 && (await materials.locator('video').count()) === 0; i++) {
        await page.waitForTimeout(1000);
        await page.reload();
        await materials.waitFor();
      }
      await plays(page);
      await screenshot(page, 'laptop-materials-teacher');
      const report = await layoutReport(page, [
        teacher.displayName,
        pupil.displayName,
        'CSV',
        'txt',
        'vtt',
        'PDF',
      ]);
      expect(report.overflowX).toBe(0);
      expect(report.englishWords).toEqual([]);

      // The signed link lives ten minutes: the click asks for a fresh one, so a
      // page left open for an hour still downloads (its expiry is later than the
      // one the page was loaded with).
      const link = materials.getByRole('link', { name: /^Скачать запись/ });
      const expiresOf = (url: string) => Number(new URL(url).searchParams.get('expires'));
      const loadedWith = expiresOf((await link.getAttribute('href')) ?? '');
      await page.waitForTimeout(1100);
      const video = await downloaded(page, () => link.click());
      expect(expiresOf(video.url())).toBeGreaterThan(loadedWith);
      expect(statSync((await video.path())!).size).toBeGreaterThan(10_000);
      const txt = await downloaded(page, () =>
        materials.getByRole('button', { name: 'Скачать расшифровку (.txt)' }).click(),
      );
      expect(txt.suggestedFilename()).toBe('6Б класс Расшифровка.txt');
      expect(readFileSync((await txt.path())!, 'utf8')).toContain('Сегодня решаем уравнения');
      const vtt = await downloaded(page, () =>
        materials.getByRole('button', { name: 'Скачать расшифровку (.vtt)' }).click(),
      );
      expect(readFileSync((await vtt.path())!, 'utf8')).toMatch(/^WEBVTT/);
      const pdf = await downloaded(page, () =>
        materials.getByRole('button', { name: 'Скачать доску (PDF)' }).click(),
      );
      expect(
        readFileSync((await pdf.path())!)
          .subarray(0, 5)
          .toString(),
      ).toBe('%PDF-');
      const lessonUrl = page.url();

      // The pupil, from the card in the class chat: nothing shared yet.
      await kid.goto(kid.url().replace(/\/room\/.*$/, '/messenger'));
      await kid.locator(`[data-chat="${chatId}"]`).click();
      await kid.getByRole('link', { name: 'Итоги урока: 6Б класс' }).click();
      await kid.getByText('Учитель пока не поделился записью урока.').waitFor();
      expect(await kid.locator('#recap-materials video').count()).toBe(0);
      expect(await kid.getByRole('checkbox', { name: /Поделиться записью с классом/ }).count()).toBe(0);
      await screenshot(kid, 'phone-materials-not-shared');

      // The teacher shares it: the class chat gets «Запись урока», which plays for the pupil.
      await page.getByText('Поделиться записью с классом').click();
      await expect
        .poll(() => page.getByRole('checkbox', { name: /Поделиться записью с классом/ }).isChecked())
        .toBe(true);
      await kid.goto(kid.url().replace(/\/lessons\/.*$/, '/messenger'));
      await kid.locator(`[data-chat="${chatId}"]`).click();
      const shared = kid.getByRole('link', { name: 'Запись урока: 6Б класс' });
      await shared.waitFor({ timeout: 15_000 });
      await screenshot(kid, 'phone-materials-card');
      await shared.click();
      await kid.locator('#recap-materials video').waitFor();
      await plays(kid);
      expect((await layoutReport(kid, [pupil.displayName, 'txt', 'vtt', 'PDF'])).overflowX).toBe(0);
      await screenshot(kid, 'phone-materials-shared');

      // The teacher's page on a phone, and in English.
      const phone = await scene.open(teacher, 'phone');
      await phone.goto(lessonUrl);
      await phone.locator('#recap-materials video').waitFor();
      expect(
        (await layoutReport(phone, [teacher.displayName, pupil.displayName, 'CSV', 'txt', 'vtt', 'PDF']))
          .overflowX,
      ).toBe(0);
      await screenshot(phone, 'phone-materials-teacher');
      await page.getByRole('button', { name: 'English' }).click();
      await page.getByRole('checkbox', { name: /Share the recording with the class/ }).waitFor();
      await screenshot(page, 'laptop-materials-en');
    },
  );
});
