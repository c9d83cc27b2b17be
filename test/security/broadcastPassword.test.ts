import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// High item of #21: a broadcast's viewer password could be guessed 26 times a
// second, never refused, and every guess ran scrypt on the event loop, so
// /healthz took ~1 s for everyone. Now a guess is slowed and then refused per
// (address, broadcast) by the same PasswordBackoff as joining by code, and
// scrypt runs on libuv's thread pool. Real BroadcastHttp over real HTTP.
import client from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../common/log.js';
import { BroadcastHttp } from '../../recorder/broadcastHttp.js';
import { Broadcasts } from '../../recorder/broadcasts.js';
import { RecordingStore } from '../../recorder/recordingStore.js';
import { SharedLimits } from '../../signaling/security/sharedLimits.js';
import { serveReplies } from '../helpers/recorderHttp.js';

/** One host without Redis: the limits are counted here. */
const limits = new SharedLimits(null, new client.Registry());
let broadcasts: Broadcasts;
let http: { url: string; server: Server };
const dir = mkdtempSync(join(tmpdir(), 'broadcast-password-'));

beforeAll(async () => {
  const store = new RecordingStore(
    { dir, retentionDays: 1, minFreeBytes: 1 },
    createLogger('warn', { test: 'broadcastPassword' }),
  );
  broadcasts = new Broadcasts();
  const handler = new BroadcastHttp(broadcasts, store, limits);
  http = await serveReplies((req) => handler.handle(req));
});

afterAll(() => {
  http?.server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function guess(code: string, password: string): Promise<{ status: number; error: string }> {
  const res = await fetch(`${http.url}/b/${code}/auth`, {
    method: 'POST',
    body: JSON.stringify({ password }),
  });
  const body = res.status === 204 ? {} : ((await res.json()) as { error?: string });
  return { status: res.status, error: body.error ?? '' };
}

describe('broadcast viewer password', () => {
  it('guesses from one address are slowed, then refused (429), not checked 26 times a second', async () => {
    const b = broadcasts.create('assembly', 'Собрание', 'Secret-42');
    for (let i = 0; i < 3; i++) expect((await guess(b.code, `wrong-${i}`)).status).toBe(403);
    const burst = await Promise.all([1, 2, 3, 4, 5].map((i) => guess(b.code, `burst-${i}`)));
    const refused = burst.filter((r) => r.status === 429);
    expect(refused.length).toBeGreaterThanOrEqual(3);
    expect(refused[0]!.error).toBe('too-many-attempts');
    // Another broadcast's viewers are not slowed by this one's guesser.
    const other = broadcasts.create('assembly', 'Линейка', 'Other-7');
    expect((await guess(other.code, 'Other-7')).status).toBe(204);
  });

  it('checks the password off the event loop (scrypt on the thread pool)', async () => {
    const b = broadcasts.create('assembly', 'Концерт', 'Secret-42');
    let loopRan = false;
    setImmediate(() => {
      loopRan = true;
    });
    const checking = broadcasts.checkPassword(b, 'not it');
    // A synchronous scrypt would finish before the loop turns once.
    expect(loopRan).toBe(false);
    expect(await checking).toBe(false);
    expect(loopRan).toBe(true);
    expect(await broadcasts.checkPassword(b, 'Secret-42')).toBe(true);
  });
});
