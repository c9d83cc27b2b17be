// Serves the recorder's HttpReply handlers over node:http for tests and load
// tests that exercise them on their own.
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpRequestInfo } from '../../recorder/broadcastHttp.js';
import type { HttpReply } from '../../recorder/httpReply.js';

export async function serveReplies(
  handle: (req: HttpRequestInfo) => HttpReply | Promise<HttpReply> | null,
): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const reply = (await handle({
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        header: (name) => {
          const v = req.headers[name.toLowerCase()];
          return Array.isArray(v) ? v.join(', ') : v;
        },
        body: Buffer.concat(chunks),
        address: req.socket.remoteAddress ?? '',
      })) ?? { status: 404, headers: {}, body: 'not found' };
      res.writeHead(reply.status, reply.headers);
      if (reply.file && req.method !== 'HEAD') {
        (await reply.file.source.read({ start: reply.file.start, end: reply.file.end })).pipe(res);
      } else res.end(req.method === 'HEAD' ? undefined : reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}
