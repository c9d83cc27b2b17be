// Client side of the messenger protocol: binary protobuf frames over a
// WebSocket, requests matched to responses by id, events to a listener.
// Works in the browser and with the `ws` package (tests, load tests). It
// keeps each chat's cursor (the highest rev received) so a reconnect resumes
// exactly where the connection stopped.
import { schoolcall } from '../../common/protocol/generated/protocol.js';

import cpb = schoolcall.chat.v1;

export type ChatRequestBody = Omit<cpb.IChatClientMessage, 'requestId'>;

export class ChatRequestError extends Error {
  constructor(
    readonly code: cpb.ChatErrorCode,
    message: string,
  ) {
    super(`${cpb.ChatErrorCode[code] ?? code}: ${message}`);
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

export type ChatSocketFactory = (url: string) => MinimalWebSocket;

const REQUEST_TIMEOUT_MS = 15_000;

export class ChatClient {
  private socket: MinimalWebSocket | null = null;
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve(r: cpb.ChatResponse): void; reject(e: Error): void; timer: ReturnType<typeof setTimeout> }
  >();
  /** Highest rev received per chat: pass to authenticate() on reconnect. */
  readonly cursors = new Map<string, number>();
  onEvent: (event: cpb.ChatEvent) => void = () => {};
  onClose: (code: number, reason: string) => void = () => {};

  constructor(
    private readonly url: string,
    private readonly factory: ChatSocketFactory = (u) => new WebSocket(u) as unknown as MinimalWebSocket,
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

  /** Authenticates, resuming every chat this client has a cursor for. */
  async authenticate(token: string): Promise<cpb.IAuthenticateResult> {
    const cursors = [...this.cursors].map(([chatId, rev]) => ({ chatId, rev }));
    const r = await this.request({ authenticate: { token, cursors } });
    for (const chat of r.authenticated?.chats ?? []) {
      if (!this.cursors.has(chat.chatId ?? '')) this.cursors.set(chat.chatId ?? '', chat.rev ?? 0);
    }
    return r.authenticated!;
  }

  async rawRequest(body: ChatRequestBody): Promise<cpb.ChatResponse> {
    const socket = this.socket;
    if (!socket || socket.readyState !== 1) throw new Error('not connected');
    const requestId = this.nextId++;
    const bytes = cpb.ChatClientMessage.encode({ ...body, requestId }).finish();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new Error('request timed out'));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(requestId, { resolve, reject, timer });
      socket.send(bytes);
    });
  }

  /** Sends a request; rejects with ChatRequestError if the server answers with an error. */
  async request(body: ChatRequestBody): Promise<cpb.ChatResponse> {
    const response = await this.rawRequest(body);
    if (response.error) throw new ChatRequestError(response.error.code ?? 0, response.error.message ?? '');
    return response;
  }

  /** Sends raw bytes, for tests of the server's handling of bad frames. */
  sendRaw(bytes: Uint8Array | string): void {
    (this.socket as unknown as { send(d: Uint8Array | string): void }).send(bytes);
  }

  close(): void {
    this.socket?.close(1000, 'bye');
  }

  private advance(chatId: string | null | undefined, rev: number | null | undefined): void {
    if (!chatId || !rev) return;
    if (rev > (this.cursors.get(chatId) ?? 0)) this.cursors.set(chatId, rev);
  }

  private onMessage(data: unknown): void {
    let bytes: Uint8Array;
    if (data instanceof ArrayBuffer) bytes = new Uint8Array(data);
    else if (data instanceof Uint8Array) bytes = data;
    else return;
    const message = cpb.ChatServerMessage.decode(bytes);
    if (message.response) {
      const response = message.response as cpb.ChatResponse;
      const p = this.pending.get(response.requestId);
      if (p) {
        clearTimeout(p.timer);
        this.pending.delete(response.requestId);
        p.resolve(response);
      }
    } else if (message.event) {
      const e = message.event as cpb.ChatEvent;
      if (e.message) this.advance(e.message.chatId, e.message.rev);
      if (e.batch) {
        this.advance(e.batch.chatId, e.batch.rev);
        for (const m of e.batch.messages ?? []) this.advance(m.chatId, m.rev);
      }
      if (e.chatAdded) this.advance(e.chatAdded.chatId, e.chatAdded.rev);
      if (e.chatRemoved) this.cursors.delete(e.chatRemoved.chatId ?? '');
      this.onEvent(e);
    }
  }
}
