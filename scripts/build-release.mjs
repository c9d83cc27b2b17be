#!/usr/bin/env node
// Builds a release: the server compiled to JavaScript (esbuild, one .js per
// .ts, so the layout and the files read beside the code stay as they are),
// the built web client, the files the server reads at run time, the
// production npm dependencies copied from this checkout (with the mediasoup
// worker and the whisper.cpp addon that scripts/setup.sh built, and no dev
// dependency, no tsx), and the operations files (units, nginx, scripts).
// What scripts/install.sh puts under /opt/school-call/releases/<version>.
//
//   node scripts/build-release.mjs [out-dir]      (default: build/release)
//
// Prints the release directory. Run scripts/setup.sh first.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const outRoot = process.argv[2] ?? join(root, 'build/release');
const out = join(outRoot, `school-call-${pkg.version}`);

/** The server's folders: every top-level folder but the browser client, tests, load tests and tools. */
const NOT_SERVER = new Set(['web', 'test', 'loadtest', 'node_modules', 'scripts', 'docs', 'deploy', 'build']);
const SERVER = readdirSync(root, { withFileTypes: true })
  .filter(
    (d) =>
      d.isDirectory() && !d.name.startsWith('.') && !NOT_SERVER.has(d.name) && !d.name.includes('artifacts'),
  )
  .map((d) => d.name);
/** Besides every non-TypeScript file in the server's folders (Lua, SQL migrations, Python, the viewer, pins). */
const ASSETS = [
  'web/dist',
  'scripts/redis.conf',
  'scripts/postgresql.conf',
  'scripts/ops',
  'deploy',
  'docs',
  'CHANGELOG.md',
  'package.json',
];

function files(dir, keep) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path, keep);
    return keep(path) ? [path] : [];
  });
}

function need(path, hint) {
  if (!existsSync(join(root, path))) {
    console.error(`build-release: ${path} is missing: ${hint}`);
    process.exit(1);
  }
}
need('node_modules/mediasoup/worker/out/Release/mediasoup-worker', 'run scripts/setup.sh first');
need('web/dist/index.html', 'run npm run build first');
need('common/protocol/generated/protocol.js', 'run npm run build first');

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

// 1. The server, compiled: each TypeScript file to a JavaScript file in the same place.
const sources = SERVER.flatMap((d) => files(join(root, d), (p) => p.endsWith('.ts') && !p.endsWith('.d.ts')));
await build({
  entryPoints: sources,
  outdir: out,
  outbase: root,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
});

// 2. What it reads at run time: the files beside the code, the web client, the operations files.
for (const d of SERVER) {
  for (const f of files(join(root, d), (p) => !p.endsWith('.ts') && !p.endsWith('.md'))) {
    cpSync(f, join(out, relative(root, f)));
  }
}
for (const a of ASSETS) cpSync(join(root, a), join(out, a), { recursive: true });

// 3. Production dependencies, as installed here (npm's own list of them).
const listed = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], {
  cwd: root,
  encoding: 'utf8',
})
  .split('\n')
  .filter((p) => p.startsWith(join(root, 'node_modules')));
/** Inside packages: what only building them needed. */
const prune = [
  /^node_modules\/mediasoup\/worker\/(?!out\/Release\/mediasoup-worker$)/,
  /^node_modules\/smart-whisper\/(whisper\.cpp|src)\//,
  /^node_modules\/smart-whisper\/build\/(?!Release\/smart-whisper\.node$)/,
  /^node_modules\/uWebSockets\.js\/(?!uws_linux_x64_\d+\.node$|uws\.js$|ESM_wrapper\.mjs$|index\.d\.ts$|package\.json$|LICENSE$)/,
];
/** Kept inside those pruned folders. */
const keep = [
  'node_modules/mediasoup/worker/out/Release/mediasoup-worker',
  'node_modules/smart-whisper/build/Release/smart-whisper.node',
];
const pruned = (r, isDir) => {
  if (isDir && keep.some((k) => k.startsWith(`${r}/`))) return false;
  return prune.some((re) => re.test(isDir ? `${r}/` : r));
};
let copied = 0;
for (const dir of listed) {
  const rel = relative(root, dir);
  cpSync(dir, join(out, rel), {
    recursive: true,
    filter: (src) => {
      const r = relative(root, src);
      if (r.split('/node_modules/').length > rel.split('/node_modules/').length) return false; // its own deps are listed apart
      return r === rel || !pruned(r, statSync(src).isDirectory());
    },
  });
  copied++;
}
for (const bad of ['tsx', 'typescript', 'esbuild', 'vitest']) {
  if (existsSync(join(out, 'node_modules', bad))) {
    console.error(`build-release: the dev dependency ${bad} ended up in the release`);
    process.exit(1);
  }
}

// 4. What this release is: version, commit, and every file's SHA-256.
let commit = 'unknown';
try {
  commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
} catch {
  // Not a git checkout.
}
writeFileSync(
  join(out, 'release.json'),
  `${JSON.stringify({ version: pkg.version, commit, node: pkg.engines.node, builtAt: new Date().toISOString() }, null, 2)}\n`,
);
const manifest = files(out, () => true)
  .map((p) => relative(out, p))
  .filter((p) => p !== 'MANIFEST.sha256')
  .sort()
  .map(
    (p) =>
      `${createHash('sha256')
        .update(readFileSync(join(out, p)))
        .digest('hex')}  ${p}`,
  );
writeFileSync(join(out, 'MANIFEST.sha256'), `${manifest.join('\n')}\n`);
console.error(`build-release: ${sources.length} server files, ${copied} packages, ${manifest.length} files`);
console.log(out);
