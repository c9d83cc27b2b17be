// A group chat's rules: who writes (everyone, or admins only: read-only),
// who adds people, who pins, who edits the title, whether newcomers see the
// earlier history, and (for the creator) who appoints admins.
import { type Key, t } from '../i18n/index.js';
import { cpb } from './messengerStore.js';

const P = cpb.Permission;

type RuleField = 'whoMayWrite' | 'whoMayInvite' | 'whoMayPin' | 'whoMayEditInfo' | 'whoMayAppointAdmins';

const RULES: { field: RuleField; label: Key; admins: Key; creatorOnly?: boolean }[] = [
  { field: 'whoMayWrite', label: 'msgr.set.write', admins: 'msgr.set.writeAdmins' },
  { field: 'whoMayInvite', label: 'msgr.set.invite', admins: 'msgr.set.admins' },
  { field: 'whoMayPin', label: 'msgr.set.pin', admins: 'msgr.set.admins' },
  { field: 'whoMayEditInfo', label: 'msgr.set.editInfo', admins: 'msgr.set.admins' },
  { field: 'whoMayAppointAdmins', label: 'msgr.set.appoint', admins: 'msgr.set.admins', creatorOnly: true },
];

export function ChatSettingsFields({
  value,
  onChange,
  creator,
  disabled = false,
}: {
  value: cpb.IChatSettings;
  onChange: (change: cpb.IChatSettings) => void;
  /** The creator also decides who appoints admins. */
  creator: boolean;
  disabled?: boolean;
}) {
  return (
    <fieldset class="chat-settings" disabled={disabled}>
      <legend>{t('msgr.settings')}</legend>
      {RULES.filter((r) => creator || !r.creatorOnly).map((r) => (
        <label key={r.field} class="setting-row">
          <span>{t(r.label)}</span>
          <select
            id={`set-${r.field}`}
            value={String(
              value[r.field] ||
                (r.field === 'whoMayAppointAdmins' ? P.PERMISSION_CREATOR : P.PERMISSION_EVERYONE),
            )}
            onChange={(e) => onChange({ [r.field]: Number((e.target as HTMLSelectElement).value) })}
          >
            {r.field === 'whoMayAppointAdmins' ? null : (
              <option value={String(P.PERMISSION_EVERYONE)}>{t('msgr.set.everyone')}</option>
            )}
            <option value={String(P.PERMISSION_ADMINS)}>{t(r.admins)}</option>
            {r.field === 'whoMayAppointAdmins' ? (
              <option value={String(P.PERMISSION_CREATOR)}>{t('msgr.set.creator')}</option>
            ) : null}
          </select>
        </label>
      ))}
      <label class="check">
        <input
          type="checkbox"
          id="set-history"
          checked={value.newMembersSeeHistory !== false}
          onChange={(e) => onChange({ newMembersSeeHistory: (e.target as HTMLInputElement).checked })}
        />
        {t('msgr.set.history')}
      </label>
    </fieldset>
  );
}
