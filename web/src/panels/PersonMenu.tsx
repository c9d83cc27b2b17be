import { t } from '../i18n/index.js';
import { confirmAction } from '../kit/Confirm.js';
import { Menu, MenuItem } from '../kit/Menu.js';
import {
  Ban,
  EllipsisVertical,
  GraduationCap,
  Hand,
  Lock,
  Megaphone,
  Mic,
  MicOff,
  UserRoundX,
  Video,
  VideoOff,
} from '../kit/icons.js';
import { userText } from '../kit/userText.js';
// A teacher's actions on one person, in one menu that first says the
// person's state: microphone and camera (on, off, turned off by the teacher).
// «Выключить» turns a source off and the person may turn it on again;
// «Запретить включать» keeps it off until «Разрешить» (the room's setting
// "may turn the microphone on themselves" off: every mute is a block, so
// only the second is offered).
import { pb } from '../protocol/wire.js';
import { useStore } from '../state/storeContext.js';
import type { SourceState } from './roster.js';

export function PersonMenu({
  p,
  mic,
  camera,
}: { p: pb.IParticipant; mic: SourceState; camera: SourceState }) {
  const store = useStore();
  const moderation = store.moderation;
  const id = p.participantId ?? '';
  const name = p.displayName ?? '';
  const rooms = store.breakouts.state.value.breakouts ?? [];
  const currentRoom = rooms.find((b) => b.participantIds?.includes(id))?.id ?? '';
  const pupil = p.role === pb.Role.ROLE_PARTICIPANT || p.role === pb.Role.ROLE_GUEST;
  const selfUnmute = store.roster.settings.value.selfUnmuteAllowed !== false;
  return (
    <Menu
      label={t('people.actions', { name })}
      class="icon-only small"
      data={{ 'data-menu': id }}
      button={<EllipsisVertical aria-hidden="true" />}
    >
      {(close) => (
        <>
          <p class="menu-state" aria-hidden="true">
            {mic.on ? <Mic /> : <MicOff class="state-off" />}{' '}
            {mic.blocked ? t('people.micBlocked') : mic.on ? t('people.micOn') : t('people.micOff')}
            <br />
            {camera.on ? <Video /> : <VideoOff class="state-off" />}{' '}
            {camera.blocked
              ? t('people.cameraBlocked')
              : camera.on
                ? t('people.cameraOn')
                : t('people.cameraOff')}
          </p>
          {mic.blocked || p.asksToSpeak ? (
            <MenuItem
              close={close}
              data={{ 'data-action': 'allow-mic' }}
              onSelect={() => void moderation.allow(id, 'microphone')}
            >
              <Mic aria-hidden="true" /> {t('menu.allowSpeak')}
            </MenuItem>
          ) : (
            <>
              {mic.on && selfUnmute ? (
                <MenuItem
                  close={close}
                  data={{ 'data-action': 'mute' }}
                  onSelect={() => void moderation.mute([id], 'microphone', false)}
                >
                  <MicOff aria-hidden="true" /> {t('menu.mute')}
                </MenuItem>
              ) : null}
              <MenuItem
                close={close}
                data={{ 'data-action': 'block-mic' }}
                onSelect={() => void moderation.mute([id], 'microphone', true)}
              >
                <Lock aria-hidden="true" /> {t('menu.blockMic')}
              </MenuItem>
            </>
          )}
          {camera.blocked ? (
            <MenuItem
              close={close}
              data={{ 'data-action': 'allow-camera' }}
              onSelect={() => void moderation.allow(id, 'camera')}
            >
              <Video aria-hidden="true" /> {t('menu.allowCamera')}
            </MenuItem>
          ) : (
            <>
              {camera.on && selfUnmute ? (
                <MenuItem
                  close={close}
                  data={{ 'data-action': 'camera-off' }}
                  onSelect={() => void moderation.mute([id], 'camera', false)}
                >
                  <VideoOff aria-hidden="true" /> {t('menu.cameraOff')}
                </MenuItem>
              ) : null}
              <MenuItem
                close={close}
                data={{ 'data-action': 'block-camera' }}
                onSelect={() => void moderation.mute([id], 'camera', true)}
              >
                <Lock aria-hidden="true" /> {t('menu.blockCamera')}
              </MenuItem>
            </>
          )}
          {p.handRaisedAt ? (
            <MenuItem
              close={close}
              data={{ 'data-action': 'lower' }}
              onSelect={() => void moderation.lowerHands([id])}
            >
              <Hand aria-hidden="true" /> {t('menu.lowerHand')}
            </MenuItem>
          ) : null}
          <MenuItem
            close={close}
            data={{ 'data-action': 'attention' }}
            onSelect={() => void moderation.attention(id)}
          >
            <Megaphone aria-hidden="true" /> {t('menu.attention')}
          </MenuItem>
          {store.roster.isHost && p.role !== pb.Role.ROLE_HOST ? (
            <MenuItem
              close={close}
              data={{ 'data-action': 'role' }}
              onSelect={() =>
                void moderation.setRole(
                  id,
                  p.role === pb.Role.ROLE_CO_HOST ? pb.Role.ROLE_PARTICIPANT : pb.Role.ROLE_CO_HOST,
                )
              }
            >
              <GraduationCap aria-hidden="true" />{' '}
              {p.role === pb.Role.ROLE_CO_HOST ? t('menu.removeCoHost') : t('menu.makeCoHost')}
            </MenuItem>
          ) : null}
          {rooms.length > 0 && pupil ? (
            <label class="menu-select">
              {t('menu.moveTo')}
              <select
                data-assign={id}
                value={currentRoom}
                onChange={(e) => {
                  const breakoutId = (e.target as HTMLSelectElement).value;
                  void store.breakouts.assign([{ participantId: id, breakoutId }]);
                }}
              >
                <option value="">{t('breakouts.main')}</option>
                {rooms.map((b) => (
                  <option key={b.id} value={b.id ?? ''} {...userText()}>
                    {b.name}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          <hr />
          <MenuItem
            close={close}
            data={{ 'data-action': 'remove' }}
            onSelect={async () => {
              if (await confirmAction(t('confirm.remove', { name }), t('confirm.removeYes'))) {
                void moderation.remove(id, false);
              }
            }}
          >
            <UserRoundX aria-hidden="true" /> {t('menu.remove')}
          </MenuItem>
          <MenuItem
            close={close}
            danger
            data={{ 'data-action': 'ban' }}
            onSelect={async () => {
              if (await confirmAction(t('confirm.ban', { name }), t('confirm.banYes'))) {
                void moderation.remove(id, true);
              }
            }}
          >
            <Ban aria-hidden="true" /> {t('menu.ban')}
          </MenuItem>
        </>
      )}
    </Menu>
  );
}
