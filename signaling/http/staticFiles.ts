// Serves the built web client from memory. The bundle is small and changes
// only with a deploy, so it is read once at start.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.jpg': 'image/jpeg',
  '.wasm': 'application/wasm',
  '.webmanifest': 'application/manifest+json',
};

export interface StaticFile {
  body: Buffer;
  type: string;
  /** A strong validator, so a browser revalidates a large file (the 13 MB WebAssembly) instead of fetching it again. */
  etag: string;
}

export class StaticFiles {
  private readonly files = new Map<string, StaticFile>();

  /** `sourceMaps`: serve the `.map` files too (a developer's machine); in production they are not public. */
  constructor(root: string, opts: { sourceMaps?: boolean } = {}) {
    if (!existsSync(root)) return;
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (extname(name) === '.map' && !opts.sourceMaps) continue;
        else {
          const body = readFileSync(path);
          this.files.set(`/${relative(root, path).split('\\').join('/')}`, {
            body,
            type: TYPES[extname(name)] ?? 'application/octet-stream',
            etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
          });
        }
      }
    };
    walk(root);
  }

  get(path: string): StaticFile | undefined {
    return this.files.get(path);
  }

  get isEmpty(): boolean {
    return this.files.size === 0;
  }
}
