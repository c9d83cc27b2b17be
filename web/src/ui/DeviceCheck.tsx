// Before joining: camera preview, microphone level meter, device choice and
// whether to join with camera or microphone off.
import { useEffect, useRef, useState } from 'preact/hooks';
import { localEffects } from '../effects/localEffects.js';
import { EffectsCheck } from '../effects/ui/EffectsCheck.js';
import { t } from '../i18n/index.js';
import { LanguageSwitch } from '../kit/LanguageSwitch.js';
import { Mic, MicOff, Video, VideoOff } from '../kit/icons.js';
import { userText } from '../kit/userText.js';
import { LocalVideo } from '../stage/LocalVideo.js';
import { type DeviceChoice, type DeviceOption, listDevices, openDevices } from '../state/devices.js';
import { MicLevel } from './MicLevel.js';

export function DeviceCheck({ title, onJoin }: { title: string; onJoin: (choice: DeviceChoice) => void }) {
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [ready, setReady] = useState(false);
  const [problem, setProblem] = useState<'unavailable' | 'denied' | null>(null);
  const [cameras, setCameras] = useState<DeviceOption[]>([]);
  const [mics, setMics] = useState<DeviceOption[]>([]);
  const [cameraId, setCameraId] = useState('');
  const [micId, setMicId] = useState('');
  // A call started as an audio call opens with the camera off (`#…&audio=1`).
  const [cameraOn, setCameraOn] = useState(
    () => new URLSearchParams(location.hash.slice(1)).get('audio') !== '1',
  );
  const [micOn, setMicOn] = useState(true);
  const joinButton = useRef<HTMLButtonElement>(null);
  const streamRef = useRef<MediaStream | null>(null);
  const joined = useRef(false);

  useEffect(() => {
    let cancelled = false;
    void (async () => {
      for (const track of streamRef.current?.getTracks() ?? []) track.stop();
      const opened = await openDevices({ camera: cameraId || undefined, microphone: micId || undefined });
      if (cancelled) {
        for (const track of opened.stream?.getTracks() ?? []) track.stop();
        return;
      }
      streamRef.current = opened.stream;
      // The preview and the call get the tracks with the chosen effects.
      localEffects.attach(opened.stream);
      setStream(opened.stream);
      setProblem(opened.stream ? null : opened.denied ? 'denied' : 'unavailable');
      setCameras(await listDevices('videoinput'));
      setMics(await listDevices('audioinput'));
      setReady(true);
    })();
    return () => {
      cancelled = true;
    };
  }, [cameraId, micId]);

  useEffect(() => {
    if (ready) joinButton.current?.focus();
  }, [ready]);

  // Leaving the page without joining releases the camera.
  useEffect(
    () => () => {
      if (!joined.current) localEffects.release();
    },
    [],
  );

  const hasVideo = Boolean(stream?.getVideoTracks().length);
  const hasAudio = Boolean(stream?.getAudioTracks().length);
  const currentCamera = stream?.getVideoTracks()[0]?.getSettings().deviceId ?? '';
  const currentMic = stream?.getAudioTracks()[0]?.getSettings().deviceId ?? '';
  const shown = localEffects.stream.value;

  return (
    <main class="page prejoin" id="prejoin" aria-labelledby="prejoin-title">
      <div class="page-top">
        <p {...userText('room-name')}>{title}</p>
        <LanguageSwitch />
      </div>
      <h1 id="prejoin-title">{t('check.title')}</h1>
      <div class="preview" aria-label={t('check.preview')}>
        {hasVideo && cameraOn ? (
          <LocalVideo stream={shown} id="preview" mirror />
        ) : (
          <div class="preview-off">
            <VideoOff aria-hidden="true" />
            <span>{t('check.cameraOff')}</span>
          </div>
        )}
        <div class="preview-toggles">
          <button
            type="button"
            class={`round ${micOn ? '' : 'off'}`}
            aria-pressed={!micOn}
            aria-label={micOn ? t('ctl.micOff') : t('ctl.micOn')}
            title={micOn ? t('ctl.micOff') : t('ctl.micOn')}
            disabled={!hasAudio}
            onClick={() => setMicOn(!micOn)}
          >
            {micOn && hasAudio ? <Mic aria-hidden="true" /> : <MicOff aria-hidden="true" />}
          </button>
          <button
            type="button"
            class={`round ${cameraOn ? '' : 'off'}`}
            aria-pressed={!cameraOn}
            aria-label={cameraOn ? t('ctl.cameraOff') : t('ctl.cameraOn')}
            title={cameraOn ? t('ctl.cameraOff') : t('ctl.cameraOn')}
            disabled={!hasVideo}
            onClick={() => setCameraOn(!cameraOn)}
          >
            {cameraOn && hasVideo ? <Video aria-hidden="true" /> : <VideoOff aria-hidden="true" />}
          </button>
        </div>
      </div>
      <MicLevel stream={hasAudio && micOn ? shown : null} />
      <p class="hint">{t('check.speak')}</p>
      <div class="device-selects">
        <label>
          {t('check.camera')}
          <select
            id="camera-select"
            value={currentCamera}
            disabled={cameras.length === 0}
            onChange={(e) => setCameraId((e.target as HTMLSelectElement).value)}
          >
            {cameras.map((d, i) => (
              <option key={d.id} value={d.id}>
                {d.label || t('check.cameraN', { n: i + 1 })}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('check.microphone')}
          <select
            id="mic-select"
            value={currentMic}
            disabled={mics.length === 0}
            onChange={(e) => setMicId((e.target as HTMLSelectElement).value)}
          >
            {mics.map((d, i) => (
              <option key={d.id} value={d.id}>
                {d.label || t('check.microphoneN', { n: i + 1 })}
              </option>
            ))}
          </select>
        </label>
      </div>
      <label class="check">
        <input
          type="checkbox"
          id="camera-on"
          checked={cameraOn}
          disabled={!hasVideo}
          onChange={(e) => setCameraOn((e.target as HTMLInputElement).checked)}
        />
        {t('check.cameraOn')}
      </label>
      <label class="check">
        <input
          type="checkbox"
          id="mic-on"
          checked={micOn}
          disabled={!hasAudio}
          onChange={(e) => setMicOn((e.target as HTMLInputElement).checked)}
        />
        {t('check.micOn')}
      </label>
      <EffectsCheck hasVideo={hasVideo} hasAudio={hasAudio} />
      <p id="prejoin-error" class="error" role="alert">
        {problem === 'denied' ? t('check.denied') : problem === 'unavailable' ? t('check.unavailable') : ''}
      </p>
      <button
        ref={joinButton}
        id="join-button"
        type="button"
        class="primary wide"
        disabled={!ready}
        onClick={() => {
          joined.current = true;
          onJoin({ stream: shown, cameraOn: cameraOn && hasVideo, micOn: micOn && hasAudio });
        }}
      >
        {ready ? t('check.join') : t('check.starting')}
      </button>
    </main>
  );
}
