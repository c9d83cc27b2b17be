// Where a fragmented-MP4 segment starts on its tracks' timelines: the
// track timescales from the init segment (moov/trak/mdia/mdhd), each
// fragment's baseMediaDecodeTime (moof/traf/tfdt). The live subtitle track
// ties its cue times to the video with this (X-TIMESTAMP-MAP), and a player
// (hls.js) takes the same earliest track start as the stream's zero.
// Only the few boxes needed are read; anything malformed gives null.

interface Box {
  type: string;
  /** The box's payload (after its header). */
  body: Buffer;
}

function* boxes(buf: Buffer): Generator<Box> {
  let at = 0;
  while (at + 8 <= buf.length) {
    let size = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    let header = 8;
    if (size === 1) {
      if (at + 16 > buf.length) return;
      size = Number(buf.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) {
      size = buf.length - at;
    }
    if (size < header || at + size > buf.length) return;
    yield { type, body: buf.subarray(at + header, at + size) };
    at += size;
  }
}

function child(buf: Buffer, type: string): Buffer | null {
  for (const b of boxes(buf)) if (b.type === type) return b.body;
  return null;
}

/** Track id -> timescale, from an init segment. */
export function trackTimescales(init: Buffer): Map<number, number> {
  const out = new Map<number, number>();
  const moov = child(init, 'moov');
  if (!moov) return out;
  for (const trak of boxes(moov)) {
    if (trak.type !== 'trak') continue;
    const tkhd = child(trak.body, 'tkhd');
    const mdhd = child(child(trak.body, 'mdia') ?? Buffer.alloc(0), 'mdhd');
    if (!tkhd || !mdhd) continue;
    const v1 = tkhd[0] === 1;
    const idAt = v1 ? 20 : 12;
    const scaleAt = mdhd[0] === 1 ? 20 : 12;
    if (tkhd.length < idAt + 4 || mdhd.length < scaleAt + 4) continue;
    out.set(tkhd.readUInt32BE(idAt), mdhd.readUInt32BE(scaleAt));
  }
  return out;
}

/** The earliest track start of a media segment, in 90 kHz units; null if it cannot be read. */
export function segmentStart90k(timescales: Map<number, number>, segment: Buffer): number | null {
  const moof = child(segment, 'moof');
  if (!moof) return null;
  let earliest: number | null = null;
  for (const traf of boxes(moof)) {
    if (traf.type !== 'traf') continue;
    const tfhd = child(traf.body, 'tfhd');
    const tfdt = child(traf.body, 'tfdt');
    if (!tfhd || !tfdt || tfhd.length < 8) continue;
    const scale = timescales.get(tfhd.readUInt32BE(4));
    if (!scale) continue;
    const v1 = tfdt[0] === 1;
    if (tfdt.length < (v1 ? 12 : 8)) continue;
    const base = v1 ? Number(tfdt.readBigUInt64BE(4)) : tfdt.readUInt32BE(4);
    const at90k = Math.round((base * 90000) / scale);
    if (earliest === null || at90k < earliest) earliest = at90k;
  }
  return earliest;
}

/** The RFC 6381 name of an init segment's H.264 video ("avc1.4d401f"), or null. */
export function avcCodec(init: Buffer): string | null {
  const moov = child(init, 'moov');
  if (!moov) return null;
  for (const trak of boxes(moov)) {
    if (trak.type !== 'trak') continue;
    let box: Buffer | null = trak.body;
    for (const type of ['mdia', 'minf', 'stbl', 'stsd']) box = box && child(box, type);
    // stsd: version/flags and entry count, then the sample entries.
    if (!box || box.length < 8) continue;
    for (const entry of boxes(box.subarray(8))) {
      if (entry.type !== 'avc1' && entry.type !== 'avc3') continue;
      // A visual sample entry has 78 bytes of fixed fields before its child boxes.
      const avcC = entry.body.length > 78 ? child(entry.body.subarray(78), 'avcC') : null;
      if (!avcC || avcC.length < 4) return null;
      return `${entry.type}.${avcC.subarray(1, 4).toString('hex')}`;
    }
  }
  return null;
}
