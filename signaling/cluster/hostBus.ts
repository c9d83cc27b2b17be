// Messages between hosts over Redis pub/sub: each host listens on its own
// channel. Redis keeps the order of one publisher's messages, which keeps a
// participant's frames in order. Media requests to an edge are matched to
// their answers by request id and time out rather than hang.
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import type { Logger } from '../../common/log.js';
import { schoolcall } from '../../common/protocol/generated/protocol.js';
import {
  type EdgeOp,
  EdgeRequestError,
  type EdgeRequester,
  type EnvelopeBody,
} from '../../sfu/edgeProtocol.js';
import type { Metrics } from '../metrics.js';

import pb = schoolcall.v1;

const CHANNEL_PREFIX = 'school-call:bus:';
const REQUEST_TIMEOUT_MS = 10_000;

interface BusEvents {
  message: [envelope: pb.HostEnvelope];
}

export class HostBus extends EventEmitter<BusEvents> implements EdgeRequester {
  private nextRequestId = 1;
  private stopped = false;
  private readonly pending = new Map<
    number,
    { resolve: (r: pb.IEdgeResponse) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >();

  constructor(
    private readonly pub: Redis,
    private readonly sub: Redis,
    readonly selfId: string,
    private readonly log: Logger,
    private readonly metrics: Pick<Metrics, 'hostMessages' | 'edgeRequestDuration'> | null = null,
  ) {
    super();
  }

  async start(): Promise<void> {
    this.sub.on('messageBuffer', (_channel: Buffer, message: Buffer) => this.receive(message));
    await this.sub.subscribe(CHANNEL_PREFIX + this.selfId);
  }

  send(host: string, body: EnvelopeBody): void {
    if (this.stopped) return;
    const bytes = pb.HostEnvelope.encode({ ...body, fromHost: this.selfId }).finish();
    this.metrics?.hostMessages.inc({ direction: 'sent', kind: bodyKind(body) });
    this.pub
      .publish(CHANNEL_PREFIX + host, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
      .catch((err) => this.log.warn({ host, err }, 'cannot reach host'));
  }

  /** Sends a media request to an edge host and waits for its answer. */
  request(host: string, op: EdgeOp): Promise<pb.IEdgeResponse> {
    const requestId = this.nextRequestId++;
    if (this.nextRequestId > 0xffff_fff0) this.nextRequestId = 1;
    const stop = this.metrics?.edgeRequestDuration.startTimer();
    return new Promise<pb.IEdgeResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new EdgeRequestError(`host ${host} did not answer`));
      }, REQUEST_TIMEOUT_MS);
      timer.unref();
      this.pending.set(requestId, { resolve, reject, timer });
      this.send(host, { edgeRequest: { ...op, requestId } });
    }).finally(() => stop?.());
  }

  /** Fails every request waiting on answers, e.g. at shutdown. */
  /** Resolves once everything sent so far has reached Redis (commands keep their order). */
  async flush(): Promise<void> {
    await this.pub.ping();
  }

  dispose(): void {
    this.stopped = true;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new EdgeRequestError('shutting down'));
    }
    this.pending.clear();
  }

  private receive(message: Buffer): void {
    let envelope: pb.HostEnvelope;
    try {
      envelope = pb.HostEnvelope.decode(message);
    } catch (err) {
      this.log.warn({ err }, 'undecodable host message');
      this.metrics?.hostMessages.inc({ direction: 'received', kind: 'undecodable' });
      return;
    }
    this.metrics?.hostMessages.inc({ direction: 'received', kind: envelope.body ?? 'empty' });
    if (envelope.body === 'edgeResponse' && envelope.edgeResponse) {
      const r = envelope.edgeResponse;
      const p = this.pending.get(r.requestId ?? 0);
      if (!p) return;
      this.pending.delete(r.requestId ?? 0);
      clearTimeout(p.timer);
      if (r.error) p.reject(new EdgeRequestError(r.error, Boolean(r.clientError)));
      else p.resolve(r);
      return;
    }
    this.emit('message', envelope);
  }
}

/** The kind of message, for metrics: the name of the envelope's body field. */
function bodyKind(body: EnvelopeBody): string {
  for (const [key, value] of Object.entries(body)) if (value != null) return key;
  return 'empty';
}
