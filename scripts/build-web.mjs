// Bundles the browser client with esbuild into web/dist (served at /static,
// pages at /, /demo, /j/<code> and /room/<id>). Everything the pages need is
// in the bundle: no fonts, icons or scripts are fetched from elsewhere. The
// whiteboard's drawing part (React, Excalidraw, Yjs, pdf.js, jsPDF) lands in
// chunks loaded only when a board is shown; its fonts, style sheet and the
// pdf.js worker are copied here so the board too loads nothing from outside.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { renderBackgroundPictures } from './background-pictures.mjs';
import { imageInputMetadata, withMetadata } from './segmentation-model.mjs';
import { PAGES, pageHtml } from './web-pages.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'web/dist');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
cpSync(join(root, 'web/public'), out, { recursive: true });
for (const page of PAGES) writeFileSync(join(out, `${page.html}.html`), pageHtml(page));
const excalidraw = join(root, 'node_modules/@excalidraw/excalidraw/dist/prod');
cpSync(join(excalidraw, 'index.css'), join(out, 'excalidraw/excalidraw.css'));
// Xiaolai (13 MB) covers Chinese and Japanese only; those characters fall back to local fonts.
cpSync(join(excalidraw, 'fonts'), join(out, 'excalidraw/fonts'), {
  recursive: true,
  filter: (src) => !src.includes('Xiaolai'),
});
cpSync(
  join(root, 'node_modules/pdfjs-dist/legacy/build/pdf.worker.min.mjs'),
  join(out, 'pdf.worker.min.mjs'),
);
// Liberation Sans (with Cyrillic, shipped inside pdfjs-dist) for the printed code sheets' PDF.
for (const face of ['Regular', 'Bold']) {
  cpSync(
    join(root, `node_modules/pdfjs-dist/standard_fonts/LiberationSans-${face}.ttf`),
    join(out, `fonts/LiberationSans-${face}.ttf`),
  );
}

/** Mermaid is several megabytes; Excalidraw imports it only for diagrams-from-text. */
const noMermaid = {
  name: 'no-mermaid',
  setup(b) {
    b.onResolve({ filter: /^@excalidraw\/mermaid-to-excalidraw$/ }, () => ({
      path: join(root, 'web/src/whiteboard/lazy/noMermaid.ts'),
    }));
  },
};
/**
 * Excalidraw's Russian leaves about ninety phrases in English (hints a
 * teacher sees while drawing among them, and two labels say the same); ours
 * fill them in. A locale module ends with `export{x as labels,...}`: the
 * plugin merges our phrases into those objects and exports the sections it
 * lacks.
 */
const russianBoard = {
  name: 'excalidraw-ru',
  setup(b) {
    const extra = readFileSync(join(root, 'web/src/whiteboard/locale/excalidraw-ru.json'), 'utf8');
    b.onLoad({ filter: /@excalidraw[\\/]excalidraw[\\/].*[\\/]locales[\\/]ru-RU-[^\\/]*\.js$/ }, (args) => {
      const code = readFileSync(args.path, 'utf8');
      const exported = /export\s*\{([^}]*)\}\s*;?\s*$/.exec(code);
      if (!exported) throw new Error(`unexpected Excalidraw locale module ${args.path}`);
      const sections = Object.fromEntries(
        exported[1].split(',').map((pair) => {
          const [local, name] = pair.trim().split(/\s+as\s+/);
          return [name ?? local, local];
        }),
      );
      const merge =
        'function __mergeRu(t,s){for(const k in s){if(typeof s[k]==="object"&&t[k]&&typeof t[k]==="object")__mergeRu(t[k],s[k]);else t[k]=s[k];}}' +
        `const __ru=${extra};` +
        Object.entries(sections)
          .map(
            ([name, local]) =>
              `if(__ru[${JSON.stringify(name)}])__mergeRu(${local},__ru[${JSON.stringify(name)}]);`,
          )
          .join('');
      // Sections Excalidraw's Russian lacks altogether become exports of their own.
      const added = Object.keys(JSON.parse(extra)).filter((k) => !sections[k]);
      const declared = added.map((k) => `const __ru_${k}=__ru[${JSON.stringify(k)}];`).join('');
      const exports = exported[0].replace(
        /\}\s*;?\s*$/,
        `${added.map((k) => `,__ru_${k} as ${k}`).join('')}};`,
      );
      return { contents: code.replace(exported[0], `${merge}${declared}${exports}`), loader: 'js' };
    });
  },
};
/**
 * Excalidraw lists esm.sh after EXCALIDRAW_ASSET_PATH for every font; under
 * our Content-Security-Policy Chromium then reports (and tries) the esm.sh
 * address too. Its fallback becomes our own copy, so no font address points
 * outside the server.
 */
