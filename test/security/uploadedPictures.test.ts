// Critical finding of #21: an SVG declared image/png whose <image href>
// named another person's upload (by id, or as a file:// path into the upload
// folder), or that XIncluded a file from there, got that content rendered
// into its own preview: another pupil's photo, across chats and schools.
// Now an upload's bytes decide what it is: only raster pictures get a
// preview (decoded from their pixels), and anything else declared as a
// picture is stored as a plain download, served as an attachment.
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatTestServer, type TestChatClient, startChatServer } from '../helpers/chatServer.js';
import { tusUpload } from '../helpers/tusUpload.js';

let s: ChatTestServer;
let victim: TestChatClient;
let attacker: TestChatClient;
let victimChat: string;
let attackerChat: string;
let victimFile: string;
const tokens: Record<string, string> = {};

const people = {
  teacherA: { userId: 'svg-ta', displayName: 'Учитель А', sortName: 'А' },
  victim: { userId: 'svg-v', displayName: 'Ученица', sortName: 'Ученица', role: 'student' as const },
  attacker: { userId: 'svg-x', displayName: 'Чужой', sortName: 'Чужой', role: 'student' as const },
};

beforeAll(async () => {
  s = await startChatServer();
  for (const [k, p] of Object.entries(people)) tokens[k] = await s.token(p);
  const teacher = await s.client(people.teacherA);
  victim = await s.client(people.victim);
  attacker = await s.client(people.attacker);
  victimChat = (await teacher.request({ createChat: { title: 'Класс А', members: ['svg-v'] } })).chat!
    .chatId!;
  attackerChat = (await attacker.request({ createChat: { title: 'Своё', members: [] } })).chat!.chatId!;
  teacher.close();
  // The victim's photo: bright red, in a chat the attacker is not in.
  const photo = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#ff0000' } })
    .png()
    .toBuffer();
  victimFile = (await tusUpload(s.httpUrl, photo, meta(victimChat, 'фото.png'), tokens.victim!)).fileId;
  await victim.send(victimChat, '', { fileIds: [victimFile] });
}, 60_000);

afterAll(async () => {
  victim?.close();
  attacker?.close();
  await s?.stop();
});

function meta(chatId: string, filename: string, filetype = 'image/png') {
  return { chatId, filename, filetype };
}

const SVG_OPEN =
  '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:xi="http://www.w3.org/2001/XInclude" width="64" height="64">';

describe('an SVG that names other uploads', () => {
  const attacks = () => ({
    'by id': `${SVG_OPEN}<image href="${victimFile}" xlink:href="${victimFile}" width="64" height="64"/></svg>`,
    'by file:// path': `${SVG_OPEN}<image xlink:href="file://${join(s.env.CHAT_UPLOAD_DIR!, victimFile)}" width="64" height="64"/></svg>`,
    'by XInclude': `${SVG_OPEN}<text x="0" y="20"><xi:include href="${victimFile}.json" parse="text"/></text></svg>`,
  });

  it('gets no preview, is stored as a plain download and served as an attachment', async () => {
    const counted = await s.rejected('upload_not_what_it_says');
    for (const [how, svg] of Object.entries(attacks())) {
      const up = await tusUpload(
        s.httpUrl,
        Buffer.from(svg),
        meta(attackerChat, 'кот.png'),
        tokens.attacker!,
      );
      const m = await attacker.send(attackerChat, '', { fileIds: [up.fileId] });
      expect(m.attachments![0], how).toMatchObject({ mimeType: 'application/octet-stream' });
      expect(m.attachments![0]!.hasPreview ?? false, how).toBe(false);

      const preview = await fetch(`${s.httpUrl}/api/chat/files/${up.fileId}?p=1`, {
        headers: { authorization: `Bearer ${tokens.attacker}` },
      });
      expect(preview.status, how).toBe(404);
      const original = await fetch(`${s.httpUrl}/api/chat/files/${up.fileId}`, {
        headers: { authorization: `Bearer ${tokens.attacker}` },
      });
      expect(original.status, how).toBe(200);
      expect(original.headers.get('content-type'), how).toBe('application/octet-stream');
      expect(original.headers.get('content-disposition'), how).toMatch(/^attachment;/);
      expect(original.headers.get('x-content-type-options'), how).toBe('nosniff');
      // What comes back is the SVG as sent: no byte of the victim's file.
      expect(await original.text(), how).toBe(svg);
    }
    expect(await s.rejected('upload_not_what_it_says')).toBe(counted + 3);
  });

  it('a real picture declared as another format is shown as what it is', async () => {
    const jpeg = await sharp({ create: { width: 900, height: 300, channels: 3, background: '#0a0' } })
      .jpeg()
      .toBuffer();
    const up = await tusUpload(s.httpUrl, jpeg, meta(attackerChat, 'x.png', 'image/png'), tokens.attacker!);
    const m = await attacker.send(attackerChat, '', { fileIds: [up.fileId] });
    expect(m.attachments![0]).toMatchObject({
      mimeType: 'image/jpeg',
      hasPreview: true,
      width: 480,
      height: 160,
    });
  });
});
