// Bundles the browser client with esbuild into web/dist (served at /static,
// pages at / , /demo and /room/<id>).
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'web/dist');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
cpSync(join(root, 'web/public'), out, { recursive: true });
await build({
  entryPoints: {
    call: join(root, 'web/src/callPage.ts'),
    demo: join(root, 'web/src/demo.ts'),
    join: join(root, 'web/src/joinPage.ts'),
  },
  outdir: out,
  bundle: true,
  format: 'esm',
  target: ['chrome100', 'firefox100', 'safari15'],
  minify: true,
  sourcemap: true,
  logLevel: 'warning',
  // mediasoup-client's debug logging reads this at load time.
  define: { 'process.env.NODE_ENV': '"production"' },
});
console.log('web client built into web/dist');
