// Serves the built web client from memory. The bundle is small and changes
// only with a deploy, so it is read once at start.
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
  '.webmanifest': 'application/manifest+json',
};

export interface StaticFile {
  body: Buffer;
  type: string;
}

export class StaticFiles {
  private readonly files = new Map<string, StaticFile>();

  constructor(root: string) {
    if (!existsSync(root)) return;
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else {
          this.files.set(`/${relative(root, path).split('\\').join('/')}`, {
            body: readFileSync(path),
            type: TYPES[extname(name)] ?? 'application/octet-stream',
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
