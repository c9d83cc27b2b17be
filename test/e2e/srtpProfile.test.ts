// Chromium and our worker agree on an AEAD (AES-GCM) SRTP profile over
// DTLS: the worker offers the GCM profiles first and, built on libsrtp's
// OpenSSL backend, can run them. Read from RTCPeerConnection.getStats() of
// every connection the real web client opens, sending and receiving.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { inboundGrowth, passDeviceCheck, tileName, waitInCall } from '../helpers/callPage.js';
import { type TestServer, createRoomWithToken, startTestServer } from '../helpers/testServer.js';

/** Keeps every RTCPeerConnection the page makes, so the test can read its stats. */
const RECORD_PEER_CONNECTIONS = `(() => {
  const Original = window.RTCPeerConnection;
  const seen = [];
  window.__peerConnections = seen;
  window.RTCPeerConnection = class extends Original {
    constructor(...args) { super(...args); seen.push(this); }
  };
})();`;

interface TransportStat {
  srtpCipher?: string;
  dtlsState?: string;
  tlsVersion?: string;
}

async function openRecorded(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext();
  await context.addInitScript(RECORD_PEER_CONNECTIONS);
  const page = await context.newPage();
  await page.goto(url);
  await passDeviceCheck(page);
  await waitInCall(page);
  return page;
}

async function transportStats(page: Page): Promise<TransportStat[]> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections;
    const out: { srtpCipher?: string; dtlsState?: string }[] = [];
    for (const pc of pcs) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((s) => {
        if (s.type === 'transport') out.push({ srtpCipher: s.srtpCipher, dtlsState: s.dtlsState });
      });
    }
    return out;
  });
}

describe('SRTP profile negotiated with Chromium', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('every sending and receiving connection uses AES-GCM', async () => {
    const [teacher, pupil] = await createRoomWithToken(server, 'gcm-room', [
      { displayName: 'Учитель', role: 'host', userId: 'gcm-teacher' },
      { displayName: 'Ученик', role: 'participant', userId: 'gcm-pupil' },
    ]);
    const pages: Page[] = [];
    for (const person of [teacher!, pupil!]) {
      pages.push(
        await openRecorded(browser, person.joinUrl.replace(server.config.publicUrl, server.httpUrl)),
      );
    }
    await tileName(pages[0]!, 'Ученик').waitFor({ timeout: 20_000 });
    await tileName(pages[1]!, 'Учитель').waitFor({ timeout: 20_000 });
    // Media flows both ways (it waits until audio and video arrive on each page).
    await inboundGrowth(pages, 500);

    const shot = join(tmpdir(), 'school-call-srtp-gcm.png');
    await pages[0]!.screenshot({ path: shot });
    console.log(`screenshot: ${shot}`);

    for (const [i, page] of pages.entries()) {
      const stats = (await transportStats(page)).filter((s) => s.dtlsState === 'connected');
      console.log(`page ${i}: ${stats.map((s) => s.srtpCipher).join(', ')}`);
      // A send and a receive transport per page.
      expect(stats.length).toBeGreaterThanOrEqual(2);
      for (const s of stats) expect(s.srtpCipher).toMatch(/^(SRTP_)?AEAD_AES_(128|256)_GCM$/);
    }
  });
});
