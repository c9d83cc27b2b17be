// Conversion between mediasoup's plain media objects and their protobuf wire
// form. Shared by the server and the browser client. Decoding checks shapes and
// sizes, so whatever reaches mediasoup from the wire is bounded and typed;
// mediasoup's own validation then checks the semantics.
// Over 400 lines on purpose: one to/from pair per RTP type (codecs, header
// extensions, encodings, RTCP, capabilities, ICE, DTLS), side by side so a
// field added on one side is seen missing on the other.
import { schoolcall } from './generated/protocol.js';

import pb = schoolcall.v1;

export class WireValidationError extends Error {}

type Params = Record<string, unknown>;

export interface RtcpFeedback {
  type: string;
  parameter?: string;
}
export interface RtpCodecCapability {
  kind: 'audio' | 'video';
  mimeType: string;
  preferredPayloadType?: number;
  clockRate: number;
  channels?: number;
  parameters?: Params;
  rtcpFeedback?: RtcpFeedback[];
}
export interface RtpHeaderExtension {
  kind: 'audio' | 'video';
  uri: string;
  preferredId: number;
  preferredEncrypt?: boolean;
  direction?: 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
}
export interface RtpCapabilities {
  codecs?: RtpCodecCapability[];
  headerExtensions?: RtpHeaderExtension[];
}
export interface RtpCodecParameters {
  mimeType: string;
  payloadType: number;
  clockRate: number;
  channels?: number;
  parameters?: Params;
  rtcpFeedback?: RtcpFeedback[];
}
export interface RtpHeaderExtensionParameters {
  uri: string;
  id: number;
  encrypt?: boolean;
  parameters?: Params;
}
export interface RtpEncodingParameters {
  ssrc?: number;
  rid?: string;
  codecPayloadType?: number;
  rtx?: { ssrc: number };
  dtx?: boolean;
  scalabilityMode?: string;
  scaleResolutionDownBy?: number;
  maxBitrate?: number;
  maxFramerate?: number;
  adaptivePtime?: boolean;
  priority?: 'very-low' | 'low' | 'medium' | 'high';
  networkPriority?: 'very-low' | 'low' | 'medium' | 'high';
}
export interface RtcpParameters {
  cname?: string;
  reducedSize?: boolean;
  mux?: boolean;
}
export interface RtpParameters {
  mid?: string;
  codecs: RtpCodecParameters[];
  headerExtensions?: RtpHeaderExtensionParameters[];
  encodings?: RtpEncodingParameters[];
  rtcp?: RtcpParameters;
}
export interface IceParameters {
  usernameFragment: string;
  password: string;
  iceLite?: boolean;
}
export interface IceCandidate {
  foundation: string;
  priority: number;
  ip: string;
  address?: string;
  protocol: 'udp' | 'tcp';
  port: number;
  type: 'host' | 'srflx' | 'prflx' | 'relay';
  tcpType?: 'active' | 'passive' | 'so';
}
export interface DtlsParameters {
  role?: 'auto' | 'client' | 'server';
  fingerprints: { algorithm: string; value: string }[];
}

// Bounds on what a client may send; far above what browsers produce.
const MAX_CODECS = 64;
const MAX_HEADER_EXTENSIONS = 32;
const MAX_ENCODINGS = 8;
const MAX_FEEDBACK = 16;
const MAX_PARAMS = 32;
const MAX_STRING = 256;
const MAX_FINGERPRINTS = 8;

function str(value: string, field: string, max = MAX_STRING): string {
  if (value.length > max) throw new WireValidationError(`${field} is longer than ${max} characters`);
  return value;
}

function nonEmpty(value: string, field: string): string {
  if (!value) throw new WireValidationError(`${field} is required`);
  return str(value, field);
}

