// A uWebSockets.js request as a web-standard Request (streamed body with
// backpressure: uWS is paused while the consumer is not reading), and a
// web-standard Response written back to uWS.
import type uWS from 'uWebSockets.js';
import { HttpError } from '../../signaling/http/httpUtil.js';
import { statusLine } from '../../signaling/http/statusLine.js';

export interface BridgedRequest {
  request: Request;
  res: uWS.HttpResponse;
  aborted: boolean;
  method: string;
  /** The whole body was read (or there was none). */
  bodyDone: boolean;
}

/** Bytes the body stream holds before uWS is paused. */
const BODY_HIGH_WATER = 1024 * 1024;

/**
 * The URL of a request, from its path alone. The Host header is the
 * client's to write ("a b", "["...): it never goes into a URL we parse
 * (tus answers with relative locations, so nothing needs it).
 */
export function requestUrl(path: string, query: string): URL {
  try {
    return new URL(`${path}${query ? `?${query}` : ''}`, 'http://localhost');
  } catch {
    throw new HttpError(400, 'the request line is not a valid URL');
  }
}

/** The request's headers; one a web Headers object refuses (non-Latin-1 bytes, say) is a 400. */
function requestHeaders(req: uWS.HttpRequest): Headers {
  const headers = new Headers();
  let bad = false;
  req.forEach((k, v) => {
    try {
      headers.append(k, v);
    } catch {
      bad = true;
    }
  });
  if (bad) throw new HttpError(400, 'a request header is not valid');
  return headers;
}

/** Must be called synchronously inside the uWS handler. */
export function toWebRequest(res: uWS.HttpResponse, req: uWS.HttpRequest): BridgedRequest {
  const method = req.getMethod().toUpperCase();
  const url = requestUrl(req.getUrl(), req.getQuery());
  const headers = requestHeaders(req);
  const hasBody = method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';
  const bridged: BridgedRequest = {
    request: null as unknown as Request,
    res,
    aborted: false,
    method,
    bodyDone: !hasBody,
  };
  let controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  let paused = false;
  let finished = false;
  res.onAborted(() => {
    bridged.aborted = true;
    if (!finished) {
      finished = true;
      controller?.error(new Error('the client went away'));
    }
  });
  let body: ReadableStream<Uint8Array> | null = null;
  if (hasBody) {
    body = new ReadableStream<Uint8Array>(
      {
        start(c) {
          controller = c;
        },
        pull() {
          if (paused && !bridged.aborted) {
            paused = false;
            res.resume();
          }
        },
        cancel() {
          finished = true;
        },
      },
      new ByteLengthQueuingStrategy({ highWaterMark: BODY_HIGH_WATER }),
    );
    res.onData((chunk, isLast) => {
      if (finished || !controller) return;
      // uWS reuses the chunk's memory after this callback: copy it.
      if (chunk.byteLength > 0) controller.enqueue(new Uint8Array(chunk.slice(0)));
      if (isLast) {
        finished = true;
        bridged.bodyDone = true;
        controller.close();
      } else if ((controller.desiredSize ?? 1) <= 0 && !paused) {
        paused = true;
        res.pause();
      }
    });
  }
  bridged.request = new Request(url, {
    method,
    headers,
    body,
    ...(body ? { duplex: 'half' } : {}),
  } as RequestInit);
  return bridged;
}

const SKIPPED_HEADERS = new Set(['content-length', 'connection', 'transfer-encoding']);

/** A tus answer is a short text; one with more is not ours to buffer (never a file's content). */
const MAX_ANSWER_BYTES = 64 * 1024;

/** Reads a response body up to `max` bytes; null (and the rest cancelled) past that. */
async function smallBody(response: Response, max: number): Promise<Uint8Array | null> {
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/** Writes a small web Response back (tus answers); a large body is refused, never held in memory. */
export function writeWebResponse(bridged: BridgedRequest, response: Response): void {
  void smallBody(response, MAX_ANSWER_BYTES).then((body) => {
    if (bridged.aborted) return;
    if (body === null) {
      writeWebResponse(bridged, new Response('the answer is too large to send here\n', { status: 500 }));
      return;
    }
    bridged.res.cork(() => {
      bridged.res.writeStatus(statusLine(response.status));
      response.headers.forEach((v, k) => {
        if (!SKIPPED_HEADERS.has(k)) bridged.res.writeHeader(k, v);
      });
      // An answer before the whole body arrived (a refusal) ends the connection,
      // so the rest of an unwanted upload is not read.
      const close = !bridged.bodyDone;
      if (bridged.method === 'HEAD' || response.status === 204) bridged.res.endWithoutBody(0, close);
      else bridged.res.end(body, close);
    });
  });
}
