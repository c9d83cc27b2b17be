// The text rule at every edge (attack report 6, item 1): every string field
// of every request of both sockets, found by reading the .proto files (not a
// hand-made list), is refused with the socket's typed INVALID_ARGUMENT when
// it holds a NUL, another C0 control or a lone surrogate, and passes with
// ordinary text (tabs and newlines included); JSON bodies the same.
// Report 7 item 3: fields holding a name or a title (file names, titles,
// display names) refuse DEL, C1 controls, bidi controls and noncharacters
// too (`a\u202Egpj.exe` showed as «aexe.jpg»).
// Report 8: no field at all (message texts, poll questions and options,
// comments) holds an explicit embedding, override or isolate; message texts
// keep the plain marks and right-to-left letters.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { badTextIn } from '../../common/protocol/textRule.js';
import { ChatErrorCode } from '../../messaging/errors.js';
import { decodeChatFrame } from '../../messaging/wire.js';
import { ErrorCode } from '../../signaling/errors.js';
import { HttpError, parseJsonObject } from '../../signaling/http/httpUtil.js';
import { decodeClientFrame } from '../../signaling/wire/frames.js';

const PROTO_DIR = fileURLToPath(new URL('../../signaling/proto/', import.meta.url));
const root = protobuf.loadSync(
  readdirSync(PROTO_DIR)
    .filter((f) => f.endsWith('.proto'))
    .map((f) => join(PROTO_DIR, f)),
);
root.resolveAll();

/** Every path to a string field under `type`, with an object that sets it to `text`. */
function stringPaths(
  type: protobuf.Type,
  depth = 0,
  seen: string[] = [],
): { path: string; set: (t: string) => object }[] {
  if (depth > 3 || seen.includes(type.fullName)) return [];
  const out: { path: string; set: (t: string) => object }[] = [];
  for (const field of type.fieldsArray) {
    const wrap = (v: unknown) => ({ [field.name]: field.repeated ? [v] : v });
    if (field.map) continue;
    if (field.type === 'string') out.push({ path: field.name, set: (t) => wrap(t) });
    else if (field.resolvedType instanceof protobuf.Type) {
      for (const inner of stringPaths(field.resolvedType, depth + 1, [...seen, type.fullName])) {
        out.push({ path: `${field.name}.${inner.path}`, set: (t) => wrap(inner.set(t)) });
      }
    }
  }
  return out;
}

function cases(messageName: string) {
  const message = root.lookupType(messageName);
  const oneof = message.oneofs.request!;
  return oneof.fieldsArray.flatMap((f) =>
    stringPaths(f.resolvedType as protobuf.Type).map((p) => ({
      request: f.name,
      path: p.path,
      bytes: (text: string) =>
        message.encode(message.fromObject({ requestId: 7, [f.name]: p.set(text) })).finish(),
    })),
  );
}

/** The embeddings, overrides and isolates: U+202A–U+202E, U+2066–U+2069. */
const DIRECTION_CONTROLS = [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069].map(
  (c) => `a${String.fromCharCode(c)}b`,
);
const BAD_TEXTS = ['a\u0000b', 'a\u0007b', 'a\u001bb', 'a\ud800b', 'a\udc00b', ...DIRECTION_CONTROLS];
/** protobufjs writes a lone surrogate as U+FFFD; a client of its own may still send its three bytes (CESU), which protobufjs reads back as one. */
const SOCKET_TEXTS = BAD_TEXTS.filter((t) => !/[\ud800-\udfff]/.test(t));
function withLoneSurrogate(bytes: Uint8Array): Uint8Array {
  const out = Uint8Array.from(bytes);
  for (let i = 0; i + 2 < out.length; i++) {
    if (out[i] === 0x58 && out[i + 1] === 0x58 && out[i + 2] === 0x58) out.set([0xed, 0xa0, 0x80], i);
  }
  return out;
}
const GOOD_TEXTS = [
  'Мама Коли',
  'строка\tс табуляцией\nи переводом\r\n',
  'эмодзи 😀 и ё',
  'שלום עולם',
  'مرحبا',
];

