// The school's retention screen: how long its chats keep messages (the
// default: everything, and the screen says so). Older messages are removed
// by the server in the background with their files; the admin picks one of
// the periods the server offers and saves, and whether chats' admins may
// turn on an auto-deletion of their own (shorter; messaging/chatRetention.ts).
import { useEffect, useState } from 'preact/hooks';
import { errorKey, get, post } from '../account/api.js';
import { type AccountKey, ta } from '../account/text.js';

interface Policy {
  days: number | null;
  chatsMayShorten: boolean;
  choices?: (number | null)[];
}

const periodKey = (days: number | null): AccountKey =>
  (days === null ? 'retention.keepAll' : `retention.days${days}`) as AccountKey;

export function RetentionPanel() {
  const [saved, setSaved] = useState<Policy | null>(null);
  const [choice, setChoice] = useState<string>('');
  const [mayShorten, setMayShorten] = useState(true);
  const [note, setNote] = useState<{ key: AccountKey; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    get<Policy>('/api/school/retention')
      .then((p) => {
        setSaved(p);
        setChoice(String(p.days ?? ''));
        setMayShorten(p.chatsMayShorten);
      })
      .catch((err: unknown) => setNote({ key: errorKey(err), error: true }));
  }, []);

  const save = async () => {
    setBusy(true);
    try {
      const days = choice === '' ? null : Number(choice);
      const p = await post<Policy>('/api/school/retention', { days, chatsMayShorten: mayShorten });
      setSaved({ ...saved, ...p });
      setNote({ key: 'retention.saved', error: false });
    } catch (err) {
      setNote({ key: errorKey(err), error: true });
    } finally {
      setBusy(false);
    }
  };

  if (!saved) return <p class="error">{note ? ta(note.key) : ''}</p>;
  return (
    <section class="card" aria-labelledby="retention-title">
      <h2 id="retention-title">{ta('retention.title')}</h2>
      <p id="retention-now" class="note">
        {saved.days === null
          ? ta('retention.nowAll')
          : ta('retention.now', { period: ta(periodKey(saved.days)) })}
      </p>
      <p class="hint">{ta('retention.intro')}</p>
      <label>
        {ta('retention.period')}
        <select
          style={{ maxWidth: '24rem' }}
          value={choice}
          onChange={(e) => setChoice((e.target as HTMLSelectElement).value)}
        >
          {(saved.choices ?? [null]).map((d) => (
            <option key={String(d)} value={d === null ? '' : String(d)}>
              {ta(periodKey(d))}
            </option>
          ))}
        </select>
      </label>
      <label class="check">
        <input
          type="checkbox"
          checked={mayShorten}
          onChange={(e) => setMayShorten((e.target as HTMLInputElement).checked)}
        />
        {ta('retention.chatsMayShorten')}
      </label>
      <div class="button-row">
        <button
          type="button"
          class="primary"
          disabled={busy || (choice === String(saved.days ?? '') && mayShorten === saved.chatsMayShorten)}
          onClick={() => void save()}
        >
          {ta('retention.save')}
        </button>
      </div>
      <p class={note?.error ? 'error' : 'note'} role={note?.error ? 'alert' : 'status'}>
        {note ? ta(note.key) : ''}
      </p>
    </section>
  );
}
