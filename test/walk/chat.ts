// Messages for the operator walk (scripts/walk-nspawn.sh, docs/operators-walk.md):
// `write` makes a chat between a teacher and a pupil (users minted through
// the admin API) and sends N messages; `read` reads the chat's whole history
// back as the pupil and prints what it finds, so a restored or upgraded
// server can be checked for them. Not a test: exit status 1 when a message
// written is missing.
//
//   npx tsx test/walk/chat.ts write http://127.0.0.1:47080 ADMIN_SECRET 20   (prints the chat id)
//   npx tsx test/walk/chat.ts read  http://127.0.0.1:47080 ADMIN_SECRET CHAT_ID 20
import { connectChat } from '../helpers/installedChat.js';

const [mode, base, secret, arg1, arg2] = process.argv.slice(2);
if (!base || !secret || (mode !== 'write' && mode !== 'read')) {
  throw new Error('usage: chat.ts write BASE SECRET N | read BASE SECRET CHAT_ID N');
}
const teacherPerson = { userId: 'walk-teacher', displayName: 'Учитель' };
const pupilPerson = { userId: 'walk-pupil', displayName: 'Ученица', role: 'student' as const };

if (mode === 'write') {
  const count = Number(arg1 ?? 20);
  const teacher = await connectChat(base, secret, teacherPerson);
  const pupil = await connectChat(base, secret, pupilPerson);
  const chatId = (
    await teacher.client.request({ createChat: { title: '5 «Б»', members: [pupilPerson.userId] } })
  ).chat!.chatId!;
  for (let i = 1; i <= count; i++) {
    const m = await teacher.client.send(chatId, `сообщение ${i} из ${count}`);
    if (i === 1 || i === count) console.log(`acknowledged: seq ${m.seq} «${m.text}»`);
  }
  teacher.client.close();
  pupil.client.close();
  console.log(chatId);
} else {
  const chatId = arg1!;
  const count = Number(arg2 ?? 20);
  const pupil = await connectChat(base, secret, pupilPerson);
  const texts = new Set<string>();
  for (let from = 1; ; ) {
    const page = await pupil.client.request({ getHistory: { chatId, fromSeq: from, limit: 100 } });
    const got = page.page?.messages ?? [];
    for (const m of got) if (m.text) texts.add(m.text);
    if (got.length < 100) break;
    from = got[got.length - 1]!.seq! + 1;
  }
  pupil.client.close();
  const missing = [];
  for (let i = 1; i <= count; i++) if (!texts.has(`сообщение ${i} из ${count}`)) missing.push(i);
  console.log(
    `chat ${chatId}: ${texts.size} messages read, ${count - missing.length} of the ${count} written present`,
  );
  if (missing.length) {
    console.log(`missing: ${missing.join(', ')}`);
    process.exit(1);
  }
}
