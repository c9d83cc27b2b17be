// Pupils behind school networks that let no UDP (or nothing but one TCP
// port) out still get audio and video: the server hands each transport TURN
// servers with time-limited credentials, and two Chromium pages forced to
// relay-only ICE (`?ice=relay`: no host candidates at all, so any media that
// arrives went through TURN) hear and see each other through a real coturn,
// over UDP, over TCP, and over TLS. Screenshots land in test-artifacts/screenshots/.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../helpers/browser.js';
import { byteCounts, enterCall, inboundGrowth, screenshot, tileName, waitFor } from '../helpers/callPage.js';
import { type TestCoturn, coturnAvailable, startCoturn } from '../helpers/coturn.js';
import { type TestServer, createRoomWithToken, startTestServer } from '../helpers/testServer.js';

const secret = randomBytes(24).toString('base64url');
let coturn: TestCoturn;
let browser: Browser;

beforeAll(async () => {
  // A self-signed certificate for coturn's TLS listener.
  const dir = mkdtempSync(join(tmpdir(), 'turn-tls-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  coturn = await startCoturn(secret, { cert, key });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await coturn?.stop();
});

/**
 * The network path the call uses (the relay: relay-only ICE) goes away, as
 * when a laptop leaves the school Wi-Fi, and another comes: the clients
 * restart ICE and media flows again, in the same call, without a reload.
 */
async function iceRestart(pages: Page[], server: TestServer): Promise<void> {
  await inboundGrowth(pages, 1000);
  for (const page of pages) await page.evaluate(() => Object.assign(window, { stillTheSamePage: true }));
  const room = server.registry.get('turn-udp')!;
  const before = [...room.peers.keys()].sort();

  // The only path media has (the relay) goes away: media stops.
  await coturn.stop();
  const stalled = async (page: Page) => {
    const a = (await byteCounts(page)).inbound;
    await new Promise((r) => setTimeout(r, 1000));
    const b = (await byteCounts(page)).inbound;
    return b.audio === a.audio && b.video === a.video;
  };
  await waitFor(() => stalled(pages[0]!), 20_000, 'media to stop');
  // A new path appears (as a new network would): the clients restart ICE and media flows again.
  const back = Date.now();
  await coturn.start();
  const flowing = async (page: Page) => {
    const x = (await byteCounts(page)).inbound;
    await new Promise((r) => setTimeout(r, 500));
    const y = (await byteCounts(page)).inbound;
    return y.audio > x.audio && y.video > x.video;
  };
  for (const page of pages) await waitFor(() => flowing(page), 40_000, 'media flowing again');
  console.log(
    `ICE restart: media flowing again ${((Date.now() - back) / 1000).toFixed(1)} s after the relay came back`,
  );
  for (const page of pages) {
    expect(
      await page.evaluate(() => (window as unknown as { stillTheSamePage?: boolean }).stillTheSamePage),
    ).toBe(true);
  }
  expect([...room.peers.keys()].sort()).toEqual(before);
  const restarts = (await server.metrics.requests.get()).values.find((v) => v.labels.type === 'restartIce');
  expect(restarts?.value ?? 0).toBeGreaterThan(0);
}

async function callThroughTurn(
  turnUrl: string,
  name: string,
  on: Browser = browser,
  afterwards?: (pages: Page[], server: TestServer) => Promise<void>,
): Promise<void> {
  const server: TestServer = await startTestServer({ TURN_URLS: turnUrl, TURN_SECRET: secret });
  const pages: Page[] = [];
  try {
    const people = await createRoomWithToken(server, `turn-${name}`, [
      { displayName: 'Teacher', role: 'host', userId: `${name}-teacher` },
      { displayName: 'Pupil', role: 'participant', userId: `${name}-pupil` },
    ]);
    for (const p of people) {
      const url = p.joinUrl.replace(server.config.publicUrl, server.httpUrl).replace('#', '?ice=relay#');
      pages.push(await enterCall(on, url));
    }
    await tileName(pages[0]!, 'Pupil').waitFor({ timeout: 20_000 });
    const grown = await inboundGrowth(pages, 3000);
    for (const [i, g] of grown.entries()) {
      console.log(`${name}: page ${i}: inbound audio +${g.audio} B, video +${g.video} B over 3 s, relayed`);
      expect(g.audio).toBeGreaterThan(3_000);
      expect(g.video).toBeGreaterThan(10_000);
    }
    // Relay-only really was relay-only: the browser used relay candidates alone.
    const types = await pages[0]!.evaluate(() =>
      (
        window as unknown as { schoolCall: { candidateTypes(): Promise<string[]> } }
      ).schoolCall.candidateTypes(),
    );
    expect(types.length).toBeGreaterThan(0);
    expect(new Set(types)).toEqual(new Set(['relay']));
    await screenshot(pages[0]!, `turn-${name}`);
    await afterwards?.(pages, server);
  } finally {
    for (const p of pages) await p.context().close();
    await server.close();
  }
}

describe.skipIf(!coturnAvailable() || !chromiumAvailable())('relay-only ICE through a real coturn', () => {
  it('carries audio and video over UDP, and restarts ICE when that path goes away and comes back', async () => {
    await callThroughTurn(`turn:127.0.0.1:${coturn.port}?transport=udp`, 'udp', browser, iceRestart);
  });

  it('carries audio and video over TCP', async () => {
    await callThroughTurn(`turn:127.0.0.1:${coturn.port}?transport=tcp`, 'tcp');
  });

  it('carries audio and video over TLS', async () => {
    // The test certificate is self-signed: this browser is told to accept it.
    const trusting = await launchChromium(['--ignore-certificate-errors']);
    try {
      await callThroughTurn(`turns:127.0.0.1:${coturn.tlsPort}?transport=tcp`, 'tls', trusting);
    } finally {
      await trusting.close();
    }
  });
});
