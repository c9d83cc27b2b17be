// A person's «Документы» (#27) through the real server: files uploaded with
// tus to the place "documents", folders, move, rename, delete; the school's
// quota refusing an upload before a byte is stored; nobody else listing,
// changing or downloading someone's documents; sharing into a chat only where
// the person is a member, and the chat's members downloading the same file
// byte for byte (still the owner's after the chat's message is deleted).
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ChatTestServer,
  type TestChatClient,
  type TestPerson,
  cpb,
  startChatServer,
} from '../helpers/chatServer.js';
import { tusUpload } from '../helpers/tusUpload.js';

const QUOTA = 40_000;
let s: ChatTestServer;
let db: pg.Pool;
const teacher = { userId: 'doc-t', displayName: 'Мария Ивановна', role: 'teacher' as const };
const pupil = { userId: 'doc-p', displayName: 'Анна Белова', role: 'student' as const };
const other = { userId: 'doc-o', displayName: 'Олег Петров', role: 'teacher' as const };
const admin = { userId: 'doc-a', displayName: 'Директор', role: 'admin' as const };
let t: TestChatClient;
let p: TestChatClient;
let o: TestChatClient;

const E = cpb.ChatErrorCode;

async function refusal(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
  } catch (err) {
    return (err as { code: number }).code;
  }
  throw new Error('expected a refusal');
}

async function upload(person: TestPerson, name: string, data: Buffer): Promise<string> {
  const token = await s.token(person);
  return (
    await tusUpload(
      s.httpUrl,
      data,
      { place: 'documents', filename: name, filetype: 'application/pdf' },
      token,
    )
  ).fileId;
}

async function download(person: TestPerson, fileId: string): Promise<{ status: number; body: Buffer }> {
  const res = await fetch(`${s.httpUrl}/api/chat/files/${fileId}`, {
    headers: { authorization: `Bearer ${await s.token(person)}` },
  });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
}

