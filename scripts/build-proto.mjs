// Generates static protobufjs code (ES module + TypeScript declarations) from
// signaling/proto/*.proto into common/protocol/generated/. The .proto files
// are the single source of truth; the generated files are not committed.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const protoDir = join(root, 'signaling/proto');
const outDir = join(root, 'common/protocol/generated');
const outJs = join(outDir, 'protocol.js');
const outDts = join(outDir, 'protocol.d.ts');
const protos = readdirSync(protoDir)
  .filter((f) => f.endsWith('.proto'))
  .sort()
  .map((f) => join(protoDir, f));

// 64-bit integers decode to Long objects whose zero is truthy; use double
// (exact for ms timestamps) or 32-bit types instead.
for (const p of protos) {
  const line = readFileSync(p, 'utf8')
    .split('\n')
    .findIndex((l) => /^\s*(repeated\s+|optional\s+)?(u|s)?(int|fixed)64\s/.test(l));
  if (line >= 0) {
    console.error(`${p}:${line + 1}: 64-bit integer fields are not allowed; use double or a 32-bit type`);
    process.exit(1);
  }
}

const newest = Math.max(
  ...protos.map((p) => statSync(p).mtimeMs),
  statSync(fileURLToPath(import.meta.url)).mtimeMs,
);
if (existsSync(outJs) && existsSync(outDts) && statSync(outDts).mtimeMs > newest) {
  process.exit(0);
}
mkdirSync(outDir, { recursive: true });
const bin = (name) => join(root, 'node_modules/.bin', name);
execFileSync(
  bin('pbjs'),
  [
    '-t',
    'static-module',
    '-w',
    'es6',
    '--es6',
    '--force-number',
    '--no-verify',
    '--no-delimited',
    '--no-beautify',
    '-p',
    protoDir,
    '-o',
    outJs,
    ...protos,
  ],
  { stdio: 'inherit' },
);
// protobufjs emits a namespace import of an extensionless CommonJS path; Node's
// ESM loader needs the extension and exposes CommonJS exports as the default.
writeFileSync(
  outJs,
  readFileSync(outJs, 'utf8').replace(
    /import \* as \$protobuf from "protobufjs\/minimal";/,
    'import $protobuf from "protobufjs/minimal.js";',
  ),
);
execFileSync(bin('pbts'), ['-o', outDts, outJs], { stdio: 'inherit' });
console.log(`protocol generated from ${protos.length} .proto files`);
