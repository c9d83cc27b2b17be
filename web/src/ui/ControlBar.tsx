// The control bar, always on screen: microphone, camera, screen, hand,
// reactions, the panels, "more" and leave. On a phone the less frequent
// buttons move into "more" so the bar fits 360 px.
import { EffectMark, effectLabel } from '../effects/ui/EffectMarks.js';
import { EffectsMenu } from '../effects/ui/EffectsMenu.js';
import { t } from '../i18n/index.js';
import { confirmAction } from '../kit/Confirm.js';
import { LanguageSwitch } from '../kit/LanguageSwitch.js';
import { Menu, MenuItem } from '../kit/Menu.js';
import {
  Captions,
  CaptionsOff,
  Ellipsis,
  FileUp,
  Hand,
  LayoutGrid,
  Lock,
  LockOpen,
  LogOut,
  Maximize,
  Megaphone,
  Mic,
  MicOff,
  MonitorUp,
  PhoneOff,
  Presentation,
  SmilePlus,
  Video,
  VideoOff,
} from '../kit/icons.js';
import type { pb } from '../protocol/wire.js';
import { useStore } from '../state/storeContext.js';
import { layout, openPanel, togglePanel } from '../state/viewState.js';
import { DOCUMENT_TYPES, presentDocument } from '../whiteboard/presentDocument.js';
import { SubtitlesMenu } from './SubtitlesMenu.js';
import { REACTION_ICONS, type ReactionId } from './reactions.js';
import { panels } from './registry.js';

const REACTIONS = Object.keys(REACTION_ICONS).map(Number) as ReactionId[];

function ReactionItems({ close }: { close: () => void }) {
  const store = useStore();
  return (
    <>
      {REACTIONS.map((r) => {
        const Icon = REACTION_ICONS[r];
        return (
          <MenuItem
            key={r}
            close={close}
            data={{ 'data-reaction': String(r) }}
            onSelect={() => void store.gestures.react(r as pb.Reaction)}
          >
            <Icon aria-hidden="true" /> {t(`reaction.${r}`)}
          </MenuItem>
        );
      })}
    </>
  );
}

