// Driving the whiteboard in the real web client: a teacher opens it from the
// board panel, draws with Excalidraw's own tools, and tests read the page's
// Yjs document and the pixels Excalidraw drew.
import type { Page } from 'playwright-core';
import { waitFor } from './callPage.js';

interface BoardWindow {
  schoolBoard?: {
    elements(): Record<string, { page: string; el: { type: string } }>;
    ink(): Record<string, { xy: number[] }>;
    scenePoints(id: string): number;
    sceneCount(): number;
    page(): string;
    allInView(): boolean;
  };
}

/** Opens the board panel (in "more") and returns once it shows. */
export async function openBoardPanel(page: Page): Promise<void> {
  if (await page.locator('#panel-board').isVisible()) return;
  await page.locator('#more').click();
  await page.locator('.menu [data-panel="board"]').click();
  await page.locator('#panel-board').waitFor();
}

/** Waits until Excalidraw is mounted on the stage and bound to the board. */
export async function waitForBoard(page: Page): Promise<void> {
  await page.locator('#board .excalidraw').waitFor({ timeout: 30_000 });
  await page.waitForFunction(() => Boolean((window as unknown as BoardWindow).schoolBoard), undefined, {
    timeout: 30_000,
  });
  await page.locator('#board .board-bar').waitFor();
}

/** The board's elements as this page's Yjs document holds them. */
export function boardElements(page: Page): Promise<Record<string, { page: string; el: { type: string } }>> {
  return page.evaluate(() => (window as unknown as BoardWindow).schoolBoard?.elements() ?? {});
}

/** The board's chunks of freehand points as this page's Yjs document holds them. */
export function boardInk(page: Page): Promise<Record<string, { xy: number[] }>> {
  return page.evaluate(() => (window as unknown as BoardWindow).schoolBoard?.ink() ?? {});
}

/** Points of an element in this page's drawing (Excalidraw's scene), or -1 when it is not there. */
export function scenePoints(page: Page, id: string): Promise<number> {
  return page.evaluate(
    (elementId) => (window as unknown as BoardWindow).schoolBoard?.scenePoints(elementId) ?? -1,
    id,
  );
}

/** Points of an element in the document's ink: the sum over its chunks. */
export function inkPoints(ink: Record<string, { xy: number[] }>, id: string): number {
  let n = 0;
  for (const [key, chunk] of Object.entries(ink)) {
    if (key.slice(0, key.lastIndexOf(':')) === id) n += chunk.xy.length / 2;
  }
  return n;
}

/** Picks a tool and puts the pen down on the canvas; the stroke goes on with `to` until `up`. */
export async function penDown(
  page: Page,
  tool: 'freedraw',
  from: { x: number; y: number },
): Promise<{ to(p: { x: number; y: number }): Promise<void>; up(): Promise<void> }> {
  await page.locator(`#board label:has([data-testid="toolbar-${tool}"])`).first().click();
  const box = await page.locator('#board canvas.excalidraw__canvas.interactive').boundingBox();
  if (!box) throw new Error('no canvas');
  await page.mouse.move(box.x + from.x, box.y + from.y);
  await page.mouse.down();
  return {
    to: (p) => page.mouse.move(box.x + p.x, box.y + p.y),
    up: () => page.mouse.up(),
  };
}

export function sceneCount(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as BoardWindow).schoolBoard?.sceneCount() ?? 0);
}

/** Picks an Excalidraw tool from its toolbar and drags across the canvas, as a person would. */
export async function drawWith(
  page: Page,
  tool: 'rectangle' | 'ellipse' | 'freedraw' | 'arrow',
  from: { x: number; y: number },
  to: { x: number; y: number },
): Promise<void> {
  // The radio sits under its icon; a person clicks the icon's label.
  await page.locator(`#board label:has([data-testid="toolbar-${tool}"])`).first().click();
  const canvas = page.locator('#board canvas.excalidraw__canvas.interactive');
  const box = await canvas.boundingBox();
  if (!box) throw new Error('no canvas');
  await page.mouse.move(box.x + from.x, box.y + from.y);
  await page.mouse.down();
  const steps = 8;
  for (let i = 1; i <= steps; i++) {
    await page.mouse.move(
      box.x + from.x + ((to.x - from.x) * i) / steps,
      box.y + from.y + ((to.y - from.y) * i) / steps,
    );
  }
  await page.mouse.up();
}

/** How many pixels of Excalidraw's drawing are not the white background. */
export function inkedPixels(page: Page): Promise<number> {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('#board canvas.excalidraw__canvas.static');
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return 0;
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i]! < 200 || data[i + 1]! < 200 || data[i + 2]! < 200) n++;
    }
    return n;
  });
}

/** Waits until the page's board document has exactly these element ids. */
export async function waitForElementIds(page: Page, ids: string[], timeoutMs = 15_000): Promise<void> {
  const want = [...ids].sort().join(',');
  await waitFor(
    async () =>
      Object.keys(await boardElements(page))
        .sort()
        .join(',') === want,
    timeoutMs,
    `board elements [${want}]`,
  );
}

/** Waits until the whole drawing is in view (a watcher's view follows it). */
export async function waitForAllInView(page: Page): Promise<void> {
  await page.waitForFunction(
    () => (window as unknown as BoardWindow).schoolBoard?.allInView() === true,
    undefined,
    {
      timeout: 10_000,
    },
  );
}
