// Subtitles through the protocol: a host turns them on, a pupil who opted in
// receives the lines of the host's speech (real RTP with audio levels into
// the room's router, transcribed by a tiny-sized model), a pupil who did not
// opt in receives none, roles and bad input are refused with typed errors,
// hosts download the transcript so far while the lesson runs (pupils may
// not), the transcript is offered in the admin API at the call's end, and a server
// without a model says subtitles are unavailable.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIN } from '../../signaling/domain/roomDefinition.js';
import type { RoomEventMap } from '../../signaling/domain/roomEvents.js';
import { TestClient, pb } from '../helpers/protocolClient.js';
import { rejectedCount } from '../helpers/serverState.js';
import { SpeechSender, speechClip, speechProducer } from '../helpers/speechRtp.js';
import { type TestServer, createRoomWithToken, startTestServer } from '../helpers/testServer.js';
import { ensureTestModel } from '../helpers/whisperModel.js';

let server: TestServer;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'subtitles-'));
  server = await startTestServer({
    WHISPER_MODEL: ensureTestModel('tiny'),
    WHISPER_MAX_TOKENS_PER_SECOND: '5',
    WHISPER_PARALLEL_JOBS: '1',
    TRANSCRIPT_DIR: dir,
  });
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function errorCode(c: TestClient, request: pb.IClientMessage): Promise<number | null | undefined> {
  return (await c.rawRequest(request)).error?.code;
}