function list<T>(items: T[] | null | undefined, field: string, max: number): T[] {
  const arr = items ?? [];
  if (arr.length > max) throw new WireValidationError(`${field} has more than ${max} entries`);
  return arr;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], field: string): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new WireValidationError(`${field} must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

const KINDS = ['audio', 'video'] as const;
const DIRECTIONS = ['sendrecv', 'sendonly', 'recvonly', 'inactive'] as const;
const PRIORITIES = ['very-low', 'low', 'medium', 'high'] as const;
const DTLS_ROLES = ['auto', 'client', 'server'] as const;

// ---- codec parameters -------------------------------------------------------

function paramsToWire(params: Params | undefined): Record<string, pb.ICodecParameterValue> {
  const out: Record<string, pb.ICodecParameterValue> = {};
  for (const [key, value] of Object.entries(params ?? {})) {
    if (typeof value === 'number') out[key] = { number: value };
    else if (typeof value === 'string') out[key] = { text: value };
    else if (typeof value === 'boolean') out[key] = { number: value ? 1 : 0 };
  }
  return out;
}

function paramsFromWire(params: Record<string, pb.ICodecParameterValue> | null | undefined): Params {
  const entries = Object.entries(params ?? {});
  if (entries.length > MAX_PARAMS)
    throw new WireValidationError(`parameters has more than ${MAX_PARAMS} entries`);
  const out: Params = {};
  for (const [key, value] of entries) {
    str(key, 'parameter name', 64);
    if (value.text != null) out[key] = str(value.text, `parameter ${key}`);
    else if (value.number != null) {
      if (!Number.isFinite(value.number)) throw new WireValidationError(`parameter ${key} is not finite`);
      out[key] = value.number;
    }
  }
  return out;
}

function feedbackToWire(fb: RtcpFeedback[] | undefined): pb.IRtcpFeedback[] {
  return (fb ?? []).map((f) =>
    f.parameter !== undefined ? { type: f.type, parameter: f.parameter } : { type: f.type },
  );
}

function feedbackFromWire(fb: pb.IRtcpFeedback[] | null | undefined): RtcpFeedback[] {
  return list(fb, 'rtcpFeedback', MAX_FEEDBACK).map((f) => {
    const out: RtcpFeedback = { type: nonEmpty(f.type ?? '', 'rtcpFeedback.type') };
    if (f.parameter != null) out.parameter = str(f.parameter, 'rtcpFeedback.parameter');
    return out;
  });
}

// ---- RTP capabilities -------------------------------------------------------

export function rtpCapabilitiesToWire(caps: RtpCapabilities): pb.IRtpCapabilities {
  return {
    codecs: (caps.codecs ?? []).map((c) => {
      const w: pb.IRtpCodecCapability = {
        kind: c.kind,
        mimeType: c.mimeType,
        clockRate: c.clockRate,
        parameters: paramsToWire(c.parameters),
        rtcpFeedback: feedbackToWire(c.rtcpFeedback),
      };
      if (c.preferredPayloadType !== undefined) w.preferredPayloadType = c.preferredPayloadType;
      if (c.channels !== undefined) w.channels = c.channels;
      return w;
    }),
    headerExtensions: (caps.headerExtensions ?? []).map((h) => {
      const w: pb.IRtpHeaderExtensionCapability = { kind: h.kind, uri: h.uri, preferredId: h.preferredId };
      if (h.preferredEncrypt !== undefined) w.preferredEncrypt = h.preferredEncrypt;
      if (h.direction !== undefined) w.direction = h.direction;
      return w;
    }),
  };
}

export function rtpCapabilitiesFromWire(w: pb.IRtpCapabilities | null | undefined): RtpCapabilities {
  if (!w) throw new WireValidationError('rtpCapabilities is required');
  return {
    codecs: list(w.codecs, 'codecs', MAX_CODECS).map((c) => {
      const out: RtpCodecCapability = {
        kind: oneOf(c.kind ?? '', KINDS, 'codec.kind'),
        mimeType: nonEmpty(c.mimeType ?? '', 'codec.mimeType'),
        clockRate: c.clockRate ?? 0,
        parameters: paramsFromWire(c.parameters),
        rtcpFeedback: feedbackFromWire(c.rtcpFeedback),
      };
      if (c.preferredPayloadType != null) out.preferredPayloadType = c.preferredPayloadType;
      if (c.channels != null) out.channels = c.channels;
      return out;
    }),
    headerExtensions: list(w.headerExtensions, 'headerExtensions', MAX_HEADER_EXTENSIONS).map((h) => {
      const out: RtpHeaderExtension = {
        kind: oneOf(h.kind ?? '', KINDS, 'headerExtension.kind'),
        uri: nonEmpty(h.uri ?? '', 'headerExtension.uri'),
        preferredId: h.preferredId ?? 0,
      };
      if (h.preferredEncrypt != null) out.preferredEncrypt = h.preferredEncrypt;
      if (h.direction != null) out.direction = oneOf(h.direction, DIRECTIONS, 'headerExtension.direction');
      return out;
    }),
  };
}

// ---- RTP parameters ---------------------------------------------------------

export function rtpParametersToWire(p: RtpParameters): pb.IRtpParameters {
  const w: pb.IRtpParameters = {
    codecs: p.codecs.map((c) => {
      const wc: pb.IRtpCodecParameters = {
        mimeType: c.mimeType,
        payloadType: c.payloadType,
        clockRate: c.clockRate,
        parameters: paramsToWire(c.parameters),
        rtcpFeedback: feedbackToWire(c.rtcpFeedback),
      };
      if (c.channels !== undefined) wc.channels = c.channels;
      return wc;
    }),
    headerExtensions: (p.headerExtensions ?? []).map((h) => {
      const wh: pb.IRtpHeaderExtensionParameters = {
        uri: h.uri,
        id: h.id,
        parameters: paramsToWire(h.parameters),
      };
      if (h.encrypt !== undefined) wh.encrypt = h.encrypt;
      return wh;
    }),
    encodings: (p.encodings ?? []).map((e) => {
      const we: pb.IRtpEncodingParameters = {};
      if (e.ssrc !== undefined) we.ssrc = e.ssrc;
      if (e.rid !== undefined) we.rid = e.rid;
      if (e.codecPayloadType !== undefined) we.codecPayloadType = e.codecPayloadType;
      if (e.rtx !== undefined) we.rtx = { ssrc: e.rtx.ssrc };
      if (e.dtx !== undefined) we.dtx = e.dtx;
      if (e.scalabilityMode !== undefined) we.scalabilityMode = e.scalabilityMode;
      if (e.scaleResolutionDownBy !== undefined) we.scaleResolutionDownBy = e.scaleResolutionDownBy;
      if (e.maxBitrate !== undefined) we.maxBitrate = e.maxBitrate;
      if (e.maxFramerate !== undefined) we.maxFramerate = e.maxFramerate;
      if (e.adaptivePtime !== undefined) we.adaptivePtime = e.adaptivePtime;
      if (e.priority !== undefined) we.priority = e.priority;
      if (e.networkPriority !== undefined) we.networkPriority = e.networkPriority;
      return we;
    }),
  };
  if (p.mid !== undefined) w.mid = p.mid;
  if (p.rtcp !== undefined) {
    const r: pb.IRtcpParameters = {};
    if (p.rtcp.cname !== undefined) r.cname = p.rtcp.cname;
    if (p.rtcp.reducedSize !== undefined) r.reducedSize = p.rtcp.reducedSize;
    if (p.rtcp.mux !== undefined) r.mux = p.rtcp.mux;
    w.rtcp = r;
  }
  return w;
}

export function rtpParametersFromWire(w: pb.IRtpParameters | null | undefined): RtpParameters {
  if (!w) throw new WireValidationError('rtpParameters is required');
  const codecs = list(w.codecs, 'codecs', MAX_CODECS);
  if (codecs.length === 0) throw new WireValidationError('rtpParameters.codecs is empty');
  const out: RtpParameters = {
    codecs: codecs.map((c) => {
      const oc: RtpCodecParameters = {
        mimeType: nonEmpty(c.mimeType ?? '', 'codec.mimeType'),
        payloadType: c.payloadType ?? 0,
        clockRate: c.clockRate ?? 0,
        parameters: paramsFromWire(c.parameters),
        rtcpFeedback: feedbackFromWire(c.rtcpFeedback),
      };
      if (c.channels != null) oc.channels = c.channels;
      return oc;
    }),
    headerExtensions: list(w.headerExtensions, 'headerExtensions', MAX_HEADER_EXTENSIONS).map((h) => {
      const oh: RtpHeaderExtensionParameters = {
        uri: nonEmpty(h.uri ?? '', 'headerExtension.uri'),
        id: h.id ?? 0,
        parameters: paramsFromWire(h.parameters),
      };
      if (h.encrypt != null) oh.encrypt = h.encrypt;
      return oh;
    }),
    encodings: list(w.encodings, 'encodings', MAX_ENCODINGS).map((e) => {
      const oe: RtpEncodingParameters = {};
      if (e.ssrc != null) oe.ssrc = e.ssrc;
      if (e.rid != null) oe.rid = str(e.rid, 'encoding.rid', 32);
      if (e.codecPayloadType != null) oe.codecPayloadType = e.codecPayloadType;
      if (e.rtx != null) oe.rtx = { ssrc: e.rtx.ssrc ?? 0 };
      if (e.dtx != null) oe.dtx = e.dtx;
      if (e.scalabilityMode != null)
        oe.scalabilityMode = str(e.scalabilityMode, 'encoding.scalabilityMode', 16);
      if (e.scaleResolutionDownBy != null) oe.scaleResolutionDownBy = e.scaleResolutionDownBy;
      if (e.maxBitrate != null) oe.maxBitrate = e.maxBitrate;
      if (e.maxFramerate != null) oe.maxFramerate = e.maxFramerate;
      if (e.adaptivePtime != null) oe.adaptivePtime = e.adaptivePtime;
      if (e.priority != null) oe.priority = oneOf(e.priority, PRIORITIES, 'encoding.priority');
      if (e.networkPriority != null) {
        oe.networkPriority = oneOf(e.networkPriority, PRIORITIES, 'encoding.networkPriority');
      }
      return oe;
    }),
  };
  if (w.mid != null) out.mid = str(w.mid, 'mid', 32);
  if (w.rtcp != null) {
    const r: RtcpParameters = {};
    if (w.rtcp.cname != null) r.cname = str(w.rtcp.cname, 'rtcp.cname');
    if (w.rtcp.reducedSize != null) r.reducedSize = w.rtcp.reducedSize;
    if (w.rtcp.mux != null) r.mux = w.rtcp.mux;
    out.rtcp = r;
  }
  return out;
}

// ---- ICE and DTLS -----------------------------------------------------------

export function iceParametersToWire(p: IceParameters): pb.IIceParameters {
  const w: pb.IIceParameters = { usernameFragment: p.usernameFragment, password: p.password };
  if (p.iceLite !== undefined) w.iceLite = p.iceLite;
  return w;
}

export function iceParametersFromWire(w: pb.IIceParameters | null | undefined): IceParameters {
  if (!w) throw new WireValidationError('iceParameters is required');
  const out: IceParameters = { usernameFragment: w.usernameFragment ?? '', password: w.password ?? '' };
  if (w.iceLite != null) out.iceLite = w.iceLite;
  return out;
}

export function iceCandidatesToWire(cands: IceCandidate[]): pb.IIceCandidate[] {
  return cands.map((c) => {
    const w: pb.IIceCandidate = {
      foundation: c.foundation,
      priority: c.priority,
      ip: c.ip ?? c.address,
      protocol: c.protocol,
      port: c.port,
      type: c.type,
    };
    if (c.tcpType !== undefined) w.tcpType = c.tcpType;
    return w;
  });
}

export function iceCandidatesFromWire(ws: pb.IIceCandidate[] | null | undefined): IceCandidate[] {
  return (ws ?? []).map((w) => {
    const c: IceCandidate = {
      foundation: w.foundation ?? '',
      priority: w.priority ?? 0,
      ip: w.ip ?? '',
      address: w.ip ?? '',
      protocol: (w.protocol ?? 'udp') as IceCandidate['protocol'],
      port: w.port ?? 0,
      type: (w.type ?? 'host') as IceCandidate['type'],
    };
    if (w.tcpType != null) c.tcpType = w.tcpType as IceCandidate['tcpType'];
    return c;
  });
}

export function dtlsParametersToWire(p: DtlsParameters): pb.IDtlsParameters {
  const w: pb.IDtlsParameters = {
    fingerprints: p.fingerprints.map((f) => ({ algorithm: f.algorithm, value: f.value })),
  };
  if (p.role !== undefined) w.role = p.role;
  return w;
}

export function dtlsParametersFromWire(w: pb.IDtlsParameters | null | undefined): DtlsParameters {
  if (!w) throw new WireValidationError('dtlsParameters is required');
  const fingerprints = list(w.fingerprints, 'fingerprints', MAX_FINGERPRINTS);
  if (fingerprints.length === 0) throw new WireValidationError('dtlsParameters.fingerprints is empty');
  const out: DtlsParameters = {
    fingerprints: fingerprints.map((f) => ({
      algorithm: nonEmpty(f.algorithm ?? '', 'fingerprint.algorithm'),
      value: nonEmpty(f.value ?? '', 'fingerprint.value'),
    })),
  };
  if (w.role != null) out.role = oneOf(w.role, DTLS_ROLES, 'dtlsParameters.role');
  return out;
}

// ---- enums --------------------------------------------------------------------

export function mediaKindToWire(kind: 'audio' | 'video'): pb.MediaKind {
  return kind === 'audio' ? pb.MediaKind.MEDIA_KIND_AUDIO : pb.MediaKind.MEDIA_KIND_VIDEO;
}

export function mediaKindFromWire(kind: pb.MediaKind | null | undefined): 'audio' | 'video' {
  if (kind === pb.MediaKind.MEDIA_KIND_AUDIO) return 'audio';
  if (kind === pb.MediaKind.MEDIA_KIND_VIDEO) return 'video';
  throw new WireValidationError('kind must be audio or video');
}