describe('the text rule on the call socket', () => {
  const all = cases('schoolcall.v1.ClientMessage');
  it('finds the string fields of the requests', () => {
    expect(all.length).toBeGreaterThan(40);
    expect(all.map((c) => `${c.request}.${c.path}`)).toContain('join.token');
  });
  it('refuses each bad text in every string field, as INVALID_ARGUMENT under the request id', () => {
    for (const c of all) {
      for (const bytes of [...SOCKET_TEXTS.map((t) => c.bytes(t)), withLoneSurrogate(c.bytes('aXXXb'))]) {
        const r = decodeClientFrame(bytes, true, 1 << 20);
        expect(r.ok, `${c.request}.${c.path} ${bytes.join(',')}`).toBe(false);
        if (!r.ok) {
          expect(r.error.code).toBe(ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
          expect(r.requestId).toBe(7);
          // The refusal names the field (the repeated field's index too).
          expect(r.error.message.replace(/\.0(?=[.:])/g, '')).toContain(`${c.request}.${c.path}:`);
        }
      }
      for (const good of GOOD_TEXTS) expect(decodeClientFrame(c.bytes(good), true, 1 << 20).ok).toBe(true);
    }
  });
});

describe('the text rule on the messenger socket', () => {
  const all = cases('schoolcall.chat.v1.ChatClientMessage');
  it('finds the string fields of the requests', () => {
    expect(all.length).toBeGreaterThan(100);
    expect(all.map((c) => `${c.request}.${c.path}`)).toContain('sendMessage.text');
  });
  it('refuses each bad text in every string field, as INVALID_ARGUMENT under the request id', () => {
    for (const c of all) {
      for (const bytes of [...SOCKET_TEXTS.map((t) => c.bytes(t)), withLoneSurrogate(c.bytes('aXXXb'))]) {
        const r = decodeChatFrame(bytes, true, 1 << 20);
        expect(r.ok, `${c.request}.${c.path} ${bytes.join(',')}`).toBe(false);
        if (!r.ok) {
          expect(r.error.code).toBe(ChatErrorCode.CHAT_ERROR_INVALID_ARGUMENT);
          expect(r.requestId).toBe(7);
        }
      }
      for (const good of GOOD_TEXTS) expect(decodeChatFrame(c.bytes(good), true, 1 << 20).ok).toBe(true);
    }
  });
});

describe('the text rule on JSON bodies', () => {
  const body = (o: unknown) => Buffer.from(JSON.stringify(o));
  it('refuses a bad text anywhere in a body, keys too, with 400 naming where', () => {
    for (const bad of BAD_TEXTS) {
      for (const o of [{ name: bad }, { list: ['ok', { deep: bad }] }, { [bad]: 1 }]) {
        let err: unknown;
        try {
          parseJsonObject(body(o));
        } catch (e) {
          err = e;
        }
        expect(err, JSON.stringify(o)).toBeInstanceOf(HttpError);
        expect((err as HttpError).status).toBe(400);
      }
    }
    // JSON's own escape of a lone surrogate is refused as well.
    expect(() => parseJsonObject(Buffer.from('{"text":"a\\ud800b"}'))).toThrow(HttpError);
    expect(badTextIn({ list: ['ok', { deep: 'a\u0000' }] })).toBe('list.1.deep');
  });
  it('keeps ordinary text', () => {
    for (const good of GOOD_TEXTS)
      expect(parseJsonObject(body({ name: good, n: 3 }))).toEqual({ name: good, n: 3 });
  });
});

describe('the name rule: names and titles without DEL, C1, bidi controls or noncharacters', () => {
  const NAME_TEXTS = [
    'a\u007fb',
    'a\u0085b',
    'a\u009bb',
    'a\u202egpj.exe',
    'a\u2066b\u2069',
    'a\u200fb',
    'a\ufffeb',
  ];
  const isName = (path: string) => /(?:name|title)s?$/i.test(path.split('.').at(-1)!);
  const sockets = [
    { message: 'schoolcall.v1.ClientMessage', decode: decodeClientFrame },
    { message: 'schoolcall.chat.v1.ChatClientMessage', decode: decodeChatFrame },
  ];
  it('refuses each in every name and title field of both sockets, found in the .proto files', () => {
    const names = sockets.flatMap(({ message, decode }) =>
      cases(message)
        .filter((c) => isName(c.path))
        .map((c) => ({ ...c, decode })),
    );
    expect(names.map((c) => `${c.request}.${c.path}`)).toEqual(
      expect.arrayContaining(['createChat.title', 'createCollection.title', 'setFolders.folders.name']),
    );
    for (const c of names) {
      for (const bad of NAME_TEXTS)
        expect(
          c.decode(c.bytes(bad), true, 1 << 20).ok,
          `${c.request}.${c.path} ${JSON.stringify(bad)}`,
        ).toBe(false);
      expect(c.decode(c.bytes('Кружок «Юный химик» 5А'), true, 1 << 20).ok).toBe(true);
    }
  });
  it('leaves the plain marks and right-to-left letters to message texts, not the embeddings and overrides', () => {
    const fields = cases('schoolcall.chat.v1.ChatClientMessage').filter((c) =>
      [
        'sendMessage.text',
        'sendMessage.poll.question',
        'sendMessage.poll.options',
        'editMessage.text',
      ].includes(`${c.request}.${c.path}`),
    );
    expect(fields).toHaveLength(4);
    for (const c of fields) {
      for (const t of ['שלום\u200f', 'a\u200eb\u061c', 'مرحبا', 'a\tb'])
        expect(decodeChatFrame(c.bytes(t), true, 1 << 20).ok, `${c.request}.${c.path} ${t}`).toBe(true);
      for (const t of ['a\u202eb', 'a\u2067b\u2069', 'a\u202ab\u202c'])
        expect(decodeChatFrame(c.bytes(t), true, 1 << 20).ok, `${c.request}.${c.path} ${t}`).toBe(false);
    }
    // The in-call chat's lines too.
    const line = cases('schoolcall.v1.ClientMessage').find(
      (c) => c.request === 'chatSend' && c.path === 'text',
    )!;
    expect(decodeClientFrame(line.bytes('a\u202eb'), true, 1 << 20).ok).toBe(false);
    expect(decodeClientFrame(line.bytes('שלום\u200f'), true, 1 << 20).ok).toBe(true);
  });
  it('holds in JSON bodies and upload metadata (any key ending in name or title)', () => {
    expect(badTextIn({ filename: 'a\u202egpj.exe', filetype: 'text/plain' })).toBe('filename');
    expect(badTextIn({ people: [{ displayName: 'Иван\u0085' }] })).toBe('people.0.displayName');
    expect(badTextIn({ title: 'Урок\u007f' })).toBe('title');
    expect(badTextIn({ text: 'a\u200fb', filename: 'задание (1).pdf', title: 'Урок 5А' })).toBeNull();
    expect(badTextIn({ name: 'Мама Коли', text: 'Браво\u202e' })).toBe('text');
    expect(() => parseJsonObject(Buffer.from(JSON.stringify({ name: 'a\u202eb' })))).toThrow(HttpError);
  });
});
