// Client side of the signaling protocol: the call's messages over our
// request socket (common/protocol/requestSocket.ts). Works with the
// browser's WebSocket and with the `ws` package in tests.
import { schoolcall } from '../../../common/protocol/generated/protocol.js';
import { RequestSocket, type WebSocketFactory } from '../../../common/protocol/requestSocket.js';

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

export type { WebSocketFactory } from '../../../common/protocol/requestSocket.js';

const codec = {
  encode: (body: RequestBody, requestId: number) => pb.ClientMessage.encode({ ...body, requestId }).finish(),
  // Decoded messages are full instances: scalar fields carry their defaults.
  decode: (bytes: Uint8Array) =>
    pb.ServerMessage.decode(bytes) as { response?: pb.Response; event?: pb.Event },
  tooLarge: (r: pb.Response) => r.error?.code === pb.ErrorCode.ERROR_CODE_FRAME_TOO_LARGE,
};

export class SignalingClient extends RequestSocket<RequestBody, pb.Response, pb.Event> {
  /** Resolves with the next Response, matched or not (for frames without a usable id). */
  nextUnmatched: ((r: pb.Response) => void) | null = null;

  constructor(url: string, factory?: WebSocketFactory) {
    super(url, codec, factory);
    this.onUnmatched = (r) => this.nextUnmatched?.(r);
  }

  /** Sends a request and resolves with the whole Response (error or not). */
  rawRequest(body: RequestBody): Promise<pb.Response> {
    return this.exchange(body);
  }

  /** Sends a request; rejects with RequestError if the server answers with an error. */
  async request(body: RequestBody): Promise<pb.Response> {
    const response = await this.exchange(body);
    if (response.error) throw new RequestError(response.error.code ?? 0, response.error.message ?? '');
    return response;
  }
}
