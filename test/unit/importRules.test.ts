// The import check of `npm test` (`npm run check:imports`, dependency-cruiser
// with .dependency-cruiser.cjs): every module of the checked folders belongs
// to exactly one layer, and the check fails the build on each kind of fault,
// shown on small trees laid out like the repository.
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
  CHECKED: string[];
  partsOf(path: string): string[];
};
const depcruise = join(root, 'node_modules/.bin/depcruise');
const config = join(root, '.dependency-cruiser.cjs');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'generated' && name !== 'node_modules') out.push(...sources(path));
    } else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(relative(root, path));
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
  const folders = layers.CHECKED.filter((f) => Object.keys(files).some((p) => p.startsWith(`${f}/`)));
  try {
    const run = await promisify(execFile)(
      depcruise,
      ['--config', config, '--output-type', 'err', ...folders],
      {
        cwd: dir,
      },
    );
    return { status: 0, output: run.stdout + run.stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { status: failed.code, output: failed.stdout + failed.stderr };
  }
}

describe('import rules', () => {
  it('places every module of the checked folders in exactly one layer', () => {
    const misplaced = layers.CHECKED.flatMap((folder) => sources(join(root, folder)))
      .map((path) => ({ path, parts: layers.partsOf(path) }))
      .filter(({ parts }) => parts.length !== 1);
    expect(misplaced).toEqual([]);
  });

  it('checks in npm test the folders the rules name', () => {
    const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts as Record<
      string,
      string
    >;
    expect(scripts.test).toContain('npm run check:imports');
    expect(scripts['check:imports']?.split(' ').slice(-layers.CHECKED.length)).toEqual(layers.CHECKED);
  });

  it('passes imports that run down the layers', async () => {
    const result = await check({
      'common/log.ts': 'export const log = 1;\n',
      'sfu/pool.ts': "import { log } from '../common/log.js';\nexport const pool = log;\n",
      'app/main.ts': "import { pool } from '../sfu/pool.js';\nexport const main = pool;\n",
    });
    expect(result.output).toContain('no dependency violations');
    expect(result.status).toBe(0);
  });

  it('fails on an import running up the layers', async () => {
    const result = await check({
      'app/main.ts': 'export const main = 1;\n',
      'sfu/pool.ts': "import { main } from '../app/main.js';\nexport const pool = main;\n",
    });
    expect(result.output).toContain('upward-import: sfu/pool.ts → app/main.ts');
    expect(result.status).not.toBe(0);
  });

  it('fails on an import circle, also inside one layer', async () => {
    const result = await check({
      'common/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
      'common/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
    });
    expect(result.output).toMatch(/no-circular: common\/a\.ts →\s*common\/b\.ts →\s*common\/a\.ts/);
    expect(result.status).not.toBe(0);
  });

  it('fails on a feature reaching into another, and on the browser importing the server', async () => {
    const result = await check({
      'recorder/feature.ts': 'export const recorder = 1;\n',
      'whiteboard/feature.ts':
        "import { recorder } from '../recorder/feature.js';\nexport const board = recorder;\n",
      'signaling/domain/room.ts': 'export const room = 1;\n',
      'web/src/page.ts':
        "import { room } from '../../signaling/domain/room.js';\nexport const page = room;\n",
    });
    expect(result.output).toContain('feature-imports-feature: whiteboard/feature.ts → recorder/feature.ts');
    expect(result.output).toContain('web-imports-server: web/src/page.ts → signaling/domain/room.ts');
    expect(result.status).not.toBe(0);
  });

  it('fails on a module that belongs to no layer', async () => {
    const result = await check({
      'common/log.ts': 'export const log = 1;\n',
      'signaling/newPlace/thing.ts':
        "import { log } from '../../common/log.js';\nexport const thing = log;\n",
    });
    expect(result.output).toContain('unplaced-module: signaling/newPlace/thing.ts');
    expect(result.status).not.toBe(0);
  });
});