export function ControlBar() {
  const store = useStore();
  const self = store.roster.self.value;
  const micBlocked = Boolean(self?.microphoneBlocked);
  const cameraBlocked = Boolean(self?.cameraBlocked);
  const micOn = store.local.micOn.value;
  const cameraOn = store.local.cameraOn.value;
  const hand = Boolean(self?.handRaisedAt);
  const moderator = store.roster.isModerator;
  const settings = store.roster.settings.value;
  const mayShare = moderator || Boolean(settings.participantsMayShareScreen);
  const cue = store.local.allowedCue.value;
  const subtitles = store.subtitles.state.value;
  const subtitlesOn = Boolean(subtitles.enabled);
  const captionsShown = Boolean(subtitles.subscribed);

  const micLabel = !store.local.hasMic.value
    ? t('ctl.noDevice')
    : micOn
      ? t('ctl.micOff')
      : micBlocked
        ? `${t('ctl.micBlocked')}. ${self?.asksToSpeak ? t('ctl.askStop') : t('ctl.ask')}`
        : t('ctl.micOn');
  const cameraLabel = !store.local.hasCamera.value
    ? t('ctl.noDevice')
    : cameraOn
      ? t('ctl.cameraOff')
      : cameraBlocked
        ? t('ctl.cameraBlocked')
        : t('ctl.cameraOn');

  // The effects' state is part of each button's name (the mark is only seen).
  const withEffect = (label: string, source: 'camera' | 'microphone') =>
    [label, effectLabel(source)].filter(Boolean).join('. ');

  // «Показать документ»: the file is picked here, its pages rendered and shown by the whiteboard part.
  const pickDocument = () => document.getElementById('document-file')?.click();

  const barPanels = panels.filter((p) => p.place === 'bar' && p.available(store));
  const morePanels = panels.filter((p) => p.place === 'more' && p.available(store));
  // A panel in «Ещё» that wants attention (comments waiting) shows its count on «Ещё» too.
  const moreBadge = morePanels.reduce((n, p) => n + (p.badge?.(store) ?? 0), 0);

  return (
    <footer class="controls" id="controls" aria-label={t('ctl.bar')}>
      <div class="controls-group">
        <button
          type="button"
          id="mic"
          class={`control ${micOn ? '' : 'off'} ${micBlocked ? 'blocked' : ''} ${cue === 'microphone' ? 'cue' : ''}`}
          aria-label={withEffect(micLabel, 'microphone')}
          title={withEffect(micLabel, 'microphone')}
          aria-pressed={!micOn}
          disabled={!store.local.hasMic.value}
          data-blocked={micBlocked ? 'true' : undefined}
          onClick={() => void store.local.toggleMic()}
        >
          {micOn ? <Mic aria-hidden="true" /> : <MicOff aria-hidden="true" />}
          {micBlocked ? <Lock aria-hidden="true" class="lock-mark" /> : <EffectMark source="microphone" />}
          <span class="label">{t('ctl.mic')}</span>
        </button>
        <button
          type="button"
          id="cam"
          class={`control ${cameraOn ? '' : 'off'} ${cameraBlocked ? 'blocked' : ''} ${cue === 'camera' ? 'cue' : ''}`}
          aria-label={withEffect(cameraLabel, 'camera')}
          title={withEffect(cameraLabel, 'camera')}
          aria-pressed={!cameraOn}
          disabled={!store.local.hasCamera.value}
          onClick={() => void store.local.toggleCamera()}
        >
          {cameraOn ? <Video aria-hidden="true" /> : <VideoOff aria-hidden="true" />}
          {cameraBlocked ? <Lock aria-hidden="true" class="lock-mark" /> : <EffectMark source="camera" />}
          <span class="label">{t('ctl.camera')}</span>
        </button>
        {micBlocked ? (
          <button
            type="button"
            id="ask"
            class={`control wide-only ${self?.asksToSpeak ? 'active' : ''}`}
            aria-pressed={Boolean(self?.asksToSpeak)}
            aria-label={self?.asksToSpeak ? t('ctl.askStop') : t('ctl.ask')}
            title={self?.asksToSpeak ? t('ctl.askStop') : t('ctl.ask')}
            onClick={() => void store.local.askToSpeak(!self?.asksToSpeak)}
          >
            <Megaphone aria-hidden="true" />
            <span class="label">{t('ctl.ask')}</span>
          </button>
        ) : null}
        {mayShare ? (
          <button
            type="button"
            id="share"
            class={`control wide-only ${store.local.sharing.value ? 'active' : ''}`}
            aria-pressed={store.local.sharing.value}
            aria-label={store.local.sharing.value ? t('ctl.shareStop') : t('ctl.shareStart')}
            title={store.local.sharing.value ? t('ctl.shareStop') : t('ctl.shareStart')}
            onClick={() => void store.local.toggleShare()}
          >
            <MonitorUp aria-hidden="true" />
            <span class="label">{t('ctl.share')}</span>
          </button>
        ) : null}
        <button
          type="button"
          id="hand"
          class={`control ${hand ? 'active' : ''}`}
          aria-pressed={hand}
          aria-label={hand ? t('ctl.handLower') : t('ctl.handRaise')}
          title={hand ? t('ctl.handLower') : t('ctl.handRaise')}
          onClick={() => void store.gestures.toggleHand()}
        >
          <Hand aria-hidden="true" />
          <span class="label">{t('ctl.hand')}</span>
        </button>
        {moderator ? (
          <button
            type="button"
            id="present-document"
            class={`control wide-only ${store.presentation.active.value ? 'active' : ''}`}
            aria-label={t('doc.present')}
            title={t('doc.present')}
            onClick={pickDocument}
          >
            <FileUp aria-hidden="true" />
            <span class="label">{t('doc.present')}</span>
          </button>
        ) : null}
        {moderator ? (
          <input
            type="file"
            id="document-file"
            class="visually-hidden"
            tabIndex={-1}
            aria-hidden="true"
            accept={DOCUMENT_TYPES}
            onChange={(e) => {
              const input = e.currentTarget;
              const file = input.files?.[0];
              input.value = '';
              if (file)
                void store.run(async () => {
                  // «Готовим…» stays while the pages are made (a long PDF takes a while) and goes when they are shown or it failed.
                  const preparing = (tag: string) => tag === 'document-preparing';
                  try {
                    await presentDocument(store.presentation, file, (key, params) =>
                      key === 'doc.preparing'
                        ? store.toast(key, params, 'info', 120_000, 'document-preparing')
                        : store.toast(key, params, 'info', 6000, 'document'),
                    );
                  } finally {
                    store.toasts.dismissWhere(preparing);
                  }
                });
            }}
          />
        ) : null}
        {subtitlesOn ? (
          <button
            type="button"
            id="captions-button"
            class={`control wide-only ${captionsShown ? 'active' : ''}`}
            aria-pressed={captionsShown}
            aria-label={captionsShown ? t('ctl.captionsHide') : t('ctl.captionsShow')}
            title={captionsShown ? t('ctl.captionsHide') : t('ctl.captionsShow')}
            onClick={() => void store.subtitles.toggleCaptions()}
          >
            {captionsShown ? <Captions aria-hidden="true" /> : <CaptionsOff aria-hidden="true" />}
            <span class="label">{t('ctl.captions')}</span>
          </button>
        ) : null}
        <div class="wide-only">
          <Menu
            label={t('ctl.reactions')}
            class="control"
            id="reactions-button"
            button={
              <>
                <SmilePlus aria-hidden="true" />
                <span class="label">{t('ctl.reactions')}</span>
              </>
            }
          >
            {(close) => <ReactionItems close={close} />}
          </Menu>
        </div>
      </div>
      <div class="controls-group">
        {barPanels.map((p) => {
          const badge = p.badge?.(store) ?? 0;
          const open = openPanel.value === p.id;
          return (
            <button
              key={p.id}
              type="button"
              id={`${p.id}-button`}
              class={`control ${open ? 'active' : ''}`}
              aria-pressed={open}
              aria-label={badge ? `${t(p.title)} (${badge})` : t(p.title)}
              title={t(p.title)}
              onClick={() => togglePanel(p.id)}
            >
              <p.icon aria-hidden="true" />
              {badge ? <span class="count-badge">{badge}</span> : null}
              <span class="label">{t(p.short)}</span>
            </button>
          );
        })}
        <Menu
          label={t('ctl.more')}
          class="control"
          id="more"
          button={
            <>
              <Ellipsis aria-hidden="true" />
              {moreBadge ? <span class="count-badge">{moreBadge}</span> : null}
              <span class="label">{t('ctl.more')}</span>
            </>
          }
        >
          {(close) => (
            <>
              <EffectsMenu
                close={close}
                camera={store.local.hasCamera.value}
                microphone={store.local.hasMic.value}
              />
              {mayShare ? (
                <div class="narrow-only">
                  <MenuItem close={close} onSelect={() => void store.local.toggleShare()}>
                    <MonitorUp aria-hidden="true" />{' '}
                    {store.local.sharing.value ? t('ctl.shareStop') : t('ctl.shareStart')}
                  </MenuItem>
                </div>
              ) : null}
              {moderator ? (
                <div class="narrow-only">
                  <MenuItem close={close} data={{ id: 'present-document-item' }} onSelect={pickDocument}>
                    <FileUp aria-hidden="true" /> {t('doc.present')}
                  </MenuItem>
                </div>
              ) : null}
              {subtitlesOn ? (
                <div class="narrow-only">
                  <MenuItem close={close} onSelect={() => void store.subtitles.toggleCaptions()}>
                    <Captions aria-hidden="true" />{' '}
                    {captionsShown ? t('ctl.captionsHide') : t('ctl.captionsShow')}
                  </MenuItem>
                </div>
              ) : null}
              {morePanels.map((p) => {
                const badge = p.badge?.(store) ?? 0;
                return (
                  <MenuItem
                    key={p.id}
                    close={close}
                    data={{ 'data-panel': p.id }}
                    onSelect={() => togglePanel(p.id)}
                  >
                    <p.icon aria-hidden="true" /> {t(p.title)}
                    {badge ? <span class="menu-count">{badge}</span> : null}
                  </MenuItem>
                );
              })}
              {moderator ? (
                <>
                  <MenuItem
                    close={close}
                    data={{ id: 'mute-all' }}
                    onSelect={() => void store.moderation.mute([], 'microphone', false, true)}
                  >
                    <MicOff aria-hidden="true" /> {t('ctl.muteAll')}
                  </MenuItem>
                  <MenuItem
                    close={close}
                    data={{ id: 'cameras-off-all' }}
                    onSelect={() => void store.moderation.mute([], 'camera', false, true)}
                  >
                    <VideoOff aria-hidden="true" /> {t('ctl.camerasOffAll')}
                  </MenuItem>
                  <MenuItem
                    close={close}
                    data={{ id: 'lock' }}
                    onSelect={() => void store.moderation.updateSettings({ locked: !settings.locked })}
                  >
                    {settings.locked ? <LockOpen aria-hidden="true" /> : <Lock aria-hidden="true" />}{' '}
                    {settings.locked ? t('ctl.unlock') : t('ctl.lock')}
                  </MenuItem>
                  <SubtitlesMenu close={close} />
                  <MenuItem
                    close={close}
                    data={{ id: 'attention-all' }}
                    onSelect={() => void store.moderation.attention('')}
                  >
                    <Megaphone aria-hidden="true" /> {t('ctl.attentionAll')}
                  </MenuItem>
                </>
              ) : null}
              <MenuItem
                close={close}
                data={{ id: 'layout-toggle' }}
                onSelect={() => {
                  layout.value = layout.value === 'speaker' ? 'gallery' : 'speaker';
                }}
              >
                {layout.value === 'speaker' ? (
                  <LayoutGrid aria-hidden="true" />
                ) : (
                  <Presentation aria-hidden="true" />
                )}{' '}
                {layout.value === 'speaker' ? t('ctl.gallery') : t('ctl.speaker')}
              </MenuItem>
              <MenuItem
                close={close}
                onSelect={() => {
                  if (document.fullscreenElement) void document.exitFullscreen();
                  else
                    void document
                      .getElementById('stage')
                      ?.requestFullscreen?.()
                      .catch(() => {});
                }}
              >
                <Maximize aria-hidden="true" /> {t('ctl.fullscreen')}
              </MenuItem>
              <div class="narrow-only menu-reactions">
                <ReactionItems close={close} />
              </div>
              <LanguageSwitch asMenuItem />
              {store.roster.isHost ? (
                <MenuItem
                  close={close}
                  danger
                  data={{ id: 'end-call' }}
                  onSelect={async () => {
                    if (await confirmAction(t('confirm.end'), t('confirm.endYes'))) {
                      void store.moderation.endCall();
                    }
                  }}
                >
                  <PhoneOff aria-hidden="true" /> {t('ctl.endForAll')}
                </MenuItem>
              ) : null}
            </>
          )}
        </Menu>
        <button
          type="button"
          id="leave"
          class="control danger"
          aria-label={t('ctl.leaveLong')}
          title={t('ctl.leaveLong')}
          onClick={() => void store.leave()}
        >
          <LogOut aria-hidden="true" />
          <span class="label">{t('ctl.leave')}</span>
        </button>
      </div>
    </footer>
  );
}
