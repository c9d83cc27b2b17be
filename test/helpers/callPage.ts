// Driving the real web client in Chromium as a person would: open a page on a
// laptop (1366x768) or a phone (360x740, touch), pass the device check, use
// the controls and panels, read WebRTC byte counters, save screenshots, and
// check the layout (control bar on screen, nothing wider than the screen, no
// English words in the Russian interface).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';

export interface Bytes {
  inbound: { audio: number; video: number };
  outbound: { audio: number; video: number };
}

export type Device = 'laptop' | 'phone';

export const SCREENSHOT_DIR = fileURLToPath(new URL('../../test-artifacts/screenshots', import.meta.url));

const DEVICES = {
  laptop: { viewport: { width: 1366, height: 768 } },
  phone: { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 },
} as const;

const openContexts = new Set<BrowserContext>();

/** Closes every page this helper opened, so one test's media does not load the next (two cores). */
export async function closePages(): Promise<void> {
  const contexts = [...openContexts];
  openContexts.clear();
  await Promise.all(contexts.map((c) => c.close().catch(() => {})));
}

export async function openPage(browser: Browser, url: string, device: Device = 'laptop'): Promise<Page> {
  const context = await browser.newContext(DEVICES[device]);
  openContexts.add(context);
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') console.log(`[browser] ${m.text()}`);
  });
  page.on('pageerror', (err) => console.log(`[browser] page error: ${err.message}`));
  await page.goto(url);
  return page;
}

/** Passes the device check with camera and microphone on. */
export async function passDeviceCheck(page: Page): Promise<void> {
  await page.locator('#join-button:not([disabled])').click({ timeout: 20_000 });
}

export async function waitInCall(page: Page): Promise<void> {
  try {
    await page.locator('#controls').waitFor({ state: 'visible', timeout: 20_000 });
  } catch (err) {
    const seen = await page.evaluate(() => document.body.innerText).catch(() => '');
    throw new Error(`not in the call; the page shows "${seen.slice(0, 300)}": ${(err as Error).message}`);
  }
}

/** Opens a join link, passes the device check and waits until the call's controls show. */
export async function enterCall(browser: Browser, url: string, device: Device = 'laptop'): Promise<Page> {
  const page = await openPage(browser, url, device);
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

/** Whether the page sends this source now (its producer exists and is not paused). */
export async function isPublishing(page: Page, source: 'microphone' | 'camera' | 'screen'): Promise<boolean> {
  return page.evaluate(
    (s) =>
      (window as unknown as { schoolCall: { isPublishing(s: string): boolean } }).schoolCall.isPublishing(s),
    source,
  );
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

/** Opens a side panel (people from the bar; settings and breakouts from "more"). */
export async function openPanel(
  page: Page,
  id: 'people' | 'settings' | 'breakouts' | 'recording',
): Promise<void> {
  if (await page.locator(`#panel-${id}`).isVisible()) return;
  const inBar = page.locator(`#${id}-button`);
  if (await inBar.isVisible()) await inBar.click();
  else {
    await page.locator('#more').click();
    await page.locator(`.menu [data-panel="${id}"]`).click();
  }
  await page.locator(`#panel-${id}`).waitFor();
}

export async function closePanel(page: Page): Promise<void> {
  await page.locator('.panel-head button').click();
}

/** Runs an action from "more" (mute-all, cameras-off-all, lock, attention-all, end-call, layout-toggle). */
export async function moreAction(page: Page, id: string): Promise<void> {
  await page.locator('#more').click();
  await page.locator(`.menu #${id}`).click();
}

/** A teacher's action on one person from the people list's menu. */
export async function personAction(page: Page, name: string, action: string): Promise<void> {
  await openPanel(page, 'people');
  const row = page.locator('#people-list li', { hasText: name });
  await row.locator('[data-menu]').click();
  await page.locator(`.menu [data-action="${action}"]`).click();
}

/** Waits until every video on the stage shows a picture (a new tile needs a keyframe first). */
export async function waitForVideos(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      [...document.querySelectorAll<HTMLVideoElement>('.tile video')].every(
        (v) => v.videoWidth > 0 && v.readyState >= 2,
      ),
    undefined,
    { timeout: 15_000 },
  );
}

/** Saves what the person sees under test-artifacts/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // Let animations and layout settle for a frame or two.
  await page.waitForTimeout(150);
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}

/**
 * Which of the visible `under` elements (name tags, the control bar…) an
 * element matching `over` (a toast, a reaction) covers: their classes and
 * text, empty when each stays readable.
 */
export async function coveredBy(page: Page, over: string, under: string): Promise<string[]> {
  return page.evaluate(
    ([o, u]) => {
      const boxes = (sel: string) =>
        [...document.querySelectorAll(sel)]
          .map((el) => ({ el, r: el.getBoundingClientRect() }))
          .filter(({ r }) => r.width > 1 && r.height > 1);
      const tops = boxes(o);
      return boxes(u)
        .filter(({ r }) =>
          tops.some(
            ({ r: t }) => t.left < r.right && r.left < t.right && t.top < r.bottom && r.top < t.bottom,
          ),
        )
        .map(({ el }) => `${el.className}: ${(el as HTMLElement).innerText.trim()}`);
    },
    [over, under] as const,
  );
}

export interface LayoutReport {
  overflowX: number;
  controlsInView: boolean | null;
  headerInView: boolean | null;
  englishWords: string[];
}

/**
 * What a person would notice: the control bar and header inside the
 * viewport, nothing wider than the screen, and (in Russian) no English words
 * except the allowed ones (names, codes, the language switch's "English").
 */
export async function layoutReport(page: Page, allow: string[] = []): Promise<LayoutReport> {
  return page.evaluate((allowed) => {
    const inView = (el: Element | null) => {
      if (!el) return null;
      const r = el.getBoundingClientRect();
      return (
        r.top >= 0 &&
        r.left >= 0 &&
        r.bottom <= window.innerHeight + 0.5 &&
        r.right <= window.innerWidth + 0.5
      );
    };
    const texts: string[] = [document.body.innerText, document.title];
    for (const el of document.querySelectorAll('[aria-label], [title], [placeholder]')) {
      if ((el as HTMLElement).closest('[hidden]')) continue;
      for (const a of ['aria-label', 'title', 'placeholder']) texts.push(el.getAttribute(a) ?? '');
    }
    const ok = new Set(['English', ...allowed.flatMap((a) => a.split(/\s+/))].map((w) => w.toLowerCase()));
    const words = texts.join(' ').match(/[A-Za-z][A-Za-z'’-]+/g) ?? [];
    const controls = document.querySelector('#controls');
    const buttons = [...(controls?.querySelectorAll('button') ?? [])].filter(
      (b) => (b as HTMLElement).offsetParent !== null && !b.closest('.menu'),
    );
    return {
      overflowX: Math.max(0, document.documentElement.scrollWidth - window.innerWidth),
      controlsInView: controls ? inView(controls) && buttons.every((b) => inView(b)) : null,
      headerInView: document.querySelector('.call-header')
        ? [document.querySelector('.call-header'), ...document.querySelectorAll('.call-header > *')].every(
            (el) => (el as HTMLElement).offsetParent === null || inView(el),
          )
        : null,
      englishWords: [...new Set(words.filter((w) => !ok.has(w.toLowerCase())))],
    };
  }, allow);
}
