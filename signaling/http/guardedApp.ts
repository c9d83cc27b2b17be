// Every HTTP route and WebSocket callback registered on the uWebSockets.js
// app runs through one guard, so no request can take the process down: a
// handler that throws, or whose promise rejects, is logged and counted
// (`school_call_faults_total`) and its request answered 400 (a request we
// could not parse: HttpError 4xx) or 500; a WebSocket callback that fails
// closes only that socket. The guard also attaches an abort handler before
// the route runs: uWS terminates the process when a handler returns without
// answering or attaching one. Handlers' own `onAborted` calls are chained
// to it (uWS keeps only one), so each part that tracks an abort still hears it.
// And every answer of every route carries the security headers
// (securityHeaders.ts), written just before its body unless the route wrote
// its own value of one (the call page's wider script policy): pages, tus
// answers, downloads, /b/ and 404s alike, with no route having to remember.
//
// server.ts wraps the app once, before any part sees it: nothing registers a
// route on the bare app.
import type uWS from 'uWebSockets.js';
import { HttpError } from './httpUtil.js';
import { SECURITY_HEADERS } from './securityHeaders.js';
import { statusLine } from './statusLine.js';

declare const guardedBrand: unique symbol;
/**
 * The app as every part sees it: routes and sockets registered on it are
 * guarded. Only guardApp makes one, so the compiler refuses a bare uWS app
 * where a part registers its routes.
 */
export type GuardedApp = uWS.TemplatedApp & { readonly [guardedBrand]: true };

/** Where a fault happened ("http /b/*", "ws /chat message") and what was thrown. */
export type FaultSink = (where: string, err: unknown, status?: number) => void;

type RouteHandler = (res: uWS.HttpResponse, req: uWS.HttpRequest) => void | Promise<void>;

const ROUTE_METHODS = [
  'get',
  'post',
  'options',
  'del',
  'patch',
  'put',
  'head',
  'connect',
  'trace',
  'any',
] as const;
/** Methods that return the app (for chaining): they return the guarded one. */
const CHAINING_METHODS = [
  'listen',
  'listen_unix',
  'filter',
  'addServerName',
  'removeServerName',
  'missingServerName',
] as const;
/** Methods passed through as they are (publish is on the fan-out's hot path: bound once, no wrapper). */
const PLAIN_METHODS = ['close', 'publish', 'numSubscribers'] as const;
const WS_CALLBACKS = [
  'open',
  'message',
  'dropped',
  'drain',
  'close',
  'ping',
  'pong',
  'subscription',
] as const;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

/** The status a fault is answered with: a request we refused to parse keeps its 4xx. */
export function faultStatus(err: unknown): number {
  return err instanceof HttpError && err.status >= 400 && err.status < 500 ? err.status : 500;
}

/** Answers a failed request if it can still be answered; closes the connection otherwise. */
function answerFault(res: uWS.HttpResponse, state: { aborted: boolean }, status: number): void {
  if (state.aborted) return;
  try {
    res.cork(() => {
      res.writeStatus(statusLine(status));
      res
        .writeHeader('content-type', 'application/json; charset=utf-8')
        .writeHeader('cache-control', 'no-store')
        .end(JSON.stringify({ error: status === 500 ? 'internal error' : 'bad request' }), true);
    });
  } catch {
    // Already answered (uWS refuses a second end): nothing more to say.
  }
}

/**
 * Runs one HTTP request (or WebSocket upgrade) under the guard: an abort
 * handler first, every later `onAborted` chained to it, then the handler.
 */
function guardRequest(where: string, fault: FaultSink, run: (res: uWS.HttpResponse) => unknown) {
  return (res: uWS.HttpResponse): void => {
    const state = { aborted: false };
    const chained: (() => void)[] = [];
    res.onAborted(() => {
      state.aborted = true;
      for (const h of chained) h();
    });
    res.onAborted = (handler: () => void) => {
      chained.push(handler);
      return res;
    };
    const fail = (err: unknown) => {
      const status = faultStatus(err);
      fault(where, err, status);
      answerFault(res, state, status);
    };
    try {
      const result = run(res);
      if (isThenable(result)) result.then(undefined, fail);
    } catch (err) {
      fail(err);
    }
  };
}

