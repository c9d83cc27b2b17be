// Watching slice of the whiteboard load test, in its own process (forked by
// whiteboard.ts): joins its share of the class, then for every board update
// that reaches a watcher notes its stamp (the chunk of ink's key: drawer,
// stroke and chunk, found in the frame's bytes without decoding it) and when
// it arrived on the clock all processes of this machine share; the parent
// tells it when each chunk was sent. The watchers speak
// WebSocket over plain TCP sockets with a frame reader of a few lines: a
// general WebSocket library spends more per message than the server does,
// and with 2000 watchers the load generator, not the server, was measured.
import { randomBytes } from 'node:crypto';
import { type Socket, connect } from 'node:net';
import { schoolcall } from '../common/protocol/generated/protocol.js';

import pb = schoolcall.v1;

type Command =
  | { type: 'connect'; url: string; roomId: string; tokens: string[] }
  | { type: 'measure' }
  | { type: 'sent'; sent: [string, number][] }
  | { type: 'report' };

/** A chunk's key in the frame: '~WB<drawer>.<stroke>~:<chunk>' (the element's own id has no ':<chunk>'). */
const MARK = Buffer.from('~WB');
const END = '~'.charCodeAt(0);
const COLON = ':'.charCodeAt(0);
const isDigit = (b: number | undefined) => b !== undefined && b >= 0x30 && b <= 0x39;
const now = () => performance.timeOrigin + performance.now();

const sockets: Socket[] = [];
let measuring = false;
let cpuAtStart = process.cpuUsage();
/** Watchers whose connection closed while measuring (the server cuts off clients too slow to keep up). */
let disconnected = 0;
let deliveries = 0;
let bytes = 0;
let frames = 0;
/** Delivery latency in 0.1 ms buckets. */
const histogram = new Map<number, number>();
/** Per stamp: the last arrival at any watcher here, and how many watchers here got it. */
const arrivals = new Map<string, { last: number; count: number }>();
/** Send time of each stamp, as the parent told; arrivals before word of their sending wait. */
const sentAt = new Map<string, number>();
const early = new Map<string, number[]>();

function delivered(sent: number, t: number): void {
  deliveries++;
  const bucket = Math.round((t - sent) * 10);
  histogram.set(bucket, (histogram.get(bucket) ?? 0) + 1);
}

/** Notes every stamp in one binary frame's payload. */
function onFrame(frame: Buffer): void {
  if (!measuring) return;
  const t = now();
  let from = 0;
  let any = false;
  for (;;) {
    const at = frame.indexOf(MARK, from);
    if (at < 0) break;
    const end = frame.indexOf(END, at + MARK.length);
    if (end < 0) break;
    from = end + 1;
    if (frame[end + 1] !== COLON || !isDigit(frame[end + 2])) continue;
    let digitsEnd = end + 2;
    while (isDigit(frame[digitsEnd])) digitsEnd++;
    from = digitsEnd;
    any = true;
    const stamp = `${frame.toString('latin1', at + MARK.length, end)}:${frame.toString('latin1', end + 2, digitsEnd)}`;
    const sent = sentAt.get(stamp);
    if (sent !== undefined) delivered(sent, t);
    else {
      const waiting = early.get(stamp);
      if (waiting) waiting.push(t);
      else early.set(stamp, [t]);
    }
    const a = arrivals.get(stamp);
    if (a) {
      a.count++;
      if (t > a.last) a.last = t;
    } else arrivals.set(stamp, { last: t, count: 1 });
  }
  if (any) {
    bytes += frame.length;
    frames++;
  }
}

/** A client frame (always masked). */
function clientFrame(opcode: number, payload: Uint8Array): Buffer {
  const len = payload.length;
  const head = len < 126 ? 2 : len < 65536 ? 4 : 10;
  const out = Buffer.alloc(head + 4 + len);
  out[0] = 0x80 | opcode;
  if (len < 126) out[1] = 0x80 | len;
  else if (len < 65536) {
    out[1] = 0x80 | 126;
    out.writeUInt16BE(len, 2);
  } else {
    out[1] = 0x80 | 127;
    out.writeBigUInt64BE(BigInt(len), 2);
  }
  const mask = randomBytes(4);
  mask.copy(out, head);
  for (let i = 0; i < len; i++) out[head + 4 + i] = payload[i]! ^ mask[i & 3]!;
  return out;
}

