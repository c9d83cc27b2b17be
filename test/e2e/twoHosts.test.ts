// Two server processes on one machine, sharing one Redis: the teacher's
// browser is connected to host A (the room's home), the pupil's to host B.
// Each page receives the other's audio and video through the PipeTransport
// between the hosts, the teacher's mute reaches the pupil on the other host,
// and when host B crashes the pupil leaves the teacher's call.
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ServerUnderTest, startServerProcess } from '../../loadtest/serverProcess.js';
import { launchChromium } from '../helpers/browser.js';
import {
  byteCounts,
  closePages,
  enterCall,
  inboundGrowth,
  personAction,
  tileName,
  waitFor,
} from '../helpers/callPage.js';
import { type TestRedis, startRedis } from '../helpers/redis.js';

let redis: TestRedis;
let a: ServerUnderTest;
let b: ServerUnderTest;
let c: ServerUnderTest;
let browser: Browser;

async function admin(host: ServerUnderTest, path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${host.httpUrl}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${host.adminSecret}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

async function metric(host: ServerUnderTest, name: string): Promise<number> {
  const text = await (await fetch(`${host.httpUrl}/metrics`)).text();
  const m = text.match(new RegExp(`^${name} (\\d+)`, 'm'));
  return m ? Number(m[1]) : Number.NaN;
}

beforeAll(async () => {
  redis = await startRedis();
  const shared = {
    REDIS_URL: redis.url,
    HOST_HEARTBEAT_MS: '500',
    MEDIASOUP_WORKERS: '1',
    ADMIN_SECRET: randomBytes(24).toString('base64url'),
    TOKEN_SECRET: randomBytes(24).toString('base64url'),
  };
  [a, b, c] = await Promise.all([
    startServerProcess({ ...shared, HOST_ID: 'host-a' }),
    startServerProcess({ ...shared, HOST_ID: 'host-b' }),
    startServerProcess({ ...shared, HOST_ID: 'host-c' }),
  ]);
  browser = await launchChromium();
});

afterEach(() => closePages());

afterAll(async () => {
  await browser?.close();
  await a?.stop();
  await b?.stop();
  await c?.stop();
  await redis?.stop();
});

describe('one call over two server processes', () => {
  it('a browser on each host sees and hears the other; a crashed host drops only its people', async () => {
    await admin(a, '/api/rooms', { id: 'hall', title: 'Assembly', settings: { waitingRoom: 'off' } });
    const teacher = await admin(a, '/api/rooms/hall/tokens', { displayName: 'Teacher', role: 'host' });
    const pupil = await admin(b, '/api/rooms/hall/tokens', { displayName: 'Pupil', role: 'participant' });
    expect(String(pupil.joinUrl)).toContain(b.httpUrl);

    const pages: Page[] = [];
    pages.push(await enterCall(browser, String(teacher.joinUrl)));
    pages.push(await enterCall(browser, String(pupil.joinUrl)));
    await tileName(pages[0]!, 'Pupil').waitFor({ timeout: 20_000 });
    await tileName(pages[1]!, 'Teacher').waitFor({ timeout: 20_000 });

    // The room runs on A; the pupil's connection and media transports are on B.
    expect(await metric(a, 'school_call_participants')).toBe(2);
    expect(await metric(a, 'school_call_remote_participants')).toBe(1);
    expect(await metric(b, 'school_call_participants')).toBe(0);
    expect(await metric(b, 'school_call_forwarded_connections')).toBe(1);
    expect(await metric(b, 'school_call_edge_transports')).toBe(2);

    for (const [i, grown] of (await inboundGrowth(pages, 3000)).entries()) {
      const name = i === 0 ? 'teacher (host A)' : 'pupil (host B)';
      console.log(`${name}: inbound audio +${grown.audio} B, video +${grown.video} B over 3 s`);
      expect(grown.audio).toBeGreaterThan(3_000);
      expect(grown.video).toBeGreaterThan(20_000);
    }

    // A lesson control crosses hosts: the teacher on A mutes the pupil on B.
    const [host, child] = [pages[0]!, pages[1]!];
    await personAction(host, 'Pupil', 'mute');
    await child.getByText('Учитель выключил ваш микрофон').waitFor();
    await new Promise((r) => setTimeout(r, 1000));
    const heard = async () => (await byteCounts(host)).inbound.audio;
    const mutedBefore = await heard();
    await new Promise((r) => setTimeout(r, 2500));
    const mutedAfter = await heard();
    console.log(`teacher hears the muted pupil: ${mutedBefore} -> ${mutedAfter} B over 2.5 s`);
    expect(mutedAfter - mutedBefore).toBeLessThan(500);

    // Host B crashes: within a few heartbeats the pupil is gone from the teacher's call.
    await b.stop('SIGKILL');
    await tileName(host, 'Pupil').waitFor({ state: 'detached', timeout: 15_000 });
    expect(await metric(a, 'school_call_participants')).toBe(1);
    expect(await metric(a, 'school_call_remote_participants')).toBe(0);
  });

  it('when the home host crashes, a participant on another host rejoins and that host runs the room', async () => {
    await admin(a, '/api/rooms', { id: 'hall2', title: 'Assembly 2', settings: { waitingRoom: 'off' } });
    const teacher = await admin(a, '/api/rooms/hall2/tokens', { displayName: 'Teacher', role: 'host' });
    const pupil = await admin(c, '/api/rooms/hall2/tokens', { displayName: 'Pupil', role: 'participant' });
    const host = await enterCall(browser, String(teacher.joinUrl));
    const child = await enterCall(browser, String(pupil.joinUrl));
    await tileName(child, 'Teacher').waitFor({ timeout: 20_000 });
    expect(await metric(c, 'school_call_forwarded_connections')).toBe(1);

    await a.stop('SIGKILL');
    // The pupil's page is told to reconnect, rejoins through host C, and C
    // takes the room over: the pupil is in a call again, now run by C.
    await waitFor(
      async () => (await metric(c, 'school_call_participants')) === 1,
      30_000,
      'host C runs the room',
    );
    await child.locator('#controls').waitFor({ state: 'visible', timeout: 20_000 });
    expect(await metric(c, 'school_call_forwarded_connections')).toBe(0);
    await host.close();
  });
});
