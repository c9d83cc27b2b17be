// Bundles the browser client with esbuild into web/dist (served at /static,
// pages at /, /demo, /j/<code> and /room/<id>). Everything the pages need is
// in the bundle: no fonts, icons or scripts are fetched from elsewhere.
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
    call: join(root, 'web/src/pages/call.tsx'),
    demo: join(root, 'web/src/pages/demo.tsx'),
    join: join(root, 'web/src/pages/join.tsx'),
    home: join(root, 'web/src/pages/home.tsx'),
    messenger: join(root, 'web/src/pages/messenger.tsx'),
    schoolDemo: join(root, 'web/src/pages/schoolDemo.tsx'),
  },
  outdir: out,
  bundle: true,
  format: 'esm',
  // Shared code (Preact, translations) goes into chunks the pages share.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  target: ['chrome100', 'firefox100', 'safari15'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: true,
  sourcemap: true,
  logLevel: 'warning',
  // mediasoup-client's debug logging reads this at load time.
  define: { 'process.env.NODE_ENV': '"production"' },
});
console.log('web client built into web/dist');
