// Driving the real web client in Chromium: open a page, pass the device
// check, read WebRTC byte counters.
import type { Browser, Page } from 'playwright-core';

export interface Bytes {
  inbound: { audio: number; video: number };
  outbound: { audio: number; video: number };
}

export async function openPage(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') console.log(`[browser] ${m.text()}`);
  });
  await page.goto(url);
  return page;
}

/** Passes the device check with camera and microphone on. */
export async function passDeviceCheck(page: Page): Promise<void> {
  await page.locator('#join-button').click({ timeout: 20_000 });
}

export async function waitInCall(page: Page): Promise<void> {
  try {
    await page.locator('#controls').waitFor({ state: 'visible', timeout: 20_000 });
  } catch (err) {
    const status = await page.locator('#status').textContent();
    const prejoin = await page.locator('#prejoin-error').textContent();
    throw new Error(
      `not in the call: status "${status}", device check "${prejoin}": ${(err as Error).message}`,
    );
  }
}

/** Opens a join link, passes the device check and waits until the call's controls show. */
export async function enterCall(browser: Browser, url: string): Promise<Page> {
  const page = await openPage(browser, url);
  await passDeviceCheck(page);
  await waitInCall(page);
  return page;
}

export async function byteCounts(page: Page): Promise<Bytes> {
  return page.evaluate(async () => {
    const call = (window as unknown as { schoolCall?: { byteCounts(): Promise<Bytes> } }).schoolCall;
    if (!call) return { inbound: { audio: 0, video: 0 }, outbound: { audio: 0, video: 0 } };
    return call.byteCounts();
  });
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Waits until audio and video arrive on every page, then measures how much more arrives over `ms`. */
export async function inboundGrowth(
  pages: Page[],
  ms: number,
): Promise<{ before: Bytes['inbound']; after: Bytes['inbound']; audio: number; video: number }[]> {
  for (const page of pages) {
    await waitFor(
      async () => {
        const b = await byteCounts(page);
        return b.inbound.audio > 0 && b.inbound.video > 0;
      },
      30_000,
      'inbound audio and video',
    );
  }
  const first = await Promise.all(pages.map(byteCounts));
  await new Promise((r) => setTimeout(r, ms));
  const second = await Promise.all(pages.map(byteCounts));
  return first.map((f, i) => {
    const before = f.inbound;
    const after = second[i]!.inbound;
    return { before, after, audio: after.audio - before.audio, video: after.video - before.video };
  });
}

export function tileName(page: Page, name: string) {
  return page.locator('.tile .name', { hasText: name });
}
