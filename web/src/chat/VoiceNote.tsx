// A voice message or round video in a message: played inline, with the
// text the transcriber made of it below (or that it is still being made).
// Without a text (no model on this server, or nothing was recognised)
// nothing is said about it.
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import type { ThreadActions } from './actions.js';
import { type Msg, cpb } from './format.js';

export function VoiceNote({ m, actions }: { m: Msg; actions: ThreadActions }) {
  const [url, setUrl] = useState('');
  const file = m.attachments?.[0];
  // The file's signed link is asked once per message.
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed by the recording
  useEffect(() => {
    if (!file?.fileId) return;
    void actions.fileUrl(m, file.fileId, false).then(setUrl);
  }, [file?.fileId]);
  const video = m.voice === cpb.VoiceKind.VOICE_KIND_ROUND_VIDEO;
  return (
    <div
      class={`voice-note${video ? ' round' : ''}`}
      data-transcript={m.transcriptPending ? 'pending' : 'done'}
    >
      {url &&
        (video ? (
          // biome-ignore lint/a11y/useMediaCaption: the message's text is shown right below
          <video src={url} controls playsInline class="round-video" />
        ) : (
          // biome-ignore lint/a11y/useMediaCaption: the message's text is shown right below
          <audio src={url} controls />
        ))}
      {m.transcriptPending || m.transcript ? (
        <p class="voice-text">{m.transcriptPending ? t('school.transcribing') : m.transcript}</p>
      ) : null}
    </div>
  );
}
