// Decoding the messenger's client frames and encoding its server frames.
// Everything that comes off a /chat socket passes through decodeChatFrame.
import { schoolcall } from '../common/protocol/generated/protocol.js';
import { badTextIn, badTextMessage } from '../common/protocol/textRule.js';
import { ChatError, ChatErrorCode } from './errors.js';

import cpb = schoolcall.chat.v1;

export type ChatRequestType = NonNullable<cpb.ChatClientMessage['request']>;

export type DecodedChatFrame =
  | { ok: true; requestId: number; type: ChatRequestType; message: cpb.ChatClientMessage }
  | { ok: false; requestId: number; error: ChatError };

export function decodeChatFrame(data: Uint8Array, isBinary: boolean, maxBytes: number): DecodedChatFrame {
  const fail = (requestId: number, code: ChatErrorCode, message: string): DecodedChatFrame => ({
    ok: false,
    requestId,
    error: new ChatError(code, message),
  });
  if (data.byteLength > maxBytes)
    return fail(0, ChatErrorCode.CHAT_ERROR_FRAME_TOO_LARGE, `frame exceeds ${maxBytes} bytes`);
  if (!isBinary) return fail(0, ChatErrorCode.CHAT_ERROR_MALFORMED_FRAME, 'text frames are not accepted');
  let message: cpb.ChatClientMessage;
  try {
    message = cpb.ChatClientMessage.decode(data);
  } catch {
    return fail(0, ChatErrorCode.CHAT_ERROR_MALFORMED_FRAME, 'frame is not a ChatClientMessage');
  }
  const { requestId, request } = message;
  if (!request)
    return fail(requestId, ChatErrorCode.CHAT_ERROR_UNKNOWN_MESSAGE, 'message carries no known request');
  if (requestId === 0)
    return fail(0, ChatErrorCode.CHAT_ERROR_MALFORMED_FRAME, 'request_id must be non-zero');
  const bad = badTextIn(message[request]);
  if (bad)
    return fail(requestId, ChatErrorCode.CHAT_ERROR_INVALID_ARGUMENT, badTextMessage(`${request}.${bad}`));
  return { ok: true, requestId, type: request, message };
}

export function encodeChatResponse(response: cpb.IChatResponse): Uint8Array {
  return cpb.ChatServerMessage.encode({ response }).finish();
}

export function encodeChatError(requestId: number, error: ChatError): Uint8Array {
  return encodeChatResponse({ requestId, error: { code: error.code, message: error.message } });
}

export function encodeChatEvent(event: cpb.IChatEvent): Uint8Array {
  return cpb.ChatServerMessage.encode({ event }).finish();
}
