// Small helpers for uWebSockets.js HTTP handlers: JSON bodies with a size
// limit, and replies that respect aborted requests.
import type uWS from 'uWebSockets.js';
import { badTextIn, badTextMessage } from '../../common/protocol/textRule.js';
import { statusLine } from './statusLine.js';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** More fields of the JSON answer (a list of problems, a reason's code). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export interface Reply {
  aborted: boolean;
  res: uWS.HttpResponse;
}

export function track(res: uWS.HttpResponse): Reply {
  const reply: Reply = { aborted: false, res };
  res.onAborted(() => {
    reply.aborted = true;
  });
  return reply;
}

export function send(
  reply: Reply,
  status: number,
  body: string | Uint8Array,
  /** A list writes the header once per value (several Set-Cookie). */
  headers: Record<string, string | string[]> = {},
): void {
  if (reply.aborted) return;
  reply.res.cork(() => {
    reply.res.writeStatus(statusLine(status));
    // The security headers are written by the guard (guardedApp.ts); a route may replace one.
    for (const [k, v] of Object.entries(headers)) {
      for (const one of Array.isArray(v) ? v : [v]) reply.res.writeHeader(k, one);
    }
    reply.res.end(body);
  });
}

export function sendJson(
  reply: Reply,
  status: number,
  body: unknown,
  headers: Record<string, string | string[]> = {},
): void {
  send(reply, status, JSON.stringify(body), {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...headers,
  });
}

export function readBody(res: uWS.HttpResponse, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    res.onData((chunk, isLast) => {
      if (done) return;
      size += chunk.byteLength;
      if (size > limit) {
        done = true;
        reject(new HttpError(413, `body exceeds ${limit} bytes`));
        return;
      }
      chunks.push(Buffer.from(chunk.slice(0)));
      if (isLast) {
        done = true;
        resolve(Buffer.concat(chunks));
      }
    });
  });
}

/** A body as a JSON object ({} when empty); 400 when it is not one, or breaks the text rule. */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new HttpError(400, 'body must be a JSON object');
  }
  const bad = badTextIn(parsed);
  if (bad) throw new HttpError(400, badTextMessage(bad));
  return parsed as Record<string, unknown>;
}
