// For the host (and co-hosts while the host allows it): record the lesson,
// broadcast it to viewers without an account (with the link to hand out),
// and this room's recordings to download (the host also deletes them). The
// host's switch lends the controls to co-hosts.
import { useEffect, useState } from 'preact/hooks';
import { type Key, t } from '../i18n/index.js';
import { duration, fileSize } from '../i18n/units.js';
import { CircleDot, Copy, Download, Radio, Trash2 } from '../kit/icons.js';
import { pb } from '../protocol/wire.js';
import { useStore } from '../state/storeContext.js';
import type { PanelDef } from './panelDef.js';

const STATUS: Record<pb.RecordingStatus, Key> = {
  [pb.RecordingStatus.RECORDING_STATUS_UNSPECIFIED]: 'rec.status.ready',
  [pb.RecordingStatus.RECORDING_STATUS_RECORDING]: 'rec.status.recording',
  [pb.RecordingStatus.RECORDING_STATUS_FINALIZING]: 'rec.status.saving',
  [pb.RecordingStatus.RECORDING_STATUS_READY]: 'rec.status.ready',
  [pb.RecordingStatus.RECORDING_STATUS_FAILED]: 'rec.status.failed',
};

function RecordingPanelBody() {
  const store = useStore();
  const rec = store.recording;
  const state = rec.state.value;
  const busy = rec.busy.value;
  const [password, setPassword] = useState('');
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    void rec.load();
    return () => rec.stopLoading();
  }, [rec]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(state.broadcastUrl ?? '');
      setCopied(true);
    } catch {
      // No clipboard (an insecure page): the link is on screen to select by hand.
    }
  };

  const host = store.roster.isHost;
  return (
    <>
      {host ? (
        <section class="panel-section" id="recording-cohosts-section">
          <label class="check">
            <input
              type="checkbox"
              id="setting-cohosts-record"
              checked={Boolean(store.roster.settings.value.coHostsMayRecord)}
              onChange={(e) =>
                void store.moderation.updateSettings({
                  coHostsMayRecord: (e.target as HTMLInputElement).checked,
                })
              }
            />
            {t('rec.coHosts')}
          </label>
        </section>
      ) : null}
      <section class="panel-section" id="recording-section">
        <p class="hint">{t('rec.explain')}</p>
        <button
          type="button"
          id="recording-toggle"
          class={state.recording ? 'wide danger' : 'wide primary'}
          disabled={busy}
          onClick={() => void rec.toggleRecording()}
        >
          <CircleDot aria-hidden="true" /> {state.recording ? t('rec.stop') : t('rec.start')}
        </button>
      </section>
      <section class="panel-section" id="broadcast-section">
        <p class="hint">{t('rec.broadcastExplain')}</p>
        {state.broadcasting ? (
          <>
            {state.broadcastUrl ? (
              <div class="broadcast-link">
                <a id="broadcast-url" href={state.broadcastUrl} target="_blank" rel="noreferrer">
                  {state.broadcastUrl}
                </a>
                <button type="button" id="broadcast-copy" onClick={() => void copy()}>
                  <Copy aria-hidden="true" /> {copied ? t('rec.copied') : t('rec.copy')}
                </button>
              </div>
            ) : null}
            {rec.viewers.value !== null ? (
              <p id="broadcast-viewers">{t('rec.viewers', { count: rec.viewers.value })}</p>
            ) : null}
            <button
              type="button"
              id="broadcast-toggle"
              class="wide danger"
              disabled={busy}
              onClick={() => void rec.toggleBroadcast()}
            >
              <Radio aria-hidden="true" /> {t('rec.broadcastStop')}
            </button>
          </>
        ) : (
          <>
            <label>
              {t('rec.viewerPassword')}
              <input
                id="broadcast-password"
                type="text"
                autocomplete="off"
                maxLength={64}
                value={password}
                placeholder={t('rec.viewerPasswordNone')}
                onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
              />
            </label>
            <button
              type="button"
              id="broadcast-toggle"
              class="wide primary"
              disabled={busy}
              onClick={() => void rec.toggleBroadcast(password.trim())}
            >
              <Radio aria-hidden="true" /> {t('rec.broadcastStart')}
            </button>
          </>
        )}
      </section>
      <section class="panel-section" id="recordings-section">
        <h3>{t('rec.list')}</h3>
        {rec.recordings.value.length === 0 ? <p class="hint">{t('rec.none')}</p> : null}
        <ul class="recordings">
          {rec.recordings.value.map((r) => {
            const status = r.status ?? pb.RecordingStatus.RECORDING_STATUS_UNSPECIFIED;
            const ready = status === pb.RecordingStatus.RECORDING_STATUS_READY;
            const started = new Date(r.startedAt ?? 0);
            return (
              <li key={r.recordingId} class="recording-item" data-status={status}>
                <div class="recording-what">
                  <span class="recording-kind">
                    {r.kind === pb.RecordingKind.RECORDING_KIND_BROADCAST
                      ? t('rec.kindBroadcast')
                      : t('rec.kindLesson')}
                  </span>{' '}
                  {started.toLocaleTimeString(document.documentElement.lang || 'ru', {
                    hour: '2-digit',
                    minute: '2-digit',
                  })}
                  <span class="recording-meta">
                    {ready
                      ? t('rec.meta', {
                          time: duration((r.durationSeconds ?? 0) * 1000),
                          size: fileSize(r.sizeBytes ?? 0),
                        })
                      : t(STATUS[status])}
                  </span>
                </div>
                {ready ? (
                  <button
                    type="button"
                    class="icon-only small recording-download"
                    title={t('rec.download')}
                    aria-label={t('rec.download')}
                    onClick={() => void rec.download(r.recordingId ?? '')}
                  >
                    <Download aria-hidden="true" />
                  </button>
                ) : null}
                {host && (ready || status === pb.RecordingStatus.RECORDING_STATUS_FAILED) ? (
                  <button
                    type="button"
                    class="icon-only small recording-delete"
                    title={t('rec.delete')}
                    aria-label={t('rec.delete')}
                    onClick={() => void rec.remove(r.recordingId ?? '')}
                  >
                    <Trash2 aria-hidden="true" />
                  </button>
                ) : null}
              </li>
            );
          })}
        </ul>
      </section>
    </>
  );
}

export const recordingPanel: PanelDef = {
  id: 'recording',
  title: 'rec.title',
  short: 'rec.title',
  icon: CircleDot,
  component: RecordingPanelBody,
  place: 'more',
  available: (store) => store.roster.mayRecord,
};
