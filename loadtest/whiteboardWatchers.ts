// Watching slice of the whiteboard load test, in its own process (forked by
// whiteboard.ts): joins its share of the class, then for every board update
// that reaches a watcher notes the stroke's stamp (sender, number and send
// time, found in the frame's bytes without decoding it) and when it arrived
// on the clock all processes of this machine share.
import WebSocket from 'ws';
import { schoolcall } from '../common/protocol/generated/protocol.js';

import pb = schoolcall.v1;

type Command =
  | { type: 'connect'; url: string; roomId: string; tokens: string[] }
  | { type: 'measure' }
  | { type: 'report' };

const MARK = Buffer.from('~WB');
const END = '~'.charCodeAt(0);
const now = () => performance.timeOrigin + performance.now();

const sockets: WebSocket[] = [];
let measuring = false;
let deliveries = 0;
let bytes = 0;
/** Delivery latency in 0.1 ms buckets. */
const histogram = new Map<number, number>();
/** Per stamp: the last arrival at any watcher here, and how many watchers here got it. */
const arrivals = new Map<string, { last: number; count: number }>();

function onFrame(frame: Buffer): void {
  if (!measuring) return;
  const at = frame.indexOf(MARK);
  if (at < 0) return;
  const end = frame.indexOf(END, at + MARK.length);
  if (end < 0) return;
  const stamp = frame.toString('latin1', at + MARK.length, end);
  const sentAt = Number(stamp.slice(stamp.indexOf('@') + 1));
  const t = now();
  deliveries++;
  bytes += frame.length;
  const bucket = Math.round((t - sentAt) * 10);
  histogram.set(bucket, (histogram.get(bucket) ?? 0) + 1);
  const a = arrivals.get(stamp);
  if (a) {
    a.count++;
    if (t > a.last) a.last = t;
  } else arrivals.set(stamp, { last: t, count: 1 });
}

function join(url: string, roomId: string, token: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.binaryType = 'nodebuffer';
    sockets.push(ws);
    let joined = false;
    ws.on('open', () => ws.send(pb.ClientMessage.encode({ requestId: 1, join: { roomId, token } }).finish()));
    ws.on('message', (data: Buffer) => {
      if (joined) return onFrame(data);
      const m = pb.ServerMessage.decode(data);
      if (m.response?.requestId !== 1) return;
      joined = true;
      if (m.response.error) reject(new Error(m.response.error.message ?? 'join failed'));
      else resolve();
    });
    ws.on('error', reject);
    ws.on('close', () =>
      joined ? console.error('a watcher was disconnected') : reject(new Error('closed')),
    );
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
      send({ type: 'measuring' });
    } else if (cmd.type === 'report') {
      measuring = false;
      for (const ws of sockets) ws.terminate();
      send(
        {
          type: 'report',
          deliveries,
          bytes,
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
