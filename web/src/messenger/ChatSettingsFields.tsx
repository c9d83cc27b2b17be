// A group chat's or channel's rules: who writes (everyone, or admins only:
// read-only), who adds people, who pins, who edits the title, whether
// newcomers see the earlier history (or its last 250 messages), whether
// joining by link needs an admin's approval, (for the creator) who appoints
// admins; a channel's comments under posts and its archiving.
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
  channel = false,
  legend = t('msgr.settings'),
  disabled = false,
}: {
  value: cpb.IChatSettings;
  onChange: (change: cpb.IChatSettings) => void;
  /** The creator also decides who appoints admins. */
  creator: boolean;
  /** A channel also has comments under its posts and can be archived. */
  channel?: boolean;
  legend?: string;
  disabled?: boolean;
}) {
  const check = (id: string, on: boolean, label: Key, change: (on: boolean) => cpb.IChatSettings) => (
    <label class="check">
      <input
        type="checkbox"
        id={id}
        checked={on}
        onChange={(e) => onChange(change((e.target as HTMLInputElement).checked))}
      />
      {t(label)}
    </label>
  );
  return (
    <fieldset class="chat-settings" disabled={disabled}>
      <legend>{legend}</legend>
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
      {check('set-history', value.newMembersSeeHistory !== false, 'msgr.set.history', (on) => ({
        newMembersSeeHistory: on,
      }))}
      {value.newMembersSeeHistory === false
        ? check('set-recent', !!value.newcomersSeeRecent, 'msgr.set.recent', (on) => ({
            newcomersSeeRecent: on,
          }))
        : null}
      {check('set-approval', !!value.joinApproval, 'msgr.set.approval', (on) => ({ joinApproval: on }))}
      {channel
        ? check(
            'set-comments',
            value.comments === cpb.CommentsMode.COMMENTS_MODE_ON,
            'msgr.set.comments',
            (on) => ({
              comments: on ? cpb.CommentsMode.COMMENTS_MODE_ON : cpb.CommentsMode.COMMENTS_MODE_OFF,
            }),
          )
        : null}
      {channel
        ? check('set-archived', !!value.archived, 'msgr.set.archived', (on) => ({ archived: on }))
        : null}
    </fieldset>
  );
}
