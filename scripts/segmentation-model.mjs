// The person-segmentation model for the virtual background, made ready for
// MediaPipe Tasks at build time.
//
// The model is MediaPipe's selfie segmentation (landscape, 256x144), shipped
// inside the npm package @mediapipe/selfie_segmentation. That package's own
// runtime runs it only on WebGL on the page's thread; MediaPipe Tasks
// (@mediapipe/tasks-vision) runs it on the CPU (XNNPACK, SIMD) in a worker,
// but refuses a float model that does not say how to scale its input. This
// file adds the standard TFLite metadata that says so (RGB, values / 255,
// which is what the legacy graph feeds it) without touching a byte of the
// model itself: a new root table is written in front of the original
// flatbuffer and points into it.
import * as flatbuffers from 'flatbuffers';

// tflite::Model field ids (tensorflow/lite/schema/schema.fbs).
const MODEL_FIELDS = 8; // version, operator_codes, subgraphs, description, buffers, metadata_buffer, metadata, signature_defs
const F_VERSION = 0;
const F_BUFFERS = 4;
const F_METADATA = 6;
const METADATA_NAME = 'TFLITE_METADATA';

/** The metadata flatbuffer (metadata_schema.fbs, identifier M001) for one RGB image input. */
export function imageInputMetadata({ name, description, author, license, width, height, mean, std }) {
  const b = new flatbuffers.Builder(512);
  const floats = (values) => {
    b.startVector(4, values.length, 4);
    for (let i = values.length - 1; i >= 0; i--) b.addFloat32(values[i]);
    return b.endVector();
  };
  const offsets = (values) => {
    b.startVector(4, values.length, 4);
    for (let i = values.length - 1; i >= 0; i--) b.addOffset(values[i]);
    return b.endVector();
  };
  const meanV = floats(mean);
  const stdV = floats(std);
  b.startObject(2); // NormalizationOptions
  b.addFieldOffset(0, meanV, 0);
  b.addFieldOffset(1, stdV, 0);
  const normalization = b.endObject();
  b.startObject(2); // ProcessUnit { options: NormalizationOptions (union tag 1) }
  b.addFieldInt8(0, 1, 0);
  b.addFieldOffset(1, normalization, 0);
  const processUnit = b.endObject();
  const processUnits = offsets([processUnit]);
  b.startObject(2); // ImageSize
  b.addFieldInt32(0, width, 0);
  b.addFieldInt32(1, height, 0);
  const size = b.endObject();
  b.startObject(2); // ImageProperties { color_space: RGB }
  b.addFieldInt8(0, 1, 0);
  b.addFieldOffset(1, size, 0);
  const imageProperties = b.endObject();
  b.startObject(3); // Content { content_properties: ImageProperties (union tag 2) }
  b.addFieldInt8(0, 2, 0);
  b.addFieldOffset(1, imageProperties, 0);
  const content = b.endObject();
  const inputName = b.createString('image');
  b.startObject(7); // TensorMetadata
  b.addFieldOffset(0, inputName, 0);
  b.addFieldOffset(3, content, 0);
  b.addFieldOffset(4, processUnits, 0);
  const input = b.endObject();
  const outputName = b.createString('segmentation');
  b.startObject(7);
  b.addFieldOffset(0, outputName, 0);
  const output = b.endObject();
  const inputs = offsets([input]);
  const outputs = offsets([output]);
  b.startObject(10); // SubGraphMetadata
  b.addFieldOffset(2, inputs, 0);
  b.addFieldOffset(3, outputs, 0);
  const subgraph = b.endObject();
  const subgraphs = offsets([subgraph]);
  const strings = [name, description, author, license, '1.0.0'].map((s) => b.createString(s));
  b.startObject(8); // ModelMetadata
  b.addFieldOffset(0, strings[0], 0);
  b.addFieldOffset(1, strings[1], 0);
  b.addFieldOffset(3, subgraphs, 0);
  b.addFieldOffset(4, strings[2], 0);
  b.addFieldOffset(5, strings[3], 0);
  b.addFieldOffset(7, strings[4], 0);
  b.finish(b.endObject(), 'M001');
  return b.asUint8Array();
}

/** A little-endian writer that lays out the new root in front of the old model. */
class Header {
  constructor(size) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
    this.at = 0;
  }
  align(n) {
    this.at = Math.ceil(this.at / n) * n;
  }
  u16(v) {
    this.view.setUint16(this.at, v, true);
    this.at += 2;
  }
  u32(v) {
    this.view.setUint32(this.at, v, true);
    this.at += 4;
  }
  i32(v) {
    this.view.setInt32(this.at, v, true);
    this.at += 4;
  }
}

/**
 * The model with `metadata` attached under TFLITE_METADATA. The original
 * bytes follow the new header unchanged; every offset in the header points
 * forward into them, and the header's length is a multiple of 16, so the
 * weights keep their 16-byte alignment.
 */
