// Critical finding of #21: one unauthenticated request ended the server.
// `OPTIONS /api/chat/uploads` with `Host: a b` (or `POST` with `Host: [`)
// threw from `new Request(url)` inside a uWS handler, nothing caught it, and
// the process exited. The server runs here as its own process, so a crash is
// seen as one. Every such request must get a 4xx and the server go on.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessengerProcess } from '../helpers/messengerProcess.js';

let server: MessengerProcess;

beforeAll(async () => {
  server = new MessengerProcess(
    {
      TOKEN_SECRET: randomBytes(24).toString('base64url'),
      ADMIN_SECRET: randomBytes(24).toString('base64url'),
      CHAT_UPLOAD_DIR: mkdtempSync(join(tmpdir(), 'guard-uploads-')),
    },
    'listening',
  );
  await server.start();
}, 60_000);

afterAll(async () => {
  await server?.kill('SIGTERM');
});

/** Sends raw bytes (headers fetch would refuse to send) and resolves with the status code (0: no answer). */
function raw(request: string): Promise<number> {
  return new Promise((resolve) => {
    const socket = connect(server.port, '127.0.0.1');
    let answer = '';
    const done = () => {
      socket.destroy();
      resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0));
    };
    socket.setTimeout(3000, done);
    socket.on('data', (d) => {
      answer += d.toString('latin1');
      if (answer.includes('\r\n\r\n')) done();
    });
    socket.on('error', done);
    socket.on('close', done);
    socket.write(Buffer.from(request, 'utf8'));
  });
}

/** Answered as a request (503: no messenger here), neither dropped (0) nor a fault (500). */
const answered = (status: number) => status >= 200 && status !== 500 && status < 600;

async function stillServing(): Promise<void> {
  expect(server.alive).toBe(true);
  const res = await fetch(`${server.httpUrl}/healthz`, { signal: AbortSignal.timeout(3000) });
  expect(res.status).toBe(200);
}

describe('a request whose Host or headers cannot be parsed', () => {
  it('OPTIONS /api/chat/uploads with "Host: a b" is answered, and the server goes on', async () => {
    const status = await raw('OPTIONS /api/chat/uploads HTTP/1.1\r\nHost: a b\r\n\r\n');
    expect(status).toBeGreaterThanOrEqual(200);
    expect(status).toBeLessThan(500);
    await stillServing();
  });

  it('POST /api/chat/uploads with "Host: [" is refused as unauthenticated, not a crash', async () => {
    const status = await raw(
      'POST /api/chat/uploads HTTP/1.1\r\nHost: [\r\nTus-Resumable: 1.0.0\r\nUpload-Length: 5\r\nContent-Length: 0\r\n\r\n',
    );
    expect(status).toBe(401);
    await stillServing();
  });

  it('a header value outside Latin-1 is answered, not a crash', async () => {
    const status = await raw('OPTIONS /api/chat/uploads/abc HTTP/1.1\r\nHost: x\r\nX-Name: жук\r\n\r\n');
    expect(answered(status)).toBe(true);
    await stillServing();
  });

  it('odd paths and hosts on every other raw route are answered too', async () => {
    for (const line of [
      'GET /api/chat/files/%zz%00 HTTP/1.1\r\nHost: a b\r\nRange: bytes=x\r\n\r\n',
      'GET /b/%ff/../x HTTP/1.1\r\nHost: [\r\n\r\n',
      'POST /b/abc/password HTTP/1.1\r\nHost: [\r\nContent-Length: 3\r\n\r\n{x}',
      'GET /static/%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: a b\r\n\r\n',
      'DELETE /nowhere HTTP/1.1\r\nHost: [\r\n\r\n',
      'GET /healthz HTTP/1.1\r\nHost: [\r\nX-Name: жук\r\n\r\n',
    ]) {
      expect(answered(await raw(line)), line).toBe(true);
    }
    await stillServing();
  });
});
