// How chat messages read in a list: times in the interface's language,
// system notes worded here (the server sends what happened, not words),
// and a one-line preview. Shared by the messenger and the call's chat.
import { schoolcall } from '../../../common/protocol/generated/protocol.js';
import { type Key, lang, t } from '../i18n/index.js';

import cpb = schoolcall.chat.v1;

export { cpb };

export type Msg = cpb.IChatMessage;

export function time(ms: number | null | undefined): string {
  const locale = lang.value === 'ru' ? 'ru-RU' : 'en-GB';
  return ms ? new Date(ms).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' }) : '';
}

/** A day and a time: "7 декабря, 18:00" / "7 December, 18:00". */
export function dayTime(ms: number | null | undefined): string {
  const locale = lang.value === 'ru' ? 'ru-RU' : 'en-GB';
  return new Date(ms ?? 0).toLocaleString(locale, {
    day: 'numeric',
    month: 'long',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** A moment as a datetime-local input holds it (this device's time zone): "2026-12-07T18:00". */
export function localInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function systemText(m: Msg): string {
  const s = m.system;
  const who = s?.actorName ?? '';
  switch (s?.type) {
    case cpb.SystemNoteType.SYSTEM_NOTE_TYPE_CREATED:
      return t('chat.sys.created', { who, title: s.title ?? '' });
    case cpb.SystemNoteType.SYSTEM_NOTE_TYPE_ADDED:
      return t('chat.sys.added', { who, names: (s.userNames ?? []).join(', ') });
    case cpb.SystemNoteType.SYSTEM_NOTE_TYPE_REMOVED:
      return t('chat.sys.removed', { who, names: (s.userNames ?? []).join(', ') });
    case cpb.SystemNoteType.SYSTEM_NOTE_TYPE_JOINED:
      return t('chat.sys.joined', { who });
    case cpb.SystemNoteType.SYSTEM_NOTE_TYPE_LEFT:
      return t('chat.sys.left', { who });
    case cpb.SystemNoteType.SYSTEM_NOTE_TYPE_RENAMED:
      return t('chat.sys.renamed', { who, title: s.title ?? '' });
    case cpb.SystemNoteType.SYSTEM_NOTE_TYPE_RETENTION:
      return s.days
        ? t('chat.sys.retentionOn', { who, period: t(`autoDel.after${s.days}` as Key) })
        : t('chat.sys.retentionOff', { who });
    default:
      return '';
  }
}

/** A voice message in a list: what it is, and its text when there is one. */
export function voicePreview(m: Msg): string {
  const what =
    m.voice === cpb.VoiceKind.VOICE_KIND_ROUND_VIDEO ? t('school.videoMessage') : t('school.voiceMessage');
  return m.transcript ? `${what}: ${m.transcript}` : what;
}

export function preview(m: Msg | null | undefined): string {
  if (!m) return '';
  if (m.deleted) return t('chat.deleted');
  if (m.kind === cpb.MessageKind.MESSAGE_KIND_SYSTEM) return systemText(m);
  if (m.poll) return m.poll.question ?? '';
  if (m.voice) return voicePreview(m);
  return m.text || (m.attachments?.[0]?.name ?? '');
}
