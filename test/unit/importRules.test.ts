// The import check of `npm test` (`npm run check:imports`, dependency-cruiser
// with .dependency-cruiser.cjs): every module of the checked folders belongs
// to exactly one layer, and the check fails the build on each kind of fault,
// shown on two small trees laid out like the repository.
import { execFile } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const layers = createRequire(import.meta.url)(join(root, 'scripts/import-layers.cjs')) as {
  NOT_CHECKED: string;
  partsOf(path: string): string[];
};
const depcruise = join(root, 'node_modules/.bin/depcruise');
const config = join(root, '.dependency-cruiser.cjs');

const notChecked = new RegExp(layers.NOT_CHECKED);

/** The TypeScript modules the check reads. */
function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const rel = relative(root, path);
    if (statSync(path).isDirectory()) {
      if (!notChecked.test(`${rel}/`)) out.push(...sources(path));
    } else if (/\.tsx?$/.test(name) && !notChecked.test(rel)) out.push(rel);
  }
  return out;
}

const trees: string[] = [];
afterAll(() => {
  for (const dir of trees) rmSync(dir, { recursive: true, force: true });
});

/** Runs the check of `npm test` on a tree of the given files (path -> source). */
async function check(files: Record<string, string>): Promise<{ status: number; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'import-rules-'));
  trees.push(dir);
  cpSync(join(root, 'tsconfig.json'), join(dir, 'tsconfig.json'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  try {
    const run = await promisify(execFile)(depcruise, ['--config', config, '--output-type', 'err', '.'], {
      cwd: dir,
    });
    return { status: 0, output: run.stdout + run.stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { status: failed.code, output: failed.stdout + failed.stderr };
  }
}

describe('import rules', () => {
  it('places every module of the checked folders in exactly one layer', () => {
    const misplaced = sources(root)
      .map((path) => ({ path, parts: layers.partsOf(path) }))
      .filter(({ parts }) => parts.length !== 1);
    expect(misplaced).toEqual([]);
  });

  it('reads every folder in npm test but the tools', () => {
    const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts as Record<
      string,
      string
    >;
    expect(scripts.test).toContain('npm run check:imports');
    expect(scripts['check:imports']).toMatch(/ \.$/);
    const read = new Set(sources(root).map((path) => path.split('/')[0]));
    for (const folder of ['app', 'common', 'sfu', 'signaling', 'messaging', 'whiteboard', 'web']) {
      expect(read).toContain(folder);
    }
    for (const tool of ['test', 'loadtest', 'scripts', 'node_modules']) expect(read).not.toContain(tool);
  });

  // One clean tree and one with a fault of each kind, checked side by side
  // (each run starts dependency-cruiser and TypeScript: seconds apiece).
  it('passes imports that run down the layers, and fails on each kind of fault', async () => {
    const [clean, faulty] = await Promise.all([
      check({
        'common/log.ts': 'export const log = 1;\n',
        'sfu/pool.ts': "import { log } from '../common/log.js';\nexport const pool = log;\n",
        'app/main.ts': "import { pool } from '../sfu/pool.js';\nexport const main = pool;\n",
      }),
      check({
        // Up the layers.
        'app/main.ts': 'export const main = 1;\n',
        'sfu/pool.ts': "import { main } from '../app/main.js';\nexport const pool = main;\n",
        // A circle inside one layer.
        'common/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
        'common/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
        // A feature reaching into another.
        'recorder/feature.ts': 'export const recorder = 1;\n',
        'whiteboard/feature.ts':
          "import { recorder } from '../recorder/feature.js';\nexport const board = recorder;\n",
        // The browser importing the server.
        'signaling/domain/room.ts': 'export const room = 1;\n',
        'web/src/page.ts':
          "import { room } from '../../signaling/domain/room.js';\nexport const page = room;\n",
        // A module in no layer.
        'signaling/newPlace/thing.ts': "import { a } from '../../common/a.js';\nexport const thing = a;\n",
      }),
    ]);
    expect(clean.output).toContain('no dependency violations');
    expect(clean.status).toBe(0);

    expect(faulty.status).not.toBe(0);
    expect(faulty.output).toContain('upward-import: sfu/pool.ts → app/main.ts');
    expect(faulty.output).toMatch(/no-circular: common\/a\.ts →\s*common\/b\.ts →\s*common\/a\.ts/);
    expect(faulty.output).toContain('feature-imports-feature: whiteboard/feature.ts → recorder/feature.ts');
    expect(faulty.output).toContain('web-imports-server: web/src/page.ts → signaling/domain/room.ts');
    expect(faulty.output).toContain('unplaced-module: signaling/newPlace/thing.ts');
    // Every fault is an error: the exit status fails `npm test`.
    expect(faulty.output).toMatch(/x \d+ dependency violations \(\d+ errors, 0 warnings\)/);
  });
});
