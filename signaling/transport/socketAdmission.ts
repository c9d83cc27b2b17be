// How every WebSocket endpoint of the server (/ws for calls, /chat for the
// messenger) lets a connection in and keeps it honest, so both have the
// same defences: at the upgrade the one ConnectionGate of the process
// decides (Origin, not-yet-admitted connections per address, the global
// cap below the open-file limit: descriptors are the process's, whichever
// path takes them); an open connection must be admitted (joined a room,
// authenticated) before the deadline or is closed; and one closed for
// abuse (flooding, garbage) counts against its address.
import { randomUUID } from 'node:crypto';
import type uWS from 'uWebSockets.js';
import { clientAddress } from '../http/clientAddress.js';
import { statusLine } from '../http/statusLine.js';
import type { ConnectionGate } from './connectionGate.js';

/** What every admitted-or-not connection carries in its uWS user data. */
export interface AdmissionData {
  id: string;
  remoteAddress: string;
  /** Not admitted yet: counts against its address, and must be admitted before the deadline. */
  pending: boolean;
  closed: boolean;
  deadline?: NodeJS.Timeout;
}

export interface AdmissionOptions {
  trustProxy: boolean;
  /** A connection not admitted by then is closed. */
  deadlineSeconds: number;
  /** The metric label of a connection closed at the deadline. */
  timeoutReason: string;
  /** Counts a refusal or an abuse under a metric label. */
  count(reason: string): void;
}

export class SocketAdmission {
  constructor(
    private readonly gate: ConnectionGate,
    private readonly options: AdmissionOptions,
  ) {}

  /** In uWS's `upgrade`: refuses with a JSON reason, or upgrades with `extra` beside the admission data. */
  upgrade<T extends object>(
    res: uWS.HttpResponse,
    req: uWS.HttpRequest,
    context: uWS.us_socket_context_t,
    extra: T,
  ): void {
    const remoteAddress = clientAddress(res, req, this.options.trustProxy);
    const refusal = this.gate.check(remoteAddress, req.getHeader('origin'));
    if (refusal) {
      this.options.count(refusal.reason);
      res.cork(() => {
        res
          .writeStatus(statusLine(refusal.status))
          .writeHeader('content-type', 'application/json; charset=utf-8')
          .end(JSON.stringify({ error: refusal.error }));
      });
      return;
    }
    const data: AdmissionData & T = {
      ...extra,
      id: randomUUID(),
      remoteAddress,
      pending: true,
      closed: false,
    };
    res.upgrade(
      data,
      req.getHeader('sec-websocket-key'),
      req.getHeader('sec-websocket-protocol'),
      req.getHeader('sec-websocket-extensions'),
      context,
    );
  }

  /** In `open`: counts the connection and starts its deadline (`expire` closes it, saying why). */
  opened(data: AdmissionData, expire: () => void): void {
    this.gate.opened(data.remoteAddress);
    data.deadline = setTimeout(() => {
      if (!data.pending || data.closed) return;
      this.options.count(this.options.timeoutReason);
      expire();
    }, this.options.deadlineSeconds * 1000);
    data.deadline.unref();
  }

  /** The connection joined or authenticated: it no longer counts against its address. */
  admitted(data: AdmissionData): void {
    if (!data.pending) return;
    data.pending = false;
    clearTimeout(data.deadline);
    this.gate.joined(data.remoteAddress);
  }

  /** In `close`. */
  closed(data: AdmissionData): void {
    if (data.closed) return;
    data.closed = true;
    clearTimeout(data.deadline);
    this.gate.closed(data.remoteAddress, data.pending);
  }

  /** The connection was closed for flooding or garbage: after a few, its address waits. */
  abused(data: AdmissionData): void {
    this.gate.abused(data.remoteAddress);
  }

  get connections(): number {
    return this.gate.connections;
  }
}