const ownAssets = {
  name: 'excalidraw-own-assets',
  setup(b) {
    b.onLoad({ filter: /@excalidraw[\\/]excalidraw[\\/]dist[\\/].*\.js$/ }, (args) => {
      const code = readFileSync(args.path, 'utf8');
      if (!code.includes('esm.sh')) return undefined;
      const fallback = /`https:\/\/esm\.sh\/.*?\/dist\/prod\/`/g;
      const found = code.match(fallback)?.length ?? 0;
      if (found !== 1) throw new Error(`expected one esm.sh fallback in ${args.path}, found ${found}`);
      return {
        contents: code.replace(fallback, '(globalThis.location?.origin ?? "") + "/static/excalidraw/"'),
        loader: 'js',
      };
    });
  },
};
await build({
  entryPoints: Object.fromEntries(PAGES.map((p) => [p.script, join(root, 'web/src/pages', p.source)])),
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
  plugins: [noMermaid, russianBoard, ownAssets],
});

// Background and noise effects (web/src/effects/): the background worker and
// the noise suppressor's audio worklet are bundled on their own (a worker or
// worklet loads one file), with what they run: MediaPipe Tasks' WebAssembly,
// the selfie segmentation model with its input metadata added, RNNoise's
// WebAssembly, and the background pictures drawn at build time.
const effects = join(out, 'effects');
mkdirSync(join(effects, 'backgrounds'), { recursive: true });
const tasksWasm = join(root, 'node_modules/@mediapipe/tasks-vision/wasm');
for (const file of ['vision_wasm_module_internal.js', 'vision_wasm_module_internal.wasm']) {
  cpSync(join(tasksWasm, file), join(effects, file));
}
const selfieModel = readFileSync(
  join(root, 'node_modules/@mediapipe/selfie_segmentation/selfie_segmentation_landscape.tflite'),
);
const selfieMetadata = imageInputMetadata({
  name: 'Selfie segmentation (landscape)',
  description: 'MediaPipe selfie segmentation, 256x144 RGB in [0, 1]; one channel: person confidence.',
  author: 'Google (MediaPipe)',
  license: 'Apache-2.0',
  width: 256,
  height: 144,
  mean: [0],
  std: [255],
});
writeFileSync(
  join(effects, 'selfie_segmentation_landscape.tflite'),
  withMetadata(new Uint8Array(selfieModel), selfieMetadata),
);
cpSync(join(root, 'node_modules/@jitsi/rnnoise-wasm/dist/rnnoise.wasm'), join(effects, 'rnnoise.wasm'));
await renderBackgroundPictures(join(effects, 'backgrounds'));
await build({
  entryPoints: {
    'background-worker': join(root, 'web/src/effects/worker/backgroundWorker.ts'),
    'rnnoise-worklet': join(root, 'web/src/effects/worklet/rnnoiseProcessor.ts'),
  },
  outdir: effects,
  bundle: true,
  format: 'esm',
  target: ['chrome100'],
  minify: true,
  sourcemap: true,
  logLevel: 'warning',
});
console.log('web client built into web/dist');
