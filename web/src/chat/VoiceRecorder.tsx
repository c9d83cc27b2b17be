// Recording a voice message (or a round video of up to a minute) in the
// composer: MediaRecorder makes Opus in WebM, and the chat's holder uploads
// and sends it (ComposerActions.voice). While it records, the time so far
// runs beside a way to throw the recording away and a way to send it.
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { duration } from '../i18n/units.js';
import { Mic, Send, Trash2, Video } from '../kit/icons.js';

const ROUND_VIDEO_MAX_MS = 60_000;

/** The time since `since`, redrawn four times a second. */
function Elapsed({ since }: { since: number }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, []);
  return (
    <span class="voice-elapsed" id="voice-elapsed" role="timer" aria-label={t('school.recordingFor')}>
      <span class="rec-dot" aria-hidden="true" />
      {duration(now - since)}
    </span>
  );
}

export function VoiceRecorder({
  send,
}: { send: (recording: Blob, kind: 'audio' | 'video') => Promise<boolean> }) {
  const [recording, setRecording] = useState<{ kind: 'audio' | 'video'; since: number } | null>(null);
  const [busy, setBusy] = useState(false);
  const recorder = useRef<MediaRecorder | null>(null);
  const live = useRef<MediaStream | null>(null);
  /** Whether stopping sends the recording (false: cancelled). */
  const keep = useRef(true);
  // Leaving the chat while recording stops the microphone without sending.
  useEffect(
    () => () => {
      keep.current = false;
      if (recorder.current?.state === 'recording') recorder.current.stop();
    },
    [],
  );
  const start = async (kind: 'audio' | 'video') => {
    const stream = await navigator.mediaDevices.getUserMedia(
      kind === 'audio' ? { audio: true } : { audio: true, video: { width: 320, height: 320 } },
    );
    const type = kind === 'audio' ? 'audio/webm;codecs=opus' : 'video/webm;codecs=vp8,opus';
    const rec = new MediaRecorder(stream, MediaRecorder.isTypeSupported(type) ? { mimeType: type } : {});
    const chunks: Blob[] = [];
    keep.current = true;
    rec.ondataavailable = (e) => chunks.push(e.data);
    rec.onstop = () => {
      for (const track of stream.getTracks()) track.stop();
      setRecording(null);
      if (!keep.current) return;
      setBusy(true);
      const blob = new Blob(chunks, { type: kind === 'audio' ? 'audio/webm' : 'video/webm' });
      void send(blob, kind).finally(() => setBusy(false));
    };
    recorder.current = rec;
    live.current = stream;
    rec.start();
    setRecording({ kind, since: Date.now() });
    if (kind === 'video') setTimeout(() => rec.state === 'recording' && rec.stop(), ROUND_VIDEO_MAX_MS);
  };
  const stop = (send: boolean) => {
    keep.current = send;
    recorder.current?.stop();
  };
  if (recording) {
    return (
      <span class="voice-recording">
        {recording.kind === 'video' && (
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
        <button
          type="button"
          class="ghost icon-only"
          id="voice-cancel"
          aria-label={t('school.cancelRecording')}
          title={t('school.cancelRecording')}
          onClick={() => stop(false)}
        >
          <Trash2 aria-hidden="true" />
        </button>
        <Elapsed since={recording.since} />
        <button
          type="button"
          class="primary"
          id="voice-stop"
          aria-label={t('school.stopAndSend')}
          title={t('school.stopAndSend')}
          onClick={() => stop(true)}
        >
          <Send aria-hidden="true" />
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
