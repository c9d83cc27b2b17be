// Low item of #21: the web client's source maps were public (the whole
// client source, comments and all). Now they are not served unless
// WEB_SOURCE_MAPS=1 (a developer's machine); the scripts still are.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StaticFiles } from '../../signaling/http/staticFiles.js';
import { type TestServer, startTestServer } from '../helpers/testServer.js';

const dist = fileURLToPath(new URL('../../web/dist', import.meta.url));
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

describe('source maps', () => {
  it('are built, but not served by default; the scripts are', async () => {
    expect(existsSync(`${dist}/call.js.map`)).toBe(true);
    const map = await fetch(`${server.httpUrl}/static/call.js.map`);
    await map.arrayBuffer();
    expect(map.status).toBe(404);
    const script = await fetch(`${server.httpUrl}/static/call.js`);
    await script.arrayBuffer();
    expect(script.status).toBe(200);
  });

  it('are served with WEB_SOURCE_MAPS=1 (a developer)', () => {
    expect(new StaticFiles(dist).get('/call.js.map')).toBeUndefined();
    expect(new StaticFiles(dist, { sourceMaps: true }).get('/call.js.map')?.type).toBe('application/json');
  });
});
