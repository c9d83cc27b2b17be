import { t } from '../i18n/index.js';
import { Settings } from '../kit/icons.js';
// For teachers: the lesson's settings, changed for everyone at once.
import { pb } from '../protocol/wire.js';
import { useStore } from '../state/storeContext.js';
import type { PanelDef } from './panelDef.js';

type Flag = 'guestsAllowed' | 'selfUnmuteAllowed' | 'participantsMayShareScreen' | 'locked';

const FLAGS: {
  key: Flag;
  id: string;
  label: 'settings.guests' | 'settings.selfUnmute' | 'settings.screen' | 'settings.locked';
}[] = [
  { key: 'locked', id: 'setting-locked', label: 'settings.locked' },
  { key: 'guestsAllowed', id: 'setting-guests', label: 'settings.guests' },
  { key: 'selfUnmuteAllowed', id: 'setting-unmute', label: 'settings.selfUnmute' },
  { key: 'participantsMayShareScreen', id: 'setting-screen', label: 'settings.screen' },
];

function SettingsPanelBody() {
  const store = useStore();
  const s = store.roster.settings.value;
  const update = (change: pb.IUpdateRoomSettingsRequest) => void store.moderation.updateSettings(change);
  return (
    <section class="panel-section" id="settings-section">
      <label>
        {t('settings.waiting')}
        <select
          id="setting-waiting"
          value={String(s.waitingRoom ?? pb.WaitingRoomMode.WAITING_ROOM_MODE_GUESTS)}
          onChange={(e) => update({ waitingRoom: Number((e.target as HTMLSelectElement).value) })}
        >
          <option value={String(pb.WaitingRoomMode.WAITING_ROOM_MODE_OFF)}>{t('settings.waitingOff')}</option>
          <option value={String(pb.WaitingRoomMode.WAITING_ROOM_MODE_GUESTS)}>
            {t('settings.waitingGuests')}
          </option>
          <option value={String(pb.WaitingRoomMode.WAITING_ROOM_MODE_EVERYONE)}>
            {t('settings.waitingEveryone')}
          </option>
        </select>
      </label>
      {FLAGS.map((f) => (
        <label class="check" key={f.key}>
          <input
            type="checkbox"
            id={f.id}
            checked={Boolean(s[f.key])}
            onChange={(e) => update({ [f.key]: (e.target as HTMLInputElement).checked })}
          />
          {t(f.label)}
        </label>
      ))}
    </section>
  );
}

export const settingsPanel: PanelDef = {
  id: 'settings',
  title: 'settings.title',
  short: 'settings.title',
  icon: Settings,
  component: SettingsPanelBody,
  place: 'more',
  available: (store) => store.roster.isModerator,
};
