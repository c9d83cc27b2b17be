// Sends the recorder's HttpReply over uWebSockets.js: bodies from memory
// (playlists, segments: one write), and files (recordings, replays) streamed
// from the recordings' storage a chunk at a time with back-pressure, so a
// download of a large recording holds neither the file in memory nor the
// event loop.
import type { Readable } from 'node:stream';
import type uWS from 'uWebSockets.js';
import { statusLine } from '../signaling/http/statusLine.js';
import type { HttpReply } from './httpReply.js';

/** A response and whether its client has gone (the shape of signaling's http Reply). */
export interface ReplySink {
  res: uWS.HttpResponse;
  aborted: boolean;
}

function writeHead(res: uWS.HttpResponse, reply: HttpReply): void {
  res.writeStatus(statusLine(reply.status));
  // uWS writes Content-Length itself from what is sent.
  for (const [k, v] of Object.entries(reply.headers))
    if (k.toLowerCase() !== 'content-length') res.writeHeader(k, v);
}

/** Sends a reply; `head` sends only the head (with the length the body would have). */
export function sendReply(sink: ReplySink, reply: HttpReply, head = false): void {
  if (sink.aborted) return;
  const { res } = sink;
  if (reply.file && !head) {
    void streamFile(sink, reply);
    return;
  }
  res.cork(() => {
    writeHead(res, reply);
    if (!head) res.end(reply.body ?? '');
    else
      res.endWithoutBody(
        reply.file ? reply.file.end - reply.file.start + 1 : Buffer.byteLength(reply.body ?? ''),
      );
  });
}

async function streamFile(sink: ReplySink, reply: HttpReply): Promise<void> {
  const { res } = sink;
  const { source, start, end } = reply.file!;
  const total = end - start + 1;
  if (total <= 0) {
    res.cork(() => {
      writeHead(res, reply);
      res.end('');
    });
    return;
  }
  let stream: Readable;
  try {
    stream = await source.read({ start, end });
  } catch {
    // The storage failed before anything was sent: say so rather than hang.
    if (sink.aborted) return;
    res.cork(() => {
      res.writeStatus(statusLine(503));
      res.end('the recording cannot be read now; try again');
    });
    return;
  }
  if (sink.aborted) {
    stream.destroy();
    return;
  }
  // Replaces the router's abort handler: this one also stops reading the file.
  res.onAborted(() => {
    sink.aborted = true;
    stream.destroy();
  });
  let headSent = false;
  stream.on('data', (data) => {
    if (sink.aborted) return;
    const chunk = data as Buffer;
    const ab = chunk.buffer.slice(chunk.byteOffset, chunk.byteOffset + chunk.byteLength) as ArrayBuffer;
    const offset = res.getWriteOffset();
    let ok = false;
    let done = false;
    res.cork(() => {
      if (!headSent) writeHead(res, reply);
      headSent = true;
      [ok, done] = res.tryEnd(ab, total);
    });
    if (done) {
      stream.destroy();
      return;
    }
    if (ok) return;
    // The socket is full: wait until it drains, then send the rest of this chunk.
    stream.pause();
    res.onWritable((written) => {
      if (sink.aborted) return true;
      const [sent, finished] = res.tryEnd(ab.slice(written - offset), total);
      if (finished) stream.destroy();
      else if (sent) stream.resume();
      return sent;
    });
  });
  stream.on('error', () => {
    if (sink.aborted) return;
    sink.aborted = true;
    res.close();
  });
}
