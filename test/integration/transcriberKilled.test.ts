// Fault: the transcriber process (whisper.cpp, a child of the server) is
// SIGKILLed during a lesson with subtitles on. The server restarts it; the
// restarted process listens on a new RTP port, and the room's audio tap must
// follow it, or subtitles stay silent for the rest of the lesson while the
// toggle still says "on". Nothing is timed: the teacher keeps talking (a short
// espeak-ng line as real Opus RTP) until a line arrives, with generous
// deadlines, before and after the kill. Frozen (SIGSTOP: a stopped or
// swapped-out process) it does not die, so nothing restarted it: the server
// now asks it every 2 s and kills and restarts one that has not answered for 10 s,
// and tells the hosts (SubtitlesRestarted) that some speech may be missing.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIN } from '../../signaling/domain/roomDefinition.js';
import { TestClient, pb } from '../helpers/protocolClient.js';
import { type SpeechClip, SpeechSender, speechClip, speechProducer } from '../helpers/speechRtp.js';
import { type TestServer, createRoomWithToken, startTestServer } from '../helpers/testServer.js';
import { ensureTestModel } from '../helpers/whisperModel.js';

/** A line must come within this (the model loads and runs on a shared, loaded machine). */
const LINE_DEADLINE_MS = 180_000;

let server: TestServer;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'transcriber-killed-'));
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

/** This process's transcriber child (found in /proc by its script), if one runs. */
function transcriberPid(): number | undefined {
  for (const task of readdirSync(`/proc/${process.pid}/task`)) {
    let children: string;
    try {
      children = readFileSync(`/proc/${process.pid}/task/${task}/children`, 'utf8');
    } catch {
      continue;
    }
    for (const pid of children.split(' ').filter(Boolean).map(Number)) {
      try {
        if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('transcriberProcess')) return pid;
      } catch {}
    }
  }
  return undefined;
}

