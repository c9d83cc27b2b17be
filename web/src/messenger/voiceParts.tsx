// Voice and round video messages in the messenger: recorded with
// MediaRecorder (Opus in WebM), uploaded through tus, sent as a voice
// message, and played inline with the text the transcriber made of them.
import { useEffect, useRef, useState } from 'preact/hooks';
import { Upload } from 'tus-js-client';
import { currentChatToken } from '../account/sessionTokens.js';
import { t } from '../i18n/index.js';
import { Mic, Video } from '../ui/icons.js';
import { type MessengerStore, type Msg, cpb } from './messengerStore.js';

/** A voice or round video message: played inline, its text below when there is one. */
export function VoiceNote({ store, m }: { store: MessengerStore; m: Msg }) {
  const [url, setUrl] = useState('');
  const file = m.attachments?.[0];
  // The file's signed link is asked once per message.
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed by the recording
  useEffect(() => {
    if (!file?.fileId) return;
    void store.chat
      .request({ getFileUrl: { chatId: m.chatId, fileId: file.fileId } })
      .then((r) => setUrl(r.fileUrl?.url ?? ''));
  }, [file?.fileId]);
  const video = m.voice === cpb.VoiceKind.VOICE_KIND_ROUND_VIDEO;
  return (
    <div class={`voice-note${video ? ' round' : ''}`}>
      {url &&
        (video ? (
          // biome-ignore lint/a11y/useMediaCaption: the message's text is shown right below
          <video src={url} controls playsInline class="round-video" />
        ) : (
          // biome-ignore lint/a11y/useMediaCaption: the message's text is shown right below
          <audio src={url} controls />
        ))}
      <p class="voice-text" data-transcript={m.transcriptPending ? 'pending' : 'done'}>
        {m.transcriptPending
          ? t('school.transcribing')
          : m.transcript
            ? m.transcript
            : t('school.noTranscript')}
      </p>
    </div>
  );
}

function uploadToken(): string {
  return currentChatToken();
}

const ROUND_VIDEO_MAX_MS = 60_000;

/** Records a voice message (or a round video), uploads it and sends it. */
export function VoiceRecorder({ store, chatId }: { store: MessengerStore; chatId: string }) {
  const [recording, setRecording] = useState<'audio' | 'video' | null>(null);
  const [busy, setBusy] = useState(false);
  const recorder = useRef<MediaRecorder | null>(null);
  const preview = useRef<HTMLVideoElement>(null);
  const start = async (kind: 'audio' | 'video') => {
    const stream = await navigator.mediaDevices.getUserMedia(
      kind === 'audio' ? { audio: true } : { audio: true, video: { width: 320, height: 320 } },
    );
    const type = kind === 'audio' ? 'audio/webm;codecs=opus' : 'video/webm;codecs=vp8,opus';
    const rec = new MediaRecorder(stream, MediaRecorder.isTypeSupported(type) ? { mimeType: type } : {});
    const chunks: Blob[] = [];
    rec.ondataavailable = (e) => chunks.push(e.data);
    rec.onstop = () => {
      for (const track of stream.getTracks()) track.stop();
      setRecording(null);
      const blob = new Blob(chunks, { type: kind === 'audio' ? 'audio/webm' : 'video/webm' });
      send(kind, blob);
    };
    recorder.current = rec;
    rec.start();
    setRecording(kind);
    if (kind === 'video') {
      if (preview.current) preview.current.srcObject = stream;
      setTimeout(() => rec.state === 'recording' && rec.stop(), ROUND_VIDEO_MAX_MS);
    }
  };
  const send = (kind: 'audio' | 'video', blob: Blob) => {
    setBusy(true);
    const u = new Upload(blob, {
      endpoint: '/api/chat/uploads',
      headers: { authorization: `Bearer ${uploadToken()}` },
      metadata: { chatId, filename: kind === 'audio' ? 'voice.webm' : 'video.webm', filetype: blob.type },
      onSuccess: () => {
        const fileId = u.url?.split('/').pop() ?? '';
        void store.chat
          .request({
            sendMessage: {
              chatId,
              clientMessageId: crypto.randomUUID(),
              fileIds: [fileId],
              voice: kind === 'audio' ? cpb.VoiceKind.VOICE_KIND_AUDIO : cpb.VoiceKind.VOICE_KIND_ROUND_VIDEO,
            },
          })
          .then((r) => {
            if (r.message) store.upsert([r.message], true);
          })
          .finally(() => setBusy(false));
      },
      onError: () => setBusy(false),
    });
    u.start();
  };
  if (recording) {
    return (
      <span class="voice-recording">
        {recording === 'video' && <video ref={preview} autoPlay muted playsInline class="round-video" />}
        <button type="button" class="primary" id="voice-stop" onClick={() => recorder.current?.stop()}>
          {t('school.stopAndSend')}
        </button>
      </span>
    );
  }
  return (
    <>
      <button
        type="button"
        class="ghost"
        id="voice-record"
        disabled={busy}
        aria-label={t('school.recordVoice')}
        onClick={() => void start('audio')}
      >
        <Mic aria-hidden="true" />
      </button>
      <button
        type="button"
        class="ghost"
        id="video-record"
        disabled={busy}
        aria-label={t('school.recordVideo')}
        onClick={() => void start('video')}
      >
        <Video aria-hidden="true" />
      </button>
    </>
  );
}
