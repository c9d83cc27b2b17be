// Real media across two mediasoup workers: with one receive transport per
// router, the second browser's receive transport lands on the other worker and
// gets the first browser's audio and video through pipeToRouter.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { byteCounts, closePages, enterCall, waitFor } from '../helpers/callPage.js';
import { type TestServer, createRoomWithToken, startTestServer } from '../helpers/testServer.js';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer({ MEDIASOUP_WORKERS: '2', RECV_TRANSPORTS_PER_ROUTER: '1' });
  browser = await launchChromium();
});

afterEach(() => closePages());

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('a call across two workers', () => {
  it('delivers audio and video both ways when receivers sit on different workers', async () => {
    const people = await createRoomWithToken(server, 'two-workers', [
      { displayName: 'Teacher', role: 'host', userId: 'tw-teacher' },
      { displayName: 'Pupil', role: 'participant', userId: 'tw-pupil' },
    ]);
    const pages: Page[] = [];
    for (const p of people) {
      const page = await enterCall(browser, p.joinUrl.replace(server.config.publicUrl, server.httpUrl));
      pages.push(page);
    }
    const room = server.registry.get('two-workers')!;
    const media = room.mediaAt('')!;
    const recvWorkers = [...room.peers.values()].flatMap((peer) =>
      [...peer.transports.values()]
        .filter((t) => t.direction === 'recv')
        .map((t) => media.workerOf(t.transport.id)),
    );
    expect(new Set(recvWorkers).size).toBe(2);

    for (const page of pages) {
      await waitFor(
        async () => {
          const b = await byteCounts(page);
          return b.inbound.audio > 3_000 && b.inbound.video > 20_000;
        },
        30_000,
        'audio and video across workers',
      );
    }

    // Kill the worker that holds only a receive transport: that browser sets
    // up again in place (no reload) and media flows again.
    const remoteWorker = [0, 1].find((w) => w !== media.workerIndex)!;
    const victim = pages.find((_, i) => {
      const peer = [...room.peers.values()].find((p) => p.identity.userId === people[i]!.userId);
      return [...(peer?.transports.values() ?? [])].some(
        (t) => media.workerOf(t.transport.id) === remoteWorker,
      );
    })!;
    await victim.evaluate(() => {
      (window as unknown as { marker: number }).marker = 7;
    });
    process.kill(server.pool.slot(remoteWorker).worker.pid, 'SIGKILL');
    await victim.getByText('Связь восстановлена после перезапуска медиасервера').waitFor({ timeout: 20_000 });
    const mark = (await byteCounts(victim)).inbound.video;
    await waitFor(
      async () => (await byteCounts(victim)).inbound.video > mark + 20_000,
      30_000,
      'video after restart',
    );
    expect(await victim.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(7);
  });
});
