// Reading exported boards with real tools, as a teacher's computer would:
// netpbm's pngtopnm decodes a PNG, poppler's pdfinfo and pdftoppm read and
// rasterise a PDF. Each picture is measured by its size and by how many of
// its pixels are not white (a blank export has none).
import { execFile } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Picture {
  width: number;
  height: number;
  /** Pixels that are clearly not white. */
  inked: number;
}

/** A binary PPM (P6) as pngtopnm and pdftoppm write it. */
function measurePpm(ppm: Buffer): Picture {
  const header = /^P6\s+(?:#[^\n]*\n\s*)*(\d+)\s+(\d+)\s+(\d+)\s/.exec(
    ppm.subarray(0, 200).toString('latin1'),
  );
  if (!header) throw new Error('not a binary PPM');
  const [all, w, h, max] = header;
  if (Number(max) !== 255) throw new Error(`unexpected PPM depth ${max}`);
  const width = Number(w);
  const height = Number(h);
  const pixels = ppm.subarray(all.length);
  let inked = 0;
  for (let i = 0; i + 2 < pixels.length; i += 3) {
    if (pixels[i]! < 200 || pixels[i + 1]! < 200 || pixels[i + 2]! < 200) inked++;
  }
  return { width, height, inked };
}

export async function measurePng(file: string): Promise<Picture> {
  const { stdout } = await run('pngtopnm', ['-mix', '-background', 'white', file], {
    encoding: 'buffer',
    maxBuffer: 256 * 1024 * 1024,
  });
  return measurePpm(stdout);
}

/** `pdfinfo`'s fields (Pages, Page size, Producer...). */
export async function pdfInfo(file: string): Promise<Record<string, string>> {
  const { stdout } = await run('pdfinfo', [file]);
  return Object.fromEntries(
    stdout
      .split('\n')
      .map((line) => /^([^:]+):\s*(.*)$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1]!, m[2]!]),
  );
}

/** Every page of a PDF rasterised by pdftoppm (at a low resolution: enough to see ink). */
export async function pdfPages(file: string, outDir: string): Promise<Picture[]> {
  const prefix = join(outDir, 'page');
  await run('pdftoppm', ['-r', '36', file, prefix]);
  const names = (await readdir(outDir)).filter((n) => n.startsWith('page') && n.endsWith('.ppm')).sort();
  return Promise.all(names.map(async (n) => measurePpm(await readFile(join(outDir, n)))));
}