function join(url: string, roomId: string, token: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const { hostname, port, pathname } = new URL(url);
    const socket: Socket = connect(Number(port), hostname);
    sockets.push(socket);
    let pending: Buffer = Buffer.alloc(0);
    let upgraded = false;
    let joined = false;
    socket.on('connect', () => {
      socket.write(
        `GET ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      if (!upgraded) {
        const end = pending.indexOf('\r\n\r\n');
        if (end < 0) return;
        if (!pending.toString('latin1', 0, 12).includes('101')) {
          reject(new Error(`upgrade refused: ${pending.toString('latin1', 0, 40)}`));
          return;
        }
        upgraded = true;
        pending = pending.subarray(end + 4);
        const hello = pb.ClientMessage.encode({ requestId: 1, join: { roomId, token } }).finish();
        socket.write(clientFrame(0x2, hello));
      }
      let at = 0;
      while (pending.length - at >= 2) {
        const opcode = pending[at]! & 0x0f;
        let len = pending[at + 1]! & 0x7f;
        let head = 2;
        if (len === 126) {
          if (pending.length - at < 4) break;
          len = pending.readUInt16BE(at + 2);
          head = 4;
        } else if (len === 127) {
          if (pending.length - at < 10) break;
          len = Number(pending.readBigUInt64BE(at + 2));
          head = 10;
        }
        if (pending.length - at < head + len) break;
        const payload = pending.subarray(at + head, at + head + len);
        at += head + len;
        if (opcode === 0x9) socket.write(clientFrame(0xa, payload));
        else if (opcode === 0x8) socket.end();
        else if (opcode === 0x2 && joined) onFrame(payload);
        else if (opcode === 0x2 && payload[0] === 0x0a) {
          const m = pb.ServerMessage.decode(payload);
          if (m.response?.requestId !== 1) continue;
          joined = true;
          if (m.response.error) reject(new Error(m.response.error.message ?? 'join failed'));
          else resolve();
        }
      }
      pending = at === pending.length ? Buffer.alloc(0) : Buffer.from(pending.subarray(at));
    });
    socket.on('error', reject);
    socket.on('close', () => {
      if (!joined) reject(new Error('closed'));
      else if (measuring) disconnected++;
    });
  });
}

function send(message: unknown, then?: () => void): void {
  process.send?.(message, undefined, undefined, () => then?.());
}

process.on('message', (cmd: Command) => {
  void (async () => {
    if (cmd.type === 'connect') {
      let next = 0;
      await Promise.all(
        Array.from({ length: 25 }, async () => {
          while (next < cmd.tokens.length) await join(cmd.url, cmd.roomId, cmd.tokens[next++]!);
        }),
      );
      send({ type: 'connected' });
    } else if (cmd.type === 'measure') {
      measuring = true;
      cpuAtStart = process.cpuUsage();
      send({ type: 'measuring' });
    } else if (cmd.type === 'sent') {
      for (const [stamp, at] of cmd.sent) {
        sentAt.set(stamp, at);
        for (const t of early.get(stamp) ?? []) delivered(at, t);
        early.delete(stamp);
      }
    } else if (cmd.type === 'report') {
      measuring = false;
      for (const socket of sockets) socket.destroy();
      send(
        {
          type: 'report',
          deliveries,
          bytes,
          frames,
          cpuSeconds: (() => {
            const u = process.cpuUsage(cpuAtStart);
            return (u.user + u.system) / 1e6;
          })(),
          disconnected,
          histogram: [...histogram],
          arrivals: [...arrivals].map(([stamp, a]) => [stamp, a.last, a.count]),
        },
        () => process.exit(0),
      );
    }
  })().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
});
