// One person (or one screen share) on the stage: video or initials, name,
// microphone state, teacher mark, guest mark, raised hand, speaking outline, pin,
// and a reaction the person just sent (above the name tag, which stays readable).
import { t } from '../i18n/index.js';
import { Initials } from '../kit/Initials.js';
import { GraduationCap, Hand, Maximize, Mic, MicOff, Pin, PinOff, ThumbsUp } from '../kit/icons.js';
import { userText } from '../kit/userText.js';
import { useStore } from '../state/storeContext.js';
import { REACTION_ICONS, type ReactionId } from '../ui/reactions.js';
import { LocalVideo } from './LocalVideo.js';
import { VideoView } from './VideoView.js';
import type { TileModel } from './tiles.js';

interface TileProps {
  tile: TileModel;
  pinned: boolean;
  onPin: (key: string | null) => void;
  /** The big tile on the stage offers full screen. */
  onFullscreen?: () => void;
  size: 'stage' | 'grid' | 'strip';
}

export function Tile({ tile, pinned, onPin, onFullscreen, size }: TileProps) {
  const store = useStore();
  const talking = store.stage.speakingNow.value.has(tile.participantId);
  const speaking = store.stage.activeSpeakerId.value === tile.participantId;
  const reaction = tile.screen
    ? undefined
    : store.gestures.reactions.value.filter((r) => r.participantId === tile.participantId).at(-1);
  const ReactionIcon = reaction ? (REACTION_ICONS[reaction.reaction as ReactionId] ?? ThumbsUp) : null;
  const label = tile.screen
    ? t('tile.screen', { name: tile.name })
    : tile.self
      ? t('tile.you', { name: tile.name })
      : tile.name;
  const states = [
    tile.teacher && !tile.screen ? t('tile.teacher') : '',
    tile.guest ? t('people.roleGuest') : '',
    !tile.screen && !tile.micOn ? t(tile.micBlocked ? 'tile.micBlocked' : 'tile.micOff') : '',
    !tile.screen && !tile.video ? t('tile.cameraOff') : '',
    tile.hand ? t('tile.hand') : '',
    tile.asks ? t('tile.asks') : '',
    talking ? t('tile.speaking') : '',
  ].filter(Boolean);
  const classes = [
    'tile',
    `tile-${size}`,
    tile.self ? 'self' : '',
    tile.screen ? 'screen' : '',
    talking && !tile.screen ? 'talking' : '',
    speaking && !tile.screen ? 'speaking' : '',
    tile.video ? '' : 'no-video',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    // biome-ignore lint/a11y/useSemanticElements: a tile is a labelled group of a video and its states, not a form fieldset.
    <div class={classes} data-participant={tile.key} role="group" aria-label={[label, ...states].join(', ')}>
      {tile.video === 'local' ? (
        <LocalVideo stream={store.local.localStream.value} mirror />
      ) : tile.video ? (
        <>
          {tile.screen ? null : <Initials name={tile.name} size={size === 'strip' ? 'small' : 'large'} />}
          <VideoView remote={tile.video} fit={tile.screen || size === 'stage' ? 'contain' : 'cover'} />
        </>
      ) : (
        <Initials name={tile.name} size={size === 'strip' ? 'small' : 'large'} />
      )}
      <div class="tile-badges">
        {tile.hand ? (
          <span class="tile-badge hand" title={t('tile.hand')}>
            <Hand aria-hidden="true" />
          </span>
        ) : null}
        {tile.asks ? (
          <span class="tile-badge asks" title={t('tile.asks')}>
            <Mic aria-hidden="true" />
          </span>
        ) : null}
      </div>
      <div class="tile-actions">
        {onFullscreen ? (
          <button
            type="button"
            class="icon-only tile-button"
            aria-label={t('ctl.fullscreen')}
            title={t('ctl.fullscreen')}
            onClick={onFullscreen}
          >
            <Maximize aria-hidden="true" />
          </button>
        ) : null}
        <button
          type="button"
          class="icon-only tile-button"
          aria-label={pinned ? t('tile.unpin') : t('tile.pin')}
          title={pinned ? t('tile.unpin') : t('tile.pin')}
          aria-pressed={pinned}
          data-pin={tile.key}
          onClick={() => onPin(pinned ? null : tile.key)}
        >
          {pinned ? <PinOff aria-hidden="true" /> : <Pin aria-hidden="true" />}
        </button>
      </div>
      {reaction && ReactionIcon ? (
        <span key={reaction.id} class="call-reaction tile-reaction" aria-hidden="true">
          <ReactionIcon /> <span>{t(`reaction.${reaction.reaction as ReactionId}`)}</span>
        </span>
      ) : null}
      <div class="tile-label">
        {tile.screen ? null : tile.micOn ? (
          <Mic aria-hidden="true" class="state-on" />
        ) : (
          <MicOff aria-hidden="true" class={`state-off ${tile.micBlocked ? 'blocked' : ''}`} />
        )}
        {tile.teacher && !tile.screen ? <GraduationCap aria-hidden="true" class="teacher-mark" /> : null}
        <span {...userText('name')}>{label}</span>
        {tile.guest ? <span class="guest-mark">{t('people.roleGuest')}</span> : null}
      </div>
    </div>
  );
}