async function until<T>(get: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The teacher says the clip again and again until the pupil has a new final line. */
async function speakUntilLine(
  sender: SpeechSender,
  clip: SpeechClip,
  host: TestClient,
  pupil: TestClient,
): Promise<pb.Event> {
  const before = pupil.events.length;
  const deadline = Date.now() + LINE_DEADLINE_MS;
  const fresh = (): pb.Event | undefined =>
    pupil.events.slice(before).find((e) => e.subtitleLine?.final && e.subtitleLine.text);
  while (!fresh() && Date.now() < deadline) {
    // A transcriber that cannot start at all (no native addon, a broken model) fails here at once.
    const state = await host.request({ getSubtitles: {} });
    expect(state.subtitles?.available).toBe(true);
    await sender.play(clip);
  }
  return until(fresh, Math.max(0, deadline - Date.now()) + 20_000, 'a subtitle line');
}

describe('the transcriber process killed during a lesson with subtitles', () => {
  it('is restarted, subtitles resume for the pupil, and the call goes on', async () => {
    const [hostToken, pupilToken] = await createRoomWithToken(server, 'killed', [
      { displayName: 'Мария Ивановна', role: 'host', userId: 'killed-host' },
      { displayName: 'Аня', role: 'participant', userId: 'killed-anna' },
    ]);
    const host = await TestClient.connect(server.wsUrl);
    const pupil = await TestClient.connect(server.wsUrl);
    const joined = await host.request({ join: { roomId: 'killed', token: hostToken!.token } });
    const pupilJoined = await pupil.request({ join: { roomId: 'killed', token: pupilToken!.token } });
    const pupilId = pupilJoined.join!.self!.participantId!;
    await pupil.request({ subscribeSubtitles: { subscribe: true } });
    await host.request({
      setSubtitles: { enabled: true, language: pb.SubtitleLanguage.SUBTITLE_LANGUAGE_RU },
    });

    const room = server.registry.get('killed')!;
    const hostPeer = room.peers.get(joined.join!.self!.participantId!)!;
    const mic = await speechProducer(room.mediaAt(MAIN)!.router, hostPeer.id, 4242);
    room.addProducer(hostPeer, mic.producer, 'microphone');
    const sender = new SpeechSender(mic.transport.tuple.localPort, 4242);
    const clip = speechClip([{ silenceMs: 300 }, { say: 'Начинаем урок.' }, { silenceMs: 900 }]);

    const first = await speakUntilLine(sender, clip, host, pupil);
    expect(first.subtitleLine).toMatchObject({ participantId: hostPeer.id, speakerName: 'Мария Ивановна' });

    const killed = transcriberPid();
    expect(killed).toBeGreaterThan(0);
    process.kill(killed!, 'SIGKILL');
    // The server starts a new one (after 1 s).
    await until(
      () => {
        const pid = transcriberPid();
        return pid !== undefined && pid !== killed ? pid : undefined;
      },
      60_000,
      'a new transcriber process',
    );

    // The lesson went on meanwhile: requests are answered and subtitles still say "on".
    const state = await host.request({ getSubtitles: {} });
    expect(state.subtitles).toMatchObject({ enabled: true, available: true });
    const hand = await pupil.request({ raiseHand: { raised: true } });
    expect(hand.error).toBeFalsy();
    await host.waitForUpdated((p) => p.participantId === pupilId && Number(p.handRaisedAt) > 0, 20_000);
    expect(host.closedWith).toBeNull();
    expect(pupil.closedWith).toBeNull();

    // The teacher keeps talking: lines come again, from the new process.
    const again = await speakUntilLine(sender, clip, host, pupil);
    expect(again.subtitleLine).toMatchObject({ participantId: hostPeer.id, speakerName: 'Мария Ивановна' });
    expect(again.subtitleLine!.text!.length).toBeGreaterThan(0);

    sender.close();
    for (const c of [host, pupil]) c.close();
    mic.transport.close();
  }, 600_000);

  it('frozen (SIGSTOP), is found by its heartbeat, replaced, and subtitles resume', async () => {
    const [hostToken, pupilToken] = await createRoomWithToken(server, 'frozen', [
      { displayName: 'Ольга Петровна', role: 'host', userId: 'frozen-host' },
      { displayName: 'Петя', role: 'participant', userId: 'frozen-petya' },
    ]);
    const host = await TestClient.connect(server.wsUrl);
    const pupil = await TestClient.connect(server.wsUrl);
    const joined = await host.request({ join: { roomId: 'frozen', token: hostToken!.token } });
    await pupil.request({ join: { roomId: 'frozen', token: pupilToken!.token } });
    await pupil.request({ subscribeSubtitles: { subscribe: true } });
    await host.request({
      setSubtitles: { enabled: true, language: pb.SubtitleLanguage.SUBTITLE_LANGUAGE_RU },
    });
    const room = server.registry.get('frozen')!;
    const hostPeer = room.peers.get(joined.join!.self!.participantId!)!;
    const mic = await speechProducer(room.mediaAt(MAIN)!.router, hostPeer.id, 4343);
    room.addProducer(hostPeer, mic.producer, 'microphone');
    const sender = new SpeechSender(mic.transport.tuple.localPort, 4343);
    const clip = speechClip([{ silenceMs: 300 }, { say: 'Начинаем урок.' }, { silenceMs: 900 }]);
    await speakUntilLine(sender, clip, host, pupil);

    const frozen = await until(transcriberPid, 60_000, 'the transcriber process');
    process.kill(frozen, 'SIGSTOP');
    try {
      await until(
        () => {
          const pid = transcriberPid();
          return pid !== undefined && pid !== frozen ? pid : undefined;
        },
        120_000,
        'a transcriber in place of the frozen one',
      );
    } finally {
      // Gone already (killed by the server); continuing it is harmless otherwise.
      try {
        process.kill(frozen, 'SIGCONT');
      } catch {}
    }
    const again = await speakUntilLine(sender, clip, host, pupil);
    expect(again.subtitleLine).toMatchObject({ participantId: hostPeer.id, speakerName: 'Ольга Петровна' });
    expect(host.closedWith).toBeNull();
    // The host is told the transcriber was replaced (some speech is missing); the pupil is not.
    expect(host.events.filter((e) => e.subtitlesRestarted)).toHaveLength(1);
    expect(pupil.events.some((e) => e.subtitlesRestarted)).toBe(false);

    sender.close();
    for (const c of [host, pupil]) c.close();
    mic.transport.close();
  }, 600_000);
});
