// Client side of the messenger protocol: the chat's messages over our
// request socket (common/protocol/requestSocket.ts). Works in the browser
// and with the `ws` package (tests, load tests). It keeps each chat's cursor
// (the highest rev received) so a reconnect resumes exactly where the
// connection stopped.
import { schoolcall } from '../../../common/protocol/generated/protocol.js';
import { RequestSocket, type WebSocketFactory } from '../../../common/protocol/requestSocket.js';

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

export type ChatSocketFactory = WebSocketFactory;

const codec = {
  encode: (body: ChatRequestBody, requestId: number) =>
    cpb.ChatClientMessage.encode({ ...body, requestId }).finish(),
  decode: (bytes: Uint8Array) =>
    cpb.ChatServerMessage.decode(bytes) as { response?: cpb.ChatResponse; event?: cpb.ChatEvent },
  tooLarge: (r: cpb.ChatResponse) => r.error?.code === cpb.ChatErrorCode.CHAT_ERROR_FRAME_TOO_LARGE,
};

export class ChatClient extends RequestSocket<ChatRequestBody, cpb.ChatResponse, cpb.ChatEvent> {
  /** Highest rev received per chat: pass to authenticate() on reconnect. */
  readonly cursors = new Map<string, number>();

  constructor(url: string, factory?: ChatSocketFactory) {
    super(url, codec, factory);
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

  rawRequest(body: ChatRequestBody): Promise<cpb.ChatResponse> {
    return this.exchange(body);
  }

  /** Sends a request; rejects with ChatRequestError if the server answers with an error. */
  async request(body: ChatRequestBody): Promise<cpb.ChatResponse> {
    const response = await this.exchange(body);
    if (response.error) throw new ChatRequestError(response.error.code ?? 0, response.error.message ?? '');
    return response;
  }

  private advance(chatId: string | null | undefined, rev: number | null | undefined): void {
    if (!chatId || !rev) return;
    if (rev > (this.cursors.get(chatId) ?? 0)) this.cursors.set(chatId, rev);
  }

  /** Keeps each chat's cursor before the listener sees the event. */
  protected override received(e: cpb.ChatEvent): void {
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