/** Makes `res` write the security headers the route did not write itself, before the first byte of its body. */
export function withSecurityHeaders(res: uWS.HttpResponse): uWS.HttpResponse {
  const written = new Set<string>();
  const writeHeader = res.writeHeader.bind(res);
  res.writeHeader = (key, value) => {
    if (typeof key === 'string') written.add(key.toLowerCase());
    return writeHeader(key, value);
  };
  let flushed = false;
  const flush = () => {
    if (flushed) return;
    flushed = true;
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) if (!written.has(k)) writeHeader(k, v);
  };
  for (const name of ['write', 'end', 'tryEnd', 'endWithoutBody'] as const) {
    const method = (res[name] as (...args: unknown[]) => unknown).bind(res);
    (res as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      flush();
      return method(...args);
    };
  }
  return res;
}

function guardRoute(pattern: string, handler: RouteHandler, fault: FaultSink): RouteHandler {
  const where = `http ${pattern}`;
  return (res, req) => guardRequest(where, fault, (r) => handler(withSecurityHeaders(r), req))(res);
}

function guardBehavior<T>(
  pattern: string,
  behavior: uWS.WebSocketBehavior<T>,
  fault: FaultSink,
): uWS.WebSocketBehavior<T> {
  const guarded: uWS.WebSocketBehavior<T> = { ...behavior };
  const upgrade = behavior.upgrade;
  if (upgrade) {
    const where = `ws ${pattern} upgrade`;
    guarded.upgrade = (res, req, context) => guardRequest(where, fault, (r) => upgrade(r, req, context))(res);
  }
  for (const name of WS_CALLBACKS) {
    const callback = behavior[name] as ((ws: uWS.WebSocket<T>, ...args: unknown[]) => unknown) | undefined;
    if (!callback) continue;
    const where = `ws ${pattern} ${name}`;
    const closesOnFault = name !== 'close';
    // Fixed arity (no rest array): `message` runs for every frame.
    const wrapped = (ws: uWS.WebSocket<T>, a: unknown, b: unknown, c: unknown) => {
      const fail = (err: unknown) => {
        fault(where, err);
        if (!closesOnFault) return;
        try {
          ws.end(1011, 'internal error');
        } catch {
          // Closed already.
        }
      };
      try {
        const result = callback(ws, a, b, c);
        if (isThenable(result)) result.then(undefined, fail);
      } catch (err) {
        fail(err);
      }
    };
    (guarded as Record<string, unknown>)[name] = wrapped;
  }
  return guarded;
}

/** The app with every route and WebSocket callback guarded; everything else passes through. */
export function guardApp(app: uWS.TemplatedApp, fault: FaultSink): GuardedApp {
  const guarded = {} as Record<string, unknown>;
  const self = guarded as unknown as GuardedApp;
  const native = app as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of PLAIN_METHODS) guarded[name] = native[name]!.bind(app);
  for (const name of CHAINING_METHODS) {
    const method = native[name];
    if (typeof method !== 'function') continue;
    guarded[name] = (...args: unknown[]) => {
      const result = method.apply(app, args);
      return result === app ? self : result;
    };
  }
  // SNI domains would need their routes guarded too; nothing here uses them.
  guarded.domain = () => {
    throw new Error('guardApp: domain() is not supported');
  };
  for (const name of ROUTE_METHODS) {
    const method = native[name]!;
    guarded[name] = (pattern: string, handler: RouteHandler) => {
      method.call(app, pattern, guardRoute(pattern, handler, fault));
      return self;
    };
  }
  guarded.ws = <T>(pattern: string, behavior: uWS.WebSocketBehavior<T>) => {
    app.ws<T>(pattern, guardBehavior(pattern, behavior, fault));
    return self;
  };
  return self;
}
