// One person on the admin screens: name, how they sign in, and what the
// admin (or class teacher) may do: a new code, move to another class,
// close or open sign-in.
import { useState } from 'preact/hooks';
import type { ClassRow, PersonRow } from '../../../common/schoolView.js';
import type { AccountKey } from '../account/text.js';
import { ta } from '../account/text.js';
import { lang } from '../i18n/index.js';
import { userText } from '../kit/userText.js';

export interface PersonActions {
  newCode(p: PersonRow): void;
  /** The code just given to this person, to show in their line. */
  issued(p: PersonRow): string | null;
  setClosed(p: PersonRow, closed: boolean): void | Promise<void>;
  move?(p: PersonRow, classId: string): void;
}

export function dateText(iso: string): string {
  return new Date(iso).toLocaleDateString(lang.value === 'ru' ? 'ru-RU' : 'en-GB', {
    day: 'numeric',
    month: 'long',
  });
}

function statusText(p: PersonRow): string {
  if (p.status === 'code' && p.codeExpiresAt)
    return ta('admin.status.code', { date: dateText(p.codeExpiresAt) });
  return ta(`admin.status.${p.status}` as AccountKey);
}

export function PersonLine({
  p,
  actions,
  admin,
  classes,
  self,
}: {
  p: PersonRow;
  actions: PersonActions;
  admin: boolean;
  classes?: ClassRow[];
  /** The signed-in admin's own line: nobody closes their own sign-in. */
  self?: boolean;
}) {
  const [moving, setMoving] = useState(false);
  return (
    <li class="row person-row" data-person={p.id} data-status={p.status}>
      <div class="row-main">
        <span>
          <span {...userText()}>{p.name}</span>
          {p.verified && <span class="verified"> ✓ {ta('admin.verifiedMark')}</span>}
        </span>
        <span class={`hint status status-${p.status}`}>
          {statusText(p)}
          {p.children?.length ? ` · ${p.children.join(', ')}` : ''}
        </span>
        {actions.issued(p) && <output class="issued-code">{actions.issued(p)}</output>}
      </div>
      <div class="row-actions">
        {p.status !== 'deactivated' && (
          <button
            type="button"
            class="small"
            onClick={() => actions.newCode(p)}
            aria-label={`${ta('admin.newCode')}: ${p.name}`}
          >
            {ta('admin.newCode')}
          </button>
        )}
        {admin && actions.move && classes && !moving && (
          <button
            type="button"
            class="small"
            onClick={() => setMoving(true)}
            aria-label={`${ta('admin.move')}: ${p.name}`}
          >
            {ta('admin.move')}
          </button>
        )}
        {moving && classes && (
          <label class="inline">
            {ta('admin.moveTo')}
            <select
              aria-label={`${ta('admin.moveTo')}: ${p.name}`}
              onChange={(e) => {
                const to = (e.target as HTMLSelectElement).value;
                if (to) actions.move?.(p, to);
                setMoving(false);
              }}
            >
              <option value="">—</option>
              {classes.map((c) => (
                <option key={c.id} value={c.id} {...userText()}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
        )}
        {admin && !self && (
          <button
            type="button"
            class="small ghost"
            onClick={() => void actions.setClosed(p, p.status !== 'deactivated')}
            aria-label={`${p.status === 'deactivated' ? ta('admin.reactivate') : ta('admin.deactivate')}: ${p.name}`}
          >
            {p.status === 'deactivated' ? ta('admin.reactivate') : ta('admin.deactivate')}
          </button>
        )}
      </div>
    </li>
  );
}