export function withMetadata(model, metadata) {
  const old = new DataView(model.buffer, model.byteOffset, model.byteLength);
  const oldRoot = old.getUint32(0, true);
  const identifier = String.fromCharCode(...model.subarray(4, 8));
  if (identifier !== 'TFL3') throw new Error(`not a TFLite model (identifier "${identifier}")`);
  const oldVtable = oldRoot - old.getInt32(oldRoot, true);
  const oldFieldCount = (old.getUint16(oldVtable, true) - 4) / 2;
  /** Where field i's offset slot is in the old file, or 0. */
  const slot = (i) => (i < oldFieldCount ? old.getUint16(oldVtable + 4 + 2 * i, true) : 0);
  const slotAt = (i) => (slot(i) ? oldRoot + slot(i) : 0);
  /** The absolute old position an offset field points to. */
  const target = (pos) => pos + old.getUint32(pos, true);
  const vectorTargets = (field) => {
    const at = slotAt(field);
    if (!at) return [];
    const vec = target(at);
    const n = old.getUint32(vec, true);
    return Array.from({ length: n }, (_, k) => target(vec + 4 + 4 * k));
  };
  const oldBuffers = vectorTargets(F_BUFFERS);
  const oldMetadata = vectorTargets(F_METADATA);
  if (!oldBuffers.length) throw new Error('model has no buffers vector');
  for (const m of oldMetadata) {
    const name = target(m + old.getUint16(m - old.getInt32(m, true) + 4, true));
    const text = new TextDecoder().decode(model.subarray(name + 4, name + 4 + old.getUint32(name, true)));
    if (text === METADATA_NAME) throw new Error('model already has TFLite metadata');
  }

  const name = new TextEncoder().encode(METADATA_NAME);
  const estimate =
    64 +
    8 * MODEL_FIELDS +
    4 * (oldMetadata.length + oldBuffers.length + 2) +
    64 +
    name.length +
    metadata.length +
    64;
  const size = Math.ceil(estimate / 16) * 16;
  const h = new Header(size);
  /** Writes an offset at the current position to an absolute position in the new file. */
  const ref = (absolute) => h.u32(absolute - h.at);
  const inOld = (oldPos) => size + oldPos;

  // [root][TFL3][vtable][Model]
  const rootSlot = h.at;
  h.u32(0);
  h.bytes.set(model.subarray(4, 8), h.at);
  h.at += 4;
  const vtable = h.at;
  const tableSize = 4 + 4 * MODEL_FIELDS;
  h.u16(4 + 2 * MODEL_FIELDS);
  h.u16(tableSize);
  for (let i = 0; i < MODEL_FIELDS; i++) h.u16(0); // filled below
  h.align(4);
  const table = h.at;
  h.view.setUint32(rootSlot, table, true);
  h.i32(table - vtable);
  const fieldPos = (i) => table + 4 + 4 * i;
  const present = (i) => h.view.setUint16(vtable + 4 + 2 * i, 4 + 4 * i, true);
  h.at = table + tableSize;
  // Scalars and untouched vectors are copied or pointed at.
  for (let i = 0; i < MODEL_FIELDS; i++) {
    if (i === F_BUFFERS || i === F_METADATA) continue;
    const at = slotAt(i);
    if (!at) continue;
    present(i);
    if (i === F_VERSION) h.view.setUint32(fieldPos(i), old.getUint32(at, true), true);
    else h.view.setUint32(fieldPos(i), inOld(target(at)) - fieldPos(i), true);
  }
  const newBufferIndex = oldBuffers.length;

  // metadata: [old entries..., { name: TFLITE_METADATA, buffer: newBufferIndex }]
  h.align(4);
  const metadataVector = h.at;
  present(F_METADATA);
  h.view.setUint32(fieldPos(F_METADATA), metadataVector - fieldPos(F_METADATA), true);
  h.u32(oldMetadata.length + 1);
  const ourEntry = h.at + 4 * oldMetadata.length;
  for (const m of oldMetadata) ref(inOld(m));
  h.u32(0); // ourEntry, filled below
  const metaVtable = h.at;
  h.u16(8);
  h.u16(12);
  h.u16(4);
  h.u16(8);
  const metaTable = h.at;
  h.view.setUint32(ourEntry, metaTable - ourEntry, true);
  h.i32(metaTable - metaVtable);
  const nameSlot = h.at;
  h.u32(0);
  h.u32(newBufferIndex);
  h.view.setUint32(nameSlot, h.at - nameSlot, true);
  h.u32(name.length);
  h.bytes.set(name, h.at);
  h.at += name.length + 1; // NUL terminated

  // buffers: [old buffers..., { data: metadata }]
  h.align(4);
  const buffersVector = h.at;
  present(F_BUFFERS);
  h.view.setUint32(fieldPos(F_BUFFERS), buffersVector - fieldPos(F_BUFFERS), true);
  h.u32(oldBuffers.length + 1);
  for (const buf of oldBuffers) ref(inOld(buf));
  const lastEntry = h.at;
  h.u32(0);
  const bufVtable = h.at;
  h.u16(6);
  h.u16(8);
  h.u16(4);
  h.align(4);
  const bufTable = h.at;
  h.view.setUint32(lastEntry, bufTable - lastEntry, true);
  h.i32(bufTable - bufVtable);
  const dataSlot = h.at;
  h.u32(0);
  // The data's first byte on a 16-byte boundary (force_align: 16), its length just before.
  h.at = Math.ceil((h.at + 4) / 16) * 16 - 4;
  h.view.setUint32(dataSlot, h.at - dataSlot, true);
  h.u32(metadata.length);
  h.bytes.set(metadata, h.at);
  h.at += metadata.length;
  if (h.at > size) throw new Error('metadata header overflow');

  const out = new Uint8Array(size + model.length);
  out.set(h.bytes, 0);
  out.set(model, size);
  return out;
}
