// Acting on and reading the effects as a person would, and reading what a
// receiver gets: a received camera's frame sampled in regions (mean colour
// and sharpness), and a received microphone recorded (MediaRecorder) for
// sox to measure.
import type { Page } from 'playwright-core';
import type { Region } from './effectsMedia.js';

export interface RegionSample {
  /** Mean red, green, blue (0-255). */
  mean: [number, number, number];
  /** Mean absolute difference of luma between horizontal neighbours: high where edges are sharp. */
  sharpness: number;
}

/** Samples the frame the page shows in `name`'s tile, region by region (shares of the frame). */
export async function sampleTile(page: Page, name: string, regions: Region[]): Promise<RegionSample[]> {
  return page.evaluate(
    ({ name, regions }) => {
      const tile = [...document.querySelectorAll('.tile')].find(
        (t) => t.querySelector('.name')?.textContent?.trim() === name,
      );
      const video = tile?.querySelector('video');
      if (!video || !video.videoWidth) throw new Error(`no video in ${name}'s tile`);
      const canvas = document.createElement('canvas');
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      const context = canvas.getContext('2d', { willReadFrequently: true })!;
      context.drawImage(video, 0, 0);
      return regions.map((r) => {
        const x = Math.round(r.x * canvas.width);
        const y = Math.round(r.y * canvas.height);
        const w = Math.max(2, Math.round(r.w * canvas.width));
        const h = Math.max(1, Math.round(r.h * canvas.height));
        const { data } = context.getImageData(x, y, w, h);
        let red = 0;
        let green = 0;
        let blue = 0;
        let edges = 0;
        for (let row = 0; row < h; row++) {
          for (let col = 0; col < w; col++) {
            const i = 4 * (row * w + col);
            red += data[i]!;
            green += data[i + 1]!;
            blue += data[i + 2]!;
            if (col > 0) {
              const luma = (j: number) => 0.299 * data[j]! + 0.587 * data[j + 1]! + 0.114 * data[j + 2]!;
              edges += Math.abs(luma(i) - luma(i - 4));
            }
          }
        }
        const n = w * h;
        return {
          mean: [red / n, green / n, blue / n] as [number, number, number],
          sharpness: edges / ((w - 1) * h),
        };
      });
    },
    { name, regions },
  );
}

/** The largest difference of one colour channel between two samples. */
export function colourDistance(a: RegionSample, b: RegionSample | [number, number, number]): number {
  const other = Array.isArray(b) ? b : b.mean;
  return Math.max(...a.mean.map((v, i) => Math.abs(v - other[i]!)));
}

/** Records what the page receives from `participantId`'s microphone for `ms`; returns the WebM/Opus bytes. */
export async function recordRemoteAudio(page: Page, participantId: string, ms: number): Promise<Buffer> {
  const base64 = await page.evaluate(
    async ({ participantId, ms }) => {
      const audio = document.querySelector<HTMLAudioElement>(`audio[data-participant="${participantId}"]`);
      const stream = audio?.srcObject as MediaStream | null;
      if (!stream) throw new Error(`no audio from ${participantId}`);
      const recorder = new MediaRecorder(new MediaStream(stream.getAudioTracks()), {
        mimeType: 'audio/webm;codecs=opus',
        audioBitsPerSecond: 128_000,
      });
      const chunks: Blob[] = [];
      recorder.ondataavailable = (e) => chunks.push(e.data);
      const stopped = new Promise((resolve) => {
        recorder.onstop = resolve;
      });
      recorder.start(500);
      await new Promise((r) => setTimeout(r, ms));
      recorder.stop();
      await stopped;
      const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
      let binary = '';
      for (let i = 0; i < bytes.length; i += 0x8000) {
        binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      }
      return btoa(binary);
    },
    { participantId, ms },
  );
  return Buffer.from(base64, 'base64');
}

/** Picks a background in the device check by its visible name. */
export async function chooseBackgroundBeforeJoining(page: Page, label: string): Promise<void> {
  await page.getByRole('radio', { name: label, exact: true }).click();
}

/** Picks a background in the call: "more", then the tile (two taps). */
export async function chooseBackgroundInCall(page: Page, label: string): Promise<void> {
  await page.locator('#more').click();
  await page.getByRole('menuitemradio', { name: label, exact: true }).click();
}

/** Switches noise suppression in the call: "more", then the switch (two taps). */
export async function toggleNoiseInCall(page: Page): Promise<void> {
  await page.locator('#more').click();
  await page.locator('#noise-toggle').click();
}

/** The background worker's figures on this page (null until it reports). */
export async function effectStats(page: Page): Promise<Record<string, number> | null> {
  return page.evaluate(
    () =>
      (window as unknown as { schoolEffects?: { stats: { value: Record<string, number> | null } } })
        .schoolEffects?.stats.value ?? null,
  );
}

/** Whether the page's noise suppressor runs and its background (off, starting, on, failed). */
export async function effectStates(page: Page): Promise<{ video: string; audio: string }> {
  return page.evaluate(() => {
    const fx = (
      window as unknown as {
        schoolEffects?: { videoState: { value: string }; audioState: { value: string } };
      }
    ).schoolEffects;
    return { video: fx?.videoState.value ?? 'none', audio: fx?.audioState.value ?? 'none' };
  });
}
