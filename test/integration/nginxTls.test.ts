// The nginx site the install ships (deploy/nginx/school-call.conf), run by
// Debian's nginx in front of a real server as docs/operators.md says (the
// server on plain HTTP with TRUST_PROXY=1 and an https PUBLIC_URL): TLS with a
// certificate made here, pages and the API through it, a call joined over
// WSS (the WebSocket upgrade passes), a 2 MB body streamed through (no
// nginx size cap), /metrics closed to the outside, plain HTTP redirected.
// Only what cannot be the same in a test is changed in the file: the ports,
// the certificate paths, the name, the upstream port.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { pb } from '../helpers/protocolClient.js';
import {
  type TestServer,
  createRoomWithToken,
  freeTcpUdpPort,
  startTestServer,
} from '../helpers/testServer.js';

// Debian's nginx (scripts/setup.sh --test).
const NGINX = '/usr/sbin/nginx';
const SITE = fileURLToPath(new URL('../../deploy/nginx/school-call.conf', import.meta.url));

let dir: string;
let cert: string;
let nginx: ChildProcess | undefined;
let server: TestServer;
let httpsPort: number;
let httpPort: number;

function run(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    throw new Error(`${cmd} ${args.join(' ')}:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

/** The shipped site with this test's ports, certificate and upstream. */
function siteForTest(upstreamPort: number): string {
  let site = readFileSync(SITE, 'utf8');
  const swap = (from: string | RegExp, to: string) => {
    const before = site;
    site = site.replace(from, to);
    if (site === before) throw new Error(`the site no longer has ${from}: update this test`);
  };
  swap(/^\s*listen \[::\]:80;\n/m, '');
  swap(/^\s*listen \[::\]:443 ssl http2;\n/m, '');
  swap('listen 80;', `listen 127.0.0.1:${httpPort};`);
  swap('listen 443 ssl http2;', `listen 127.0.0.1:${httpsPort} ssl http2;`);
  swap('/etc/letsencrypt/live/school.example/fullchain.pem', cert);
  swap('/etc/letsencrypt/live/school.example/privkey.pem', join(dir, 'key.pem'));
  swap('root /var/www/html;', `root ${join(dir, 'www')};`);
  swap('proxy_pass http://127.0.0.1:8080;', `proxy_pass http://127.0.0.1:${upstreamPort};`);
  site = site.replaceAll('server_name school.example;', 'server_name 127.0.0.1;');
  return site;
}

/** A request over HTTPS that trusts only the test's certificate. */
function https(
  path: string,
  init: { method?: string; body?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string; protocol: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `https://127.0.0.1:${httpsPort}${path}`,
      { method: init.method ?? 'GET', headers: init.headers, ca: readFileSync(cert) },
      (res) => {
        const protocol = (res.socket as TLSSocket).getProtocol() ?? '';
        let body = '';
        res.on('data', (d: Buffer) => {
          body += d.toString();
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            protocol,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

describe.skipIf(!existsSync(NGINX))('the nginx site in front of the server', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nginx-tls-'));
    chmodSync(dir, 0o755);
    cert = join(dir, 'cert.pem');
    run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      cert,
    ]);
    // Three ports in a row: nginx's HTTPS and HTTP, the server's.
    const ports = await freeTcpUdpPort(3);
    httpsPort = ports;
    httpPort = ports + 1;
    // A fixed PORT, as the install's 8080: with PORT=0 the server would put its own port into PUBLIC_URL.
    server = await startTestServer({
      PORT: String(ports + 2),
      TRUST_PROXY: '1',
      PUBLIC_URL: `https://127.0.0.1:${httpsPort}`,
    });
    mkdirSync(join(dir, 'www'));
    mkdirSync(join(dir, 'temp'));
    chmodSync(join(dir, 'temp'), 0o777);
    writeFileSync(join(dir, 'school-call.conf'), siteForTest(server.port));
    // Debian's nginx.conf less what needs root's paths; the site is included as sites-enabled would be.
    writeFileSync(
      join(dir, 'nginx.conf'),
      [
        'worker_processes 1;',
        `pid ${join(dir, 'nginx.pid')};`,
        `error_log ${join(dir, 'error.log')} info;`,
        'events { worker_connections 256; }',
        'http {',
        '  include /etc/nginx/mime.types;',
        `  access_log ${join(dir, 'access.log')};`,
        ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
          (t) => `  ${t}_temp_path ${join(dir, 'temp', t)};`,
        ),
        '  ssl_prefer_server_ciphers on;',
        `  include ${join(dir, 'school-call.conf')};`,
        '}',
        '',
      ].join('\n'),
    );
    // The snippet's own check, as the IT person runs it.
    run(NGINX, ['-t', '-c', join(dir, 'nginx.conf'), '-p', dir]);
    nginx = spawn(NGINX, ['-c', join(dir, 'nginx.conf'), '-p', dir, '-g', 'daemon off;'], {
      stdio: 'ignore',
    });
    const end = Date.now() + 20_000;
    for (;;) {
      const up = await https('/healthz').then(
        (r) => r.status === 200,
        () => false,
      );
      if (up) break;
      if (Date.now() > end)
        throw new Error(`nginx did not answer:\n${readFileSync(join(dir, 'error.log'), 'utf8')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 120_000);

  afterAll(async () => {
    if (nginx?.pid) {
      const exited = new Promise((r) => nginx!.once('exit', r));
      nginx.kill('SIGQUIT');
      await exited;
    }
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves pages and the API over TLS with a certificate it verifies', async () => {
    const page = await https('/j/123-456-7');
    expect(page.status).toBe(200);
    expect(page.protocol).toMatch(/^TLSv1\.[23]$/);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const created = await https('/api/rooms', {
      method: 'POST',
      headers: server.adminHeaders,
      body: JSON.stringify({ id: 'behind-nginx', settings: { waitingRoom: 'off' } }),
    });
    expect(created.status).toBe(201);
  });

  it('passes the WebSocket upgrade: a call is joined over WSS', async () => {
    const [person] = await createRoomWithToken(server, 'behind-nginx', [
      { displayName: 'Учитель', role: 'host' },
    ]);
    const ws = new WebSocket(`wss://127.0.0.1:${httpsPort}/ws`, {
      ca: readFileSync(cert),
      origin: `https://127.0.0.1:${httpsPort}`,
    });
    ws.binaryType = 'nodebuffer';
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const response = new Promise<pb.Response>((resolve) => {
      ws.on('message', (data: Buffer) => {
        const m = pb.ServerMessage.decode(data);
        if (m.response) resolve(m.response as pb.Response);
      });
    });
    ws.send(
      pb.ClientMessage.encode({
        requestId: 1,
        join: { roomId: 'behind-nginx', token: person!.token },
      }).finish(),
    );
    const joined = await response;
    expect(joined.error).toBeFalsy();
    expect(joined.join?.self?.role).toBe(pb.Role.ROLE_HOST);
    ws.close();
  });

  it('streams a large body through to the server instead of refusing it', async () => {
    // nginx's own default would answer 413 above 1 MB; the server answers for itself.
    const big = Buffer.alloc(2 * 1024 * 1024, 0x61);
    const res = await https('/api/rooms', { method: 'POST', headers: server.adminHeaders, body: big });
    expect(res.body).not.toContain('nginx');
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });

  it('keeps /metrics from the outside and sends plain HTTP to HTTPS', async () => {
    expect((await https('/metrics')).status).toBe(404);
    const res = await fetch(`http://127.0.0.1:${httpPort}/j/123-456-7`, { redirect: 'manual' });
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('https://127.0.0.1/j/123-456-7');
  });
});