describe('documents', () => {
  beforeAll(async () => {
    s = await startChatServer({ DOCUMENTS_QUOTA_BYTES: String(QUOTA) });
    db = new pg.Pool({ connectionString: s.server.config.databaseUrl! });
    t = await s.client(teacher);
    p = await s.client(pupil);
    o = await s.client(other);
  });
  afterAll(async () => {
    for (const c of [t, p, o]) c?.close();
    await db?.end();
    await s?.stop();
  });

  it('files, folders, quota, access and sharing into a chat', async () => {
    const plan = randomBytes(12_000);
    const notes = randomBytes(9_000);
    const planId = await upload(teacher, 'План урока.pdf', plan);
    const notesId = await upload(teacher, 'notes.pdf', notes);
    let list = (await t.request({ addDocuments: { fileIds: [planId, notesId] } })).documents!;
    expect(list.entries!.map((e) => e.name)).toEqual(['notes.pdf', 'План урока.pdf']);
    expect(list.usedBytes).toBe(21_000);
    expect(list.quotaBytes).toBe(QUOTA);
    const planEntry = list.entries!.find((e) => e.fileId === planId)!.entryId!;
    const notesEntry = list.entries!.find((e) => e.fileId === notesId)!.entryId!;

    // A folder, a file moved into it and renamed.
    list = (await t.request({ createDocumentFolder: { name: 'Уроки' } })).documents!;
    const folder = list.entries!.find((e) => e.folder)!.entryId!;
    expect(list.entries!.map((e) => [e.name, e.folder])).toEqual([
      ['Уроки', true],
      ['notes.pdf', false],
      ['План урока.pdf', false],
    ]);
    list = (await t.request({ moveDocument: { entryId: planEntry, folderId: folder } })).documents!;
    expect(list.folderId).toBe(folder);
    expect(list.path!.map((e) => e.name)).toEqual(['Уроки']);
    list = (await t.request({ renameDocument: { entryId: planEntry, name: 'План 5А.pdf' } })).documents!;
    expect(list.entries!.map((e) => e.name)).toEqual(['План 5А.pdf']);
    // A folder does not go into itself.
    expect(await refusal(t.request({ moveDocument: { entryId: folder, folderId: folder } }))).toBe(
      E.CHAT_ERROR_INVALID_ARGUMENT,
    );

    // Deleting a file removes its bytes too (no message holds it).
    list = (await t.request({ deleteDocument: { entryId: notesEntry } })).documents!;
    expect(list.entries!.map((e) => e.name)).toEqual(['Уроки']);
    expect(list.usedBytes).toBe(12_000);
    expect((await download(teacher, notesId)).status).toBe(404);

    // Over the quota: refused when the upload begins, typed, and nothing is stored.
    const uploadsBefore = readdirSync(s.env.CHAT_UPLOAD_DIR!).length;
    const rejectedBefore = await s.rejected('upload_quota_exceeded');
    const tooBig = await upload(teacher, 'big.pdf', randomBytes(QUOTA - 12_000 + 1)).catch(
      (err: { originalResponse?: { getStatus(): number; getBody(): string } }) => err.originalResponse,
    );
    expect(typeof tooBig === 'object' && tooBig?.getStatus()).toBe(413);
    expect(await s.rejected('upload_quota_exceeded')).toBe(rejectedBefore + 1);
    expect(readdirSync(s.env.CHAT_UPLOAD_DIR!).length).toBe(uploadsBefore);
    const { rows } = await db.query("SELECT count(*)::int AS n FROM messaging.file WHERE name = 'big.pdf'");
    expect(rows[0].n).toBe(0);

    // Nobody else lists, changes, shares or downloads the teacher's documents.
    expect(await refusal(o.request({ listDocuments: { folderId: folder } }))).toBe(
      E.CHAT_ERROR_FILE_NOT_FOUND,
    );
    expect((await o.request({ listDocuments: {} })).documents!.entries).toEqual([]);
    for (const req of [
      { renameDocument: { entryId: planEntry, name: 'моё' } },
      { moveDocument: { entryId: planEntry } },
      { deleteDocument: { entryId: planEntry } },
      { shareDocument: { entryId: planEntry, chatId: 'x' } },
    ]) {
      expect(await refusal(o.request(req))).toBe(E.CHAT_ERROR_FILE_NOT_FOUND);
    }
    expect((await download(other, planId)).status).toBe(404);
    // Nor files someone else's upload into their own documents.
    expect(await refusal(o.request({ addDocuments: { fileIds: [planId] } }))).toBe(
      E.CHAT_ERROR_FILE_NOT_FOUND,
    );

    // Sharing: refused into a chat the teacher is not in, and then sent into her class chat.
    const othersChat = (await o.request({ createChat: { title: 'Учительская', members: [] } })).chat!.chatId!;
    expect(await refusal(t.request({ shareDocument: { entryId: planEntry, chatId: othersChat } }))).toBe(
      E.CHAT_ERROR_NOT_A_MEMBER,
    );
    const classChat = (await t.request({ createChat: { title: '5А класс', members: [pupil.userId] } })).chat!
      .chatId!;
    const sent = (await t.request({ shareDocument: { entryId: planEntry, chatId: classChat, text: 'План' } }))
      .message!;
    // Sent under the document's name (renamed after upload), not the upload's.
    expect(sent.attachments!.map((a) => [a.fileId, a.name])).toEqual([[planId, 'План 5А.pdf']]);
    const seen = await p.waitForMessage((m) => m.seq === sent.seq && m.chatId === classChat);
    expect(seen.attachments![0]!.name).toBe('План 5А.pdf');
    // The message is a copy as sent: renaming the document later leaves the chat's name.
    await t.request({ renameDocument: { entryId: planEntry, name: 'План 5Б.pdf' } });
    const history = await p.request({ getHistory: { chatId: classChat, limit: 10 } });
    const kept = history.page!.messages!.find((m) => m.seq === sent.seq)!;
    expect(kept.attachments![0]!.name).toBe('План 5А.pdf');
    const got = await download(pupil, seen.attachments![0]!.fileId!);
    expect(got.status).toBe(200);
    expect(got.body.equals(plan)).toBe(true);
    // Someone outside the chat still cannot.
    expect((await download(other, planId)).status).toBe(404);

    // The chat's message deleted for everyone: the document stays the teacher's, bytes and all.
    await t.request({ deleteMessage: { chatId: classChat, seq: sent.seq } });
    expect((await download(pupil, planId)).status).toBe(404);
    const mine = await download(teacher, planId);
    expect(mine.status).toBe(200);
    expect(mine.body.equals(plan)).toBe(true);

    // The school's administrator sets the quota; a teacher may not.
    expect(await refusal(t.request({ setDocumentsQuota: { quotaBytes: 1e9 } }))).toBe(E.CHAT_ERROR_FORBIDDEN);
    const a = await s.client(admin);
    expect((await a.request({ getDocumentsQuota: {} })).documentsQuota!.quotaBytes).toBe(QUOTA);
    await a.request({ setDocumentsQuota: { quotaBytes: 100_000 } });
    a.close();
    expect((await t.request({ listDocuments: {} })).documents!.quotaBytes).toBe(100_000);
    const bigId = await upload(teacher, 'big.pdf', randomBytes(QUOTA));
    list = (await t.request({ addDocuments: { fileIds: [bigId], folderId: folder } })).documents!;
    expect(list.usedBytes).toBe(12_000 + QUOTA);
  });
});
