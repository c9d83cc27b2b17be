// A local push service (RFC 8030) for tests: an HTTPS server with a
// certificate made for this run that takes what the server posts to a
// browser's endpoint, plus the browser's side of the keys (RFC 8291), so a
// test reads the notification exactly as the browser would decrypt it.
import { execFileSync } from 'node:child_process';
import { createECDH, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, createServer } from 'node:https';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// http_ece comes with web-push: the reference implementation of the encryption (no types of its own).
const ece = createRequire(import.meta.url)('http_ece') as {
  decrypt(body: Buffer, params: { version: string; privateKey: unknown; authSecret: Buffer }): Buffer;
};

export interface ReceivedPush {
  path: string;
  /** When it arrived (ms, the clock of performance.timeOrigin + now()). */
  at: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface PushBrowser {
  endpoint: string;
  /** The endpoint's path, as ReceivedPush names it. */
  path: string;
  p256dh: string;
  auth: string;
  /** What this browser got, decrypted. */
  received(): { headers: ReceivedPush['headers']; payload: unknown }[];
  /** One push's body, decrypted as this browser would. */
  decrypt(body: Buffer): unknown;
}

export interface LocalPushService {
  /** Trusts this service's certificate (hand it to the server). */
  agent: Agent;
  /** Its host and port, as PUSH_SERVICE_HOSTS names it. */
  host: string;
  /** Its certificate's file (NODE_EXTRA_CA_CERTS for a server in another process); gone after close(). */
  certPath: string;
  all: ReceivedPush[];
  /** A browser subscribed at this service; `gone` ones are answered 410. */
  browser(name: string, opts?: { gone?: boolean }): PushBrowser;
  close(): Promise<void>;
}

export async function startPushService(): Promise<LocalPushService> {
  const dir = mkdtempSync(join(tmpdir(), 'push-service-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  const cert = readFileSync(join(dir, 'cert.pem'));
  const gone = new Set<string>();
  const all: ReceivedPush[] = [];
  const server = createServer({ cert, key: readFileSync(join(dir, 'key.pem')) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.timeOrigin + performance.now();
      const path = req.url ?? '';
      if (gone.has(path)) {
        res.writeHead(410).end();
        return;
      }
      all.push({ path, at, headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(201, { location: `${path}/m/${all.length}` }).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    agent: new Agent({ ca: cert, keepAlive: true }),
    host: `127.0.0.1:${port}`,
    certPath: join(dir, 'cert.pem'),
    all,
    browser(name, opts = {}) {
      const path = `/push/${name}`;
      if (opts.gone) gone.add(path);
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const auth = randomBytes(16);
      const decrypt = (body: Buffer): unknown =>
        JSON.parse(
          ece.decrypt(body, { version: 'aes128gcm', privateKey: ecdh, authSecret: auth }).toString('utf8'),
        );
      return {
        endpoint: `https://127.0.0.1:${port}${path}`,
        path,
        p256dh: ecdh.getPublicKey().toString('base64url'),
        auth: auth.toString('base64url'),
        received: () =>
          all.filter((p) => p.path === path).map((p) => ({ headers: p.headers, payload: decrypt(p.body) })),
        decrypt,
      };
    },
    async close() {
      // The servers' agents keep their connections open.
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
