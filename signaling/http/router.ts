// Registers HTTP routes on the uWebSockets.js app with what every route
// needs: a state-changing request refused unless it comes from this site
// (sameSite.ts, before anything else), the admin secret where required,
// the client's address, the body
// (read from the first moment: uWS hands it only to a reader attached before
// the handler's first await), metrics by route and status, and errors mapped
// to JSON replies (HttpError keeps its status; an unreachable store is a 503;
// anything else is a logged 500).
import type uWS from 'uWebSockets.js';
import type { Logger } from '../../common/log.js';
import type { AdminAuth } from '../adminAuth.js';
import type { Metrics } from '../metrics.js';
import { STORE_UNAVAILABLE_MESSAGE, isStoreUnavailable } from '../storeErrors.js';
import { clientAddress } from './clientAddress.js';
import type { GuardedApp } from './guardedApp.js';
import { HttpError, type Reply, parseJsonObject, readBody, sendJson, track } from './httpUtil.js';
import { CHANGING_METHODS, crossSiteReason } from './sameSite.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'del' | 'head' | 'options';

export interface RouteRequest {
  /** The route's `:name` parameters, in order. */
  params: string[];
  /** The client's address (from X-Forwarded-For only behind a trusted proxy). */
  ip: string;
  /** Headers the route asked for, by lower-case name ('' when absent). */
  headers: Record<string, string>;
  /** The query string, without '?'. */
  query: string;
  /** The request body (empty for GET, HEAD and OPTIONS); 413 past the route's limit. */
  body(): Promise<Buffer>;
  /** The body as a JSON object ({} when empty); 400 when it is not one. */
  json(): Promise<Record<string, unknown>>;
}

export interface RouteOptions {
  /** Needs the admin secret. */
  admin: boolean;
  /** Request headers the handler reads (uWS gives them only before the first await). */
  headers?: string[];
  /** Largest body accepted, in bytes (default 16 KiB). */
  maxBody?: number;
  /** Told when a request is refused as another site's (a part counts its refusals so). */
  onCrossSite?: (reason: string) => void;
}

const DEFAULT_MAX_BODY = 16 * 1024;
const WITH_BODY: HttpMethod[] = ['post', 'put', 'patch', 'del'];
const NO_BODY = Promise.resolve(Buffer.alloc(0));

export type RouteHandler = (reply: Reply, req: RouteRequest) => Promise<void> | void;

const MAX_PARAMS = 4;

export class HttpRouter {
  constructor(
    readonly app: GuardedApp,
    private readonly auth: AdminAuth,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly trustProxy: boolean,
    /** Origins whose pages may change things: the public URL's and ALLOWED_ORIGINS. */
    private readonly allowedOrigins: () => readonly string[],
  ) {}

  /**
   * Why a request to a route on `app` itself (/b/, uploads) is refused as
   * another site's (sameSite.ts), or null; the same check as every routed
   * request's. Call it before the handler's first await.
   */
  crossSite(req: uWS.HttpRequest): string | null {
    if (!CHANGING_METHODS.includes(req.getMethod().toLowerCase())) return null;
    return crossSiteReason((h) => req.getHeader(h), this.allowedOrigins());
  }

  /** The client's address, for routes registered on `app` directly (as `RouteRequest.ip`). */
  addressOf(res: uWS.HttpResponse, req: uWS.HttpRequest): string {
    return clientAddress(res, req, this.trustProxy);
  }

  route(method: HttpMethod, pattern: string, name: string, opts: RouteOptions, handler: RouteHandler): void {
    this.app[method](pattern, (res, req) => {
      const reply = track(res);
      const params: string[] = [];
      for (let i = 0; i < MAX_PARAMS; i++) params.push(req.getParameter(i) ?? '');
      const headers: Record<string, string> = {};
      for (const h of opts.headers ?? []) headers[h] = req.getHeader(h);
      const authorization = req.getHeader('authorization');
      const crossSite = this.crossSite(req);
      const body = WITH_BODY.includes(method) ? readBody(res, opts.maxBody ?? DEFAULT_MAX_BODY) : NO_BODY;
      // A refusal before the handler reads the body leaves it unread: not an unhandled rejection.
      body.catch(() => undefined);
      const request: RouteRequest = {
        params,
        ip: clientAddress(res, req, this.trustProxy),
        headers,
        query: req.getQuery() ?? '',
        body: () => body,
        json: async () => parseJsonObject(await body),
      };
      const finish = (status: number, body: unknown) => {
        this.metrics.httpRequests.inc({ route: name, status: `${Math.floor(status / 100)}xx` });
        sendJson(reply, status, body);
      };
      if (crossSite) {
        opts.onCrossSite?.(crossSite);
        finish(403, { error: 'csrf', reason: crossSite });
        return;
      }
      if (opts.admin && !this.auth.check(authorization)) {
        finish(401, { error: 'admin secret required' });
        return;
      }
      Promise.resolve()
        .then(() => handler(reply, request))
        .then(() => this.metrics.httpRequests.inc({ route: name, status: '2xx' }))
        .catch((err) => {
          if (err instanceof HttpError) finish(err.status, { error: err.message, ...err.details });
          else if (isStoreUnavailable(err)) {
            this.log.warn({ route: name, err }, 'store unreachable');
            finish(503, { error: STORE_UNAVAILABLE_MESSAGE });
          } else {
            this.log.error({ route: name, err }, 'http handler failed');
            finish(500, { error: 'internal error' });
          }
        });
    });
  }
}
