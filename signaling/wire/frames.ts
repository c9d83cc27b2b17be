import { schoolcall } from '../../common/protocol/generated/protocol.js';
// Decoding client frames and encoding server frames. Everything that comes off
// the socket passes through decodeClientFrame first.
import { badTextIn, badTextMessage } from '../../common/protocol/textRule.js';
import { ErrorCode, SignalingError } from '../errors.js';

import pb = schoolcall.v1;

export type RequestType = NonNullable<pb.ClientMessage['request']>;

export type DecodedFrame =
  | { ok: true; requestId: number; type: RequestType; message: pb.ClientMessage }
  | { ok: false; requestId: number; error: SignalingError };

export function decodeClientFrame(data: Uint8Array, isBinary: boolean, maxBytes: number): DecodedFrame {
  if (data.byteLength > maxBytes) {
    return {
      ok: false,
      requestId: 0,
      error: new SignalingError(ErrorCode.ERROR_CODE_FRAME_TOO_LARGE, `frame exceeds ${maxBytes} bytes`),
    };
  }
  if (!isBinary) {
    return {
      ok: false,
      requestId: 0,
      error: new SignalingError(ErrorCode.ERROR_CODE_MALFORMED_FRAME, 'text frames are not accepted'),
    };
  }
  let message: pb.ClientMessage;
  try {
    message = pb.ClientMessage.decode(data);
  } catch {
    return {
      ok: false,
      requestId: 0,
      error: new SignalingError(ErrorCode.ERROR_CODE_MALFORMED_FRAME, 'frame is not a ClientMessage'),
    };
  }
  const requestId = message.requestId;
  const type = message.request;
  if (!type) {
    return {
      ok: false,
      requestId,
      error: new SignalingError(ErrorCode.ERROR_CODE_UNKNOWN_MESSAGE, 'message carries no known request'),
    };
  }
  if (requestId === 0) {
    return {
      ok: false,
      requestId,
      error: new SignalingError(ErrorCode.ERROR_CODE_MALFORMED_FRAME, 'request_id must be non-zero'),
    };
  }
  const bad = badTextIn(message[type]);
  if (bad) {
    return {
      ok: false,
      requestId,
      error: new SignalingError(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, badTextMessage(`${type}.${bad}`)),
    };
  }
  return { ok: true, requestId, type, message };
}

export function encodeResponse(response: pb.IResponse): Uint8Array {
  return pb.ServerMessage.encode({ response }).finish();
}

export function encodeError(requestId: number, error: SignalingError): Uint8Array {
  return encodeResponse({ requestId, error: { code: error.code, message: error.message } });
}

export function encodeEvent(event: pb.IEvent): Uint8Array {
  return pb.ServerMessage.encode({ event }).finish();
}