describe('subtitles over the protocol', () => {
  it('sends the host’s speech to pupils who opted in, and to nobody else', async () => {
    const [hostToken, annaToken, borisToken] = await createRoomWithToken(server, 'subs', [
      { displayName: 'Мария Ивановна', role: 'host', userId: 'subs-host' },
      { displayName: 'Аня', role: 'participant', userId: 'subs-anna' },
      { displayName: 'Боря', role: 'participant', userId: 'subs-boris' },
    ]);
    const host = await TestClient.connect(server.wsUrl);
    const anna = await TestClient.connect(server.wsUrl);
    const boris = await TestClient.connect(server.wsUrl);
    const joined = await host.request({ join: { roomId: 'subs', token: hostToken!.token } });
    await anna.request({ join: { roomId: 'subs', token: annaToken!.token } });
    await boris.request({ join: { roomId: 'subs', token: borisToken!.token } });

    const state = await host.request({ getSubtitles: {} });
    expect(state.subtitles).toMatchObject({ available: true, enabled: false, subscribed: false });
    // Only hosts and co-hosts turn subtitles on; a language the server does not know is refused.
    expect(await errorCode(boris, { setSubtitles: { enabled: true } })).toBe(
      pb.ErrorCode.ERROR_CODE_FORBIDDEN,
    );
    expect(
      await errorCode(host, { setSubtitles: { enabled: true, language: 99 as pb.SubtitleLanguage } }),
    ).toBe(pb.ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
    // «Скачать расшифровку» before anything was said: empty, not an error.
    expect((await host.request({ getTranscript: {} })).transcript).toMatchObject({ text: '', lines: 0 });
    const outsider = await TestClient.connect(server.wsUrl);
    expect(await errorCode(outsider, { subscribeSubtitles: { subscribe: true } })).toBe(
      pb.ErrorCode.ERROR_CODE_NOT_JOINED,
    );
    outsider.close();

    // Other features (the broadcast) hear subtitles as room events.
    const room = server.registry.get('subs')!;
    const toggled: RoomEventMap['subtitlesChanged'][] = [];
    const finals: RoomEventMap['subtitleFinal'][] = [];
    room.events.on('subtitlesChanged', (e) => toggled.push(e));
    room.events.on('subtitleFinal', (e) => finals.push(e));

    const subscribed = await anna.request({ subscribeSubtitles: { subscribe: true } });
    expect(subscribed.subtitles).toMatchObject({ subscribed: true, enabled: false });
    const on = await host.request({
      setSubtitles: { enabled: true, language: pb.SubtitleLanguage.SUBTITLE_LANGUAGE_RU },
    });
    expect(on.subtitles).toMatchObject({
      enabled: true,
      available: true,
      language: pb.SubtitleLanguage.SUBTITLE_LANGUAGE_RU,
    });
    // Everyone learns subtitles are on (so the toggle can show), opted in or not.
    await boris.waitForEvent((e) => e.subtitlesChanged?.state?.enabled === true);

    expect(toggled).toEqual([{ enabled: true, language: 'ru' }]);
    // The host's microphone: real Opus RTP with audio levels, produced into the room's router.
    const hostPeer = room.peers.get(joined.join!.self!.participantId!)!;
    const mic = await speechProducer(room.mediaAt(MAIN)!.router, hostPeer.id, 7777);
    room.addProducer(hostPeer, mic.producer, 'microphone');
    const sender = new SpeechSender(mic.transport.tuple.localPort, 7777);
    const clip = speechClip([
      { silenceMs: 500 },
      { say: 'Доброе утро, класс. Начинаем урок.' },
      { silenceMs: 1200 },
    ]);
    // The teacher keeps talking until a line comes (the transcriber may still be loading its model).
    let sentAt = 0;
    let line: pb.Event | undefined;
    for (let i = 0; i < 8 && !line; i++) {
      const at = await sender.play(clip);
      sentAt ||= at;
      line = anna.events.find((e) => e.subtitleLine?.final && e.subtitleLine.text);
    }
    line ??= await anna.waitForEvent((e) => Boolean(e.subtitleLine?.final && e.subtitleLine.text), 20_000);
    sender.close();
    expect(line.subtitleLine).toMatchObject({
      participantId: hostPeer.id,
      speakerName: 'Мария Ивановна',
      index: 0,
    });
    expect(line.subtitleLine!.text!.length).toBeGreaterThan(0);
    expect(line.subtitleLine!.startMs!).toBeGreaterThan(sentAt);
    expect(line.subtitleLine!.endMs!).toBeGreaterThan(line.subtitleLine!.startMs!);
    expect(finals).toContainEqual({
      participantId: hostPeer.id,
      speaker: 'Мария Ивановна',
      text: line.subtitleLine!.text,
      startMs: Number(line.subtitleLine!.startMs),
      endMs: Number(line.subtitleLine!.endMs),
      language: line.subtitleLine!.language,
    });
    // Boris and the host did not opt in: not one subtitle line reached them.
    await new Promise((r) => setTimeout(r, 300));
    expect(boris.events.some((e) => e.subtitleLine)).toBe(false);
    expect(host.events.some((e) => e.subtitleLine)).toBe(false);

    // While the lesson runs, its hosts download the transcript so far; a pupil is refused, counted.
    const soFar = (await host.request({ getTranscript: {} })).transcript!;
    expect(soFar.lines).toBeGreaterThan(0);
    expect(soFar.text).toMatch(/^\[\d\d:\d\d:\d\d\] Мария Ивановна: .+$/m);
    expect((await host.request({ getTranscript: { vtt: true } })).transcript!.text).toMatch(/^WEBVTT\n/);
    const refused = await rejectedCount(server, 'forbidden');
    expect(await errorCode(boris, { getTranscript: {} })).toBe(pb.ErrorCode.ERROR_CODE_FORBIDDEN);
    expect(await rejectedCount(server, 'forbidden')).toBe(refused + 1);

    // At the call's end the transcript is written and offered to the school's backend.
    await host.request({ endCall: {} });
    expect(toggled.at(-1)).toEqual({ enabled: false, language: 'ru' });
    const list = await waitForTranscript('subs');
    expect(list.length).toBe(1);
    const res = await fetch(`${server.httpUrl}/api/rooms/subs/transcripts/${list[0]}`, {
      headers: server.adminHeaders,
    });
    expect(res.status).toBe(200);
    const transcript = (await res.json()) as { text: string; vtt: string };
    expect(transcript.text).toMatch(/^\[\d\d:\d\d:\d\d\] Мария Ивановна: .+$/m);
    expect(transcript.vtt).toMatch(/^WEBVTT\n\n\d\d:\d\d:\d\d\.\d{3} --> .+\n<v Мария Ивановна>.+$/m);
    const anonymous = await fetch(`${server.httpUrl}/api/rooms/subs/transcripts/${list[0]}`);
    expect(anonymous.status).toBe(401);
    const missing = await fetch(`${server.httpUrl}/api/rooms/subs/transcripts/..%2F..%2Fetc`, {
      headers: server.adminHeaders,
    });
    expect(missing.status).toBe(404);
    for (const c of [host, anna, boris]) c.close();
    mic.transport.close();
  });

  it('tells hosts subtitles are unavailable on a server without a model', async () => {
    const bare = await startTestServer();
    try {
      const [t] = await createRoomWithToken(bare, 'bare', [
        { displayName: 'Host', role: 'host', userId: 'bare-host' },
      ]);
      const host = await TestClient.connect(bare.wsUrl);
      await host.request({ join: { roomId: 'bare', token: t!.token } });
      const state = await host.request({ getSubtitles: {} });
      expect(state.subtitles).toMatchObject({ available: false, enabled: false });
      expect(await errorCode(host, { setSubtitles: { enabled: true } })).toBe(
        pb.ErrorCode.ERROR_CODE_SUBTITLES_UNAVAILABLE,
      );
      // Turning them off is always fine.
      expect((await host.request({ setSubtitles: { enabled: false } })).subtitles?.enabled).toBe(false);
      host.close();
    } finally {
      await bare.close();
    }
  });
});

async function waitForTranscript(roomId: string): Promise<string[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await fetch(`${server.httpUrl}/api/rooms/${roomId}/transcripts`, {
      headers: server.adminHeaders,
    });
    const body = (await res.json()) as { transcripts: string[] };
    if (body.transcripts.length || Date.now() > deadline) return body.transcripts;
    await new Promise((r) => setTimeout(r, 200));
  }
}
