// «Документы» (#27) in the browser, acting through visible labels: a teacher
// on a laptop uploads a file into «Документы», creates a folder, and sends
// the file into a class chat with «Отправить в чат»; a pupil on a 360 px
// phone sees it in the chat and downloads it, byte for byte. Screenshots:
// test-artifacts/screenshots/{laptop,phone}-documents-*.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chromiumAvailable } from '../helpers/browser.js';
import { layoutReport, screenshot } from '../helpers/callPage.js';
import { messengerScene } from '../helpers/messengerScene.js';

const teacher = { userId: 'doce-t', displayName: 'Мария Ивановна Соколова', sortName: 'Соколова Мария' };
const pupil = {
  userId: 'doce-p',
  displayName: 'Анна Белова',
  sortName: 'Белова Анна',
  role: 'student' as const,
};
let chatId = '';

describe.skipIf(!chromiumAvailable())('documents in the browser', () => {
  const scene = messengerScene(teacher, [pupil], async (api) => {
    chatId = (await api.request({ createChat: { title: '5А класс', members: [pupil.userId] } })).chat!
      .chatId!;
  });

  it('a teacher files a document and sends it to the class; a pupil on a phone downloads it', async () => {
    const bytes = randomBytes(30_000);
    const page = await scene.open(teacher, 'laptop', chatId);
    await page.getByRole('button', { name: 'Документы', exact: true }).click();
    await page.getByText('Здесь пока пусто').waitFor();

    await page.getByLabel('Загрузить файл').setInputFiles({
      name: 'План урока.pdf',
      mimeType: 'application/pdf',
      buffer: bytes,
    });
    await page.locator('.docs-entry[data-name="План урока.pdf"]').waitFor();
    await expect.poll(() => page.locator('#docs-quota').textContent()).toBe('Занято 30 КБ из 1 ГБ');

    await page.getByRole('button', { name: 'Создать папку' }).click();
    await page.getByLabel('Название папки').fill('Уроки');
    await page.getByRole('button', { name: 'Создать', exact: true }).click();
    await page.locator('.docs-entry[data-name="Уроки"]').waitFor();

    // Rename, then send into the class chat.
    await page.getByRole('button', { name: 'Действия: План урока.pdf' }).click();
    await page.getByRole('menuitem', { name: 'Переименовать' }).click();
    await page.getByLabel('Новое название').fill('План 5А.pdf');
    await page.getByRole('button', { name: 'Сохранить' }).click();
    await page.locator('.docs-entry[data-name="План 5А.pdf"]').waitFor();
    await page.getByRole('button', { name: 'Действия: План 5А.pdf' }).click();
    await page.getByRole('menuitem', { name: 'Отправить в чат' }).click();
    await page.getByLabel('Выберите чат').selectOption({ label: '5А класс' });
    const report = await layoutReport(page, ['PDF', 'pdf']);
    expect(report.overflowX).toBe(0);
    expect(report.englishWords).toEqual([]);
    await screenshot(page, 'laptop-documents');
    await page.getByRole('button', { name: 'Отправить', exact: true }).click();
    await page.getByText('Файл отправлен в чат «5А класс»').waitFor();

    // Renamed after sending: the chat keeps the name it was sent with (the message is a copy as sent).
    await page.getByRole('button', { name: 'Действия: План 5А.pdf' }).click();
    await page.getByRole('menuitem', { name: 'Переименовать' }).click();
    await page.getByLabel('Новое название').fill('Старый план.pdf');
    await page.getByRole('button', { name: 'Сохранить' }).click();
    await page.locator('.docs-entry[data-name="Старый план.pdf"]').waitFor();

    // The pupil on a phone: the chat holds the file under the name it was sent with, and it downloads whole.
    const phone = await scene.open(pupil, 'phone', chatId);
    await phone.locator(`[data-chat="${chatId}"]`).click();
    const file = phone.getByRole('button', { name: /План 5А\.pdf/ });
    await file.waitFor();
    await screenshot(phone, 'phone-documents-chat');
    const [popup] = await Promise.all([phone.waitForEvent('popup'), file.click()]);
    const res = await fetch(popup.url());
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    await popup.close();

    // The pupil's own «Документы» are empty: the teacher's are not hers to see.
    await phone.getByRole('button', { name: 'Документы', exact: true }).click();
    await phone.getByText('Здесь пока пусто').waitFor();
    const phoneReport = await layoutReport(phone, ['PDF', 'pdf']);
    expect(phoneReport.overflowX).toBe(0);
    await screenshot(phone, 'phone-documents');
  });
});
