// Client side of the signaling protocol: binary protobuf frames over a
// WebSocket, requests matched to responses by id, events to a listener.
// Works with the browser's WebSocket and with the `ws` package in tests.
import { schoolcall } from '../../common/protocol/generated/protocol.js';

import pb = schoolcall.v1;

export type RequestBody = Omit<pb.IClientMessage, 'requestId'>;

export class RequestError extends Error {
  constructor(
    readonly code: pb.ErrorCode,
    message: string,
  ) {
    super(`${pb.ErrorCode[code] ?? code}: ${message}`);
  }
}

interface MinimalWebSocket {
  binaryType: string;
  readyState: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}

export type WebSocketFactory = (url: string) => MinimalWebSocket;

interface Pending {
  resolve(r: pb.Response): void;
  reject(e: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

const REQUEST_TIMEOUT_MS = 15_000;

export class SignalingClient {
  private socket: MinimalWebSocket | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  onEvent: (event: pb.Event) => void = () => {};
  onClose: (code: number, reason: string) => void = () => {};

  constructor(
    private readonly url: string,
    private readonly factory: WebSocketFactory = (u) => new WebSocket(u) as unknown as MinimalWebSocket,
  ) {}

  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = this.factory(this.url);
      socket.binaryType = 'arraybuffer';
      this.socket = socket;
      socket.onopen = () => resolve();
      socket.onerror = () => reject(new Error(`cannot connect to ${this.url}`));
      socket.onclose = (ev) => {
        for (const p of this.pending.values()) {
          clearTimeout(p.timer);
          p.reject(new Error('connection closed'));
        }
        this.pending.clear();
        this.onClose(ev.code, ev.reason);
      };
      socket.onmessage = (ev) => this.onMessage(ev.data);
    });
  }

  get isOpen(): boolean {
    return this.socket?.readyState === 1;
  }

  /** Sends a request and resolves with the whole Response (error or not). */
  async rawRequest(body: RequestBody): Promise<pb.Response> {
    const socket = this.socket;
    if (!socket || socket.readyState !== 1) throw new Error('not connected');
    const requestId = this.nextId++;
    const bytes = pb.ClientMessage.encode({ ...body, requestId }).finish();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new Error('request timed out'));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(requestId, { resolve, reject, timer });
      socket.send(bytes);
    });
  }

  /** Sends a request; rejects with RequestError if the server answers with an error. */
  async request(body: RequestBody): Promise<pb.Response> {
    const response = await this.rawRequest(body);
    if (response.error) throw new RequestError(response.error.code ?? 0, response.error.message ?? '');
    return response;
  }

  /** Fails every unanswered request, e.g. when the server says it dropped what we missed. */
  failPending(message: string): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error(message));
    }
    this.pending.clear();
  }

  /** Sends raw bytes, for tests of the server's handling of bad frames. */
  sendRaw(bytes: Uint8Array | string): void {
    (this.socket as unknown as { send(d: Uint8Array | string): void }).send(bytes);
  }

  /** Resolves with the next Response, matched or not (for frames without a usable id). */
  nextUnmatched: ((r: pb.Response) => void) | null = null;

  close(): void {
    this.socket?.close(1000, 'bye');
  }

  private onMessage(data: unknown): void {
    let bytes: Uint8Array;
    if (data instanceof ArrayBuffer) bytes = new Uint8Array(data);
    else if (data instanceof Uint8Array) bytes = data;
    else return;
    const message = pb.ServerMessage.decode(bytes);
    if (message.response) {
      // Decoded messages are full instances: scalar fields carry their defaults.
      const response = message.response as pb.Response;
      const p = this.pending.get(response.requestId);
      if (p) {
        clearTimeout(p.timer);
        this.pending.delete(response.requestId);
        p.resolve(response);
      } else {
        this.nextUnmatched?.(response);
      }
    } else if (message.event) {
      this.onEvent(message.event as pb.Event);
    }
  }
}
