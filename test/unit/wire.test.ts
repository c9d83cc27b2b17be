import { describe, expect, it } from 'vitest';
import { schoolcall } from '../../common/protocol/generated/protocol.js';
import { ErrorCode } from '../../signaling/errors.js';
import { SignalingError } from '../../signaling/errors.js';
import { decodeClientFrame, encodeError } from '../../signaling/wire/frames.js';

import pb = schoolcall.v1;

const codeOf = (r: ReturnType<typeof decodeClientFrame>) => (r.ok ? 'ok' : r.error.code);

describe('decoding client frames', () => {
  it('decodes a request and names its type', () => {
    const bytes = pb.ClientMessage.encode({ requestId: 5, join: { roomId: 'r', token: 't' } }).finish();
    const r = decodeClientFrame(bytes, true, 1024);
    expect(r.ok && r.type).toBe('join');
    expect(r.requestId).toBe(5);
  });

  it('classifies bad frames', () => {
    expect(codeOf(decodeClientFrame(new Uint8Array(2000), true, 1024))).toBe(
      ErrorCode.ERROR_CODE_FRAME_TOO_LARGE,
    );
    expect(codeOf(decodeClientFrame(new Uint8Array([1, 2]), false, 1024))).toBe(
      ErrorCode.ERROR_CODE_MALFORMED_FRAME,
    );
    expect(codeOf(decodeClientFrame(new Uint8Array([0x0a, 0xff]), true, 1024))).toBe(
      ErrorCode.ERROR_CODE_MALFORMED_FRAME,
    );
    expect(codeOf(decodeClientFrame(pb.ClientMessage.encode({ requestId: 3 }).finish(), true, 1024))).toBe(
      ErrorCode.ERROR_CODE_UNKNOWN_MESSAGE,
    );
    expect(codeOf(decodeClientFrame(pb.ClientMessage.encode({ leave: {} }).finish(), true, 1024))).toBe(
      ErrorCode.ERROR_CODE_MALFORMED_FRAME,
    );
  });

  it('encodes typed errors that a client decodes back', () => {
    const bytes = encodeError(9, new SignalingError(ErrorCode.ERROR_CODE_NOT_JOINED, 'join first'));
    const m = pb.ServerMessage.decode(bytes);
    expect(m.response?.requestId).toBe(9);
    expect(m.response?.error).toMatchObject({ code: ErrorCode.ERROR_CODE_NOT_JOINED, message: 'join first' });
  });
});

describe('numbers on the wire', () => {
  it('decode as plain numbers, so an absent timestamp is falsy', () => {
    const absent = pb.Participant.decode(pb.Participant.encode({ participantId: 'p' }).finish());
    expect(absent.handRaisedAt).toBe(0);
    const raised = pb.Participant.decode(pb.Participant.encode({ handRaisedAt: 1795313882123 }).finish());
    expect(raised.handRaisedAt).toBe(1795313882123);
  });
});
