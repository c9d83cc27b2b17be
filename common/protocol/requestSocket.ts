// A WebSocket that carries our protobuf protocols: binary frames, requests
// matched to their responses by id (with a timeout), everything else handed
// to the owner as an event. The call's signaling client and the messenger's
// chat client are this with their own message types. Works with the
// browser's WebSocket and with the `ws` package (tests, load tests).

export interface MinimalWebSocket {
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

/** How one protocol's frames look: encode a request with its id, decode a server frame. */
export interface FrameCodec<Body, Response extends { requestId: number }, Event> {
  encode(body: Body, requestId: number): Uint8Array;
  decode(bytes: Uint8Array): { response?: Response; event?: Event };
  /** The server's refusal of a frame it would not decode: it cannot name the request (id 0). */
  tooLarge?(response: Response): boolean;
}

interface Pending<Response> {
  resolve(r: Response): void;
  reject(e: Error): void;
  timer: ReturnType<typeof setTimeout>;
  /** The request's frame size: an id-less "too large" refusal is the largest pending frame's. */
  bytes: number;
}

const REQUEST_TIMEOUT_MS = 15_000;

export class RequestSocket<Body, Response extends { requestId: number }, Event> {
  private socket: MinimalWebSocket | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending<Response>>();
  onEvent: (event: Event) => void = () => {};
  onClose: (code: number, reason: string) => void = () => {};
  /** A response that matches no request (a frame without a usable id). */
  onUnmatched: (response: Response) => void = () => {};

  constructor(
    private readonly url: string,
    private readonly codec: FrameCodec<Body, Response, Event>,
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
        this.failPending('connection closed');
        this.onClose(ev.code, ev.reason);
      };
      socket.onmessage = (ev) => this.onMessage(ev.data);
    });
  }

  get isOpen(): boolean {
    return this.socket?.readyState === 1;
  }

  /** Sends a request and resolves with the whole response (error or not). */
  exchange(body: Body): Promise<Response> {
    const socket = this.socket;
    if (!socket || socket.readyState !== 1) return Promise.reject(new Error('not connected'));
    const requestId = this.nextId++;
    const bytes = this.codec.encode(body, requestId);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new Error('request timed out'));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(requestId, { resolve, reject, timer, bytes: bytes.length });
      socket.send(bytes);
    });
  }

  /** Fails every unanswered request (the connection closed, or the server dropped what we missed). */
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

  close(): void {
    this.socket?.close(1000, 'bye');
  }

  private onMessage(data: unknown): void {
    let bytes: Uint8Array;
    if (data instanceof ArrayBuffer) bytes = new Uint8Array(data);
    else if (data instanceof Uint8Array) bytes = data;
    else return;
    const { response, event } = this.codec.decode(bytes);
    if (response) {
      const id = response.requestId || this.tooLargeId(response);
      const p = this.pending.get(id);
      if (p) {
        clearTimeout(p.timer);
        this.pending.delete(id);
        p.resolve(response);
      } else {
        this.onUnmatched(response);
      }
    } else if (event) {
      this.received(event);
    }
  }

  /**
   * The pending request an id-less "frame too large" refusal answers: the largest
   * frame sent (the oldest of equals), so the person reads the refusal instead of a timeout.
   */
  private tooLargeId(response: Response): number {
    if (!this.codec.tooLarge?.(response)) return 0;
    let id = 0;
    let most = -1;
    for (const [k, p] of this.pending) {
      if (p.bytes > most) {
        id = k;
        most = p.bytes;
      }
    }
    return id;
  }

  /** An event arrived: a protocol's client may note something of it first. */
  protected received(event: Event): void {
    this.onEvent(event);
  }
}
