// The one guard every uWS route and socket callback runs under
// (signaling/http/guardedApp.ts): a handler that throws, rejects, or returns
// without answering (uWS then terminates the process) costs its own request
// or socket, is counted, and the server goes on. Without the guard this
// file's worker dies.
import uWS from 'uWebSockets.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { guardApp } from '../../signaling/http/guardedApp.js';
import { HttpError } from '../../signaling/http/httpUtil.js';

const faults: { where: string; status?: number }[] = [];
let listen: uWS.us_listen_socket;
let base = '';

beforeAll(async () => {
  const app = guardApp(uWS.App(), (where, _err, status) => faults.push({ where, status }));
  app.get('/throws', () => {
    throw new Error('a bug');
  });
  app.get('/rejects', async (res) => {
    res.onAborted(() => {});
    await new Promise((r) => setTimeout(r, 10));
    throw new Error('a bug after await');
  });
  app.get('/unparsable', () => {
    throw new HttpError(400, 'bad header');
  });
  // Returns without answering or attaching an abort handler: uWS would terminate.
  app.get('/silent', (res) => {
    setTimeout(() => {
      try {
        res.cork(() => res.end('late'));
      } catch {
        // The client went away.
      }
    }, 20);
  });
  app.get('/ok', (res) => {
    res.end('ok');
  });
  app.ws('/open-throws', {
    open: () => {
      throw new Error('open bug');
    },
  });
  app.ws('/message-rejects', {
    message: async () => {
      await new Promise((r) => setTimeout(r, 5));
      throw new Error('message bug');
    },
  });
  listen = await new Promise<uWS.us_listen_socket>((resolve, reject) =>
    app.listen('127.0.0.1', 0, (t) => (t ? resolve(t) : reject(new Error('cannot listen')))),
  );
  base = `127.0.0.1:${uWS.us_socket_local_port(listen)}`;
});

afterAll(() => {
  uWS.us_listen_socket_close(listen);
});

async function status(path: string): Promise<number> {
  return (await fetch(`http://${base}${path}`, { signal: AbortSignal.timeout(2000) })).status;
}

function closeCode(path: string, send: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://${base}${path}`);
    ws.on('open', () => {
      if (send) ws.send('x');
    });
    ws.on('close', (code) => resolve(code));
    ws.on('error', reject);
  });
}

describe('guarded routes', () => {
  it('a synchronous throw is a 500, counted where it happened', async () => {
    expect(await status('/throws')).toBe(500);
    expect(faults).toContainEqual({ where: 'http /throws', status: 500 });
    expect(await status('/ok')).toBe(200);
  });

  it('a rejected promise is a 500', async () => {
    expect(await status('/rejects')).toBe(500);
    expect(faults).toContainEqual({ where: 'http /rejects', status: 500 });
  });

  it('a request the handler could not parse keeps its 400', async () => {
    expect(await status('/unparsable')).toBe(400);
    const res = await fetch(`http://${base}/unparsable`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('a handler that answers later without an abort handler survives a client that leaves', async () => {
    await expect(
      fetch(`http://${base}/silent`, { signal: AbortSignal.timeout(1) }).catch(() => 'gone'),
    ).resolves.toBe('gone');
    await new Promise((r) => setTimeout(r, 50));
    expect(await status('/silent')).toBe(200);
  });
});

describe('guarded sockets', () => {
  it('a throw in open closes that socket with 1011', async () => {
    expect(await closeCode('/open-throws', false)).toBe(1011);
    expect(faults).toContainEqual({ where: 'ws /open-throws open', status: undefined });
  });

  it('a rejected message handler closes that socket, and the server goes on', async () => {
    expect(await closeCode('/message-rejects', true)).toBe(1011);
    expect(await status('/ok')).toBe(200);
  });
});
