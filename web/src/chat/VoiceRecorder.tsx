// Recording a voice message (or a round video of up to a minute) in the
// composer: MediaRecorder makes Opus in WebM, and the chat's holder uploads
// and sends it (ComposerActions.voice).
import { useRef, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { Mic, Video } from '../kit/icons.js';

const ROUND_VIDEO_MAX_MS = 60_000;

export function VoiceRecorder({
  send,
}: { send: (recording: Blob, kind: 'audio' | 'video') => Promise<boolean> }) {
  const [recording, setRecording] = useState<'audio' | 'video' | null>(null);
  const [busy, setBusy] = useState(false);
  const recorder = useRef<MediaRecorder | null>(null);
  const live = useRef<MediaStream | null>(null);
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
      setBusy(true);
      const blob = new Blob(chunks, { type: kind === 'audio' ? 'audio/webm' : 'video/webm' });
      void send(blob, kind).finally(() => setBusy(false));
    };
    recorder.current = rec;
    live.current = stream;
    rec.start();
    setRecording(kind);
    if (kind === 'video') setTimeout(() => rec.state === 'recording' && rec.stop(), ROUND_VIDEO_MAX_MS);
  };
  if (recording) {
    return (
      <span class="voice-recording">
        {recording === 'video' && (
          <video
            ref={(el) => {
              // The camera shows in the circle while it records.
              if (el && el.srcObject !== live.current) el.srcObject = live.current;
            }}
            autoPlay
            muted
            playsInline
            class="round-video"
          />
        )}
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
        class="ghost icon-only"
        id="voice-record"
        disabled={busy}
        aria-label={t('school.recordVoice')}
        title={t('school.recordVoice')}
        onClick={() => void start('audio')}
      >
        <Mic aria-hidden="true" />
      </button>
      <button
        type="button"
        class="ghost icon-only"
        id="video-record"
        disabled={busy}
        aria-label={t('school.recordVideo')}
        title={t('school.recordVideo')}
        onClick={() => void start('video')}
      >
        <Video aria-hidden="true" />
      </button>
    </>
  );
}
