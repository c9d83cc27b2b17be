// Voice messages end to end: a recording (espeak-ng speech, encoded by ffmpeg
// to Opus in WebM as a browser's MediaRecorder does) uploaded through tus,
// sent as a voice message, and transcribed by the real Whisper process (a
// test model with random weights: the path is real, the words are not);
// every member's client gets the message changed to carry its text. Without
// a model the message simply has no text.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatTestServer, cpb, startChatServer } from '../helpers/chatServer.js';
import { tusUpload } from '../helpers/tusUpload.js';
import { ensureTestModel } from '../helpers/whisperModel.js';

let withModel: ChatTestServer;
let withoutModel: ChatTestServer;
let recording: Buffer;
const teacher = { userId: 'vt', displayName: 'Нина Орлова', sortName: 'Орлова Нина' };
const mother = {
  userId: 'vm',
  displayName: 'Ирина Зайцева',
  sortName: 'Зайцева Ирина',
  role: 'parent' as const,
};

async function upload(
  s: ChatTestServer,
  token: string,
  chatId: string,
  data: Buffer,
  type: string,
): Promise<string> {
  return (await tusUpload(s.httpUrl, data, { chatId, filename: 'голосовое.webm', filetype: type }, token))
    .fileId;
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'voice-'));
  const wav = join(dir, 'voice.wav');
  const webm = join(dir, 'voice.webm');
  execFileSync('espeak-ng', ['-v', 'ru', '-w', wav, 'Мама, я задержусь после уроков на кружок.']);
  execFileSync('ffmpeg', ['-v', 'error', '-i', wav, '-c:a', 'libopus', '-b:a', '24k', webm]);
  recording = readFileSync(webm);
  [withModel, withoutModel] = await Promise.all([
    startChatServer({ WHISPER_MODEL: ensureTestModel('tiny') }),
    startChatServer(),
  ]);
});
afterAll(async () => {
  await Promise.all([withModel?.stop(), withoutModel?.stop()]);
});

async function sendVoice(s: ChatTestServer) {
  const token = await s.token(teacher);
  await s.token(mother);
  const t = await s.client(teacher);
  const m = await s.client(mother);
  const { chat } = await t.request({ createChat: { title: 'Родители 7А', members: [mother.userId] } });
  const chatId = chat!.chatId!;
  const fileId = await upload(s, token, chatId, recording, 'audio/webm');
  const sent = await t.send(chatId, '', { fileIds: [fileId], voice: cpb.VoiceKind.VOICE_KIND_AUDIO });
  return { t, m, chatId, sent, fileId, token };
}

describe('voice messages', () => {
  it('are transcribed by the configured model; members get the text as a change of the message', async () => {
    const { t, m, chatId, sent } = await sendVoice(withModel);
    expect(sent.voice).toBe(cpb.VoiceKind.VOICE_KIND_AUDIO);
    expect(sent.transcriptPending).toBe(true);
    expect(sent.attachments![0]!.mimeType).toBe('audio/webm');
    const done = await m.waitFor(
      (e) =>
        e.message?.chatId === chatId && e.message.seq === sent.seq && e.message.transcriptPending === false,
      60_000,
    );
    expect(done.message!.voice).toBe(cpb.VoiceKind.VOICE_KIND_AUDIO);
    expect(typeof done.message!.transcript).toBe('string');
    const page = await t.request({ getHistory: { chatId } });
    expect(page.page!.messages!.find((x) => x.seq === sent.seq)!.transcriptPending).toBe(false);
    t.close();
    m.close();
  });

  it('without a model the voice message is kept, with no text and nothing pending', async () => {
    const { t, m, sent } = await sendVoice(withoutModel);
    expect(sent.voice).toBe(cpb.VoiceKind.VOICE_KIND_AUDIO);
    expect(sent.transcriptPending).toBe(false);
    expect(sent.transcript).toBe('');
    t.close();
    m.close();
  });

  it('a voice message needs exactly one recording of its kind', async () => {
    const s = withoutModel;
    const { t, chatId, fileId } = await sendVoice(s);
    await expect(
      t.request({
        sendMessage: {
          chatId,
          clientMessageId: 'v-2',
          voice: cpb.VoiceKind.VOICE_KIND_ROUND_VIDEO,
          fileIds: [fileId],
        },
      }),
    ).rejects.toMatchObject({ code: cpb.ChatErrorCode.CHAT_ERROR_INVALID_ARGUMENT });
    t.close();
  });
});
