// The school's documents quota («Документы» on /school, the school's admin):
// how much each person of the school may keep in «Документы». The admin types
// a number and picks МБ or ГБ; the page checks it (a positive number, at most
// the server's 1 ТБ) before asking, and the server checks it again
// (documents/service.ts setQuota). The server answers with the quota in force
// (its default until the school sets one) and its default; when the two are
// equal the screen says it is the default.
import { useEffect, useState } from 'preact/hooks';
import { askChat } from '../account/chatAsk.js';
import { sessionChatToken } from '../account/sessionTokens.js';
import { t } from '../i18n/index.js';
import { fileSize } from '../i18n/units.js';
import { chatErrorText } from '../messenger/chatErrors.js';
import type { cpb } from '../protocol/wire.js';

const MB = 1024 ** 2;
const GB = 1024 ** 3;
/** documents/service.ts QUOTA_MAX (1 TiB). */
const MAX = 1024 ** 4;

type Unit = 'mb' | 'gb';

/** The admin's text as bytes, or why not: accepts «1,5» as well as «1.5». */
export function quotaBytes(text: string, unit: Unit): number | 'empty' | 'invalid' | 'tooBig' {
  const s = text.trim().replace(',', '.');
  if (s === '') return 'empty';
  if (!/^\d+(\.\d+)?$/.test(s)) return 'invalid';
  const bytes = Math.round(Number(s) * (unit === 'gb' ? GB : MB));
  if (!(bytes >= 1)) return 'invalid';
  return bytes > MAX ? 'tooBig' : bytes;
}

/** The quota as the admin would type it: ГБ from 1 ГБ when two decimals say it exactly, else МБ. */
function asInput(bytes: number): { text: string; unit: Unit } {
  const comma = (n: number) => String(Math.round(n * 100) / 100).replace('.', ',');
  if (bytes >= GB && (bytes * 100) % GB === 0) return { text: comma(bytes / GB), unit: 'gb' };
  return { text: comma(bytes / MB), unit: 'mb' };
}

export function DocumentsQuotaPanel() {
  const [quota, setQuota] = useState<cpb.IDocumentsQuota | null>(null);
  const [text, setText] = useState('');
  const [unit, setUnit] = useState<Unit>('mb');
  const [note, setNote] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);

  const ask = async (request: cpb.IChatClientMessage, done?: string) => {
    setBusy(true);
    try {
      const q = (await askChat(request, sessionChatToken)).documentsQuota ?? {};
      setQuota(q);
      const shown = asInput(Number(q.quotaBytes ?? q.defaultBytes ?? 0));
      setText(shown.text);
      setUnit(shown.unit);
      setNote(done ? { text: done, error: false } : null);
    } catch (err) {
      setNote({ text: chatErrorText(err), error: true });
    } finally {
      setBusy(false);
    }
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: loaded once.
  useEffect(() => void ask({ getDocumentsQuota: {} }), []);

  const save = (e: Event) => {
    e.preventDefault();
    const bytes = quotaBytes(text, unit);
    if (typeof bytes !== 'number') {
      setNote({ text: t(`docs.quota.${bytes}`), error: true });
      return;
    }
    void ask({ setDocumentsQuota: { quotaBytes: bytes } }, t('docs.quota.saved', { size: fileSize(bytes) }));
  };

  const now = Number(quota?.quotaBytes ?? 0);
  return (
    <section class="card" aria-labelledby="docs-quota-title">
      <h2 id="docs-quota-title">{t('docs.quota.title')}</h2>
      {quota && (
        <p class="note" id="docs-quota-now">
          {t(now === Number(quota.defaultBytes) ? 'docs.quota.nowDefault' : 'docs.quota.now', {
            size: fileSize(now),
          })}
        </p>
      )}
      <p class="hint">{t('docs.quota.intro')}</p>
      <form onSubmit={save}>
        <div class="button-row">
          <label>
            {t('docs.quota.amount')}
            <input
              inputMode="decimal"
              style={{ maxWidth: '10rem' }}
              value={text}
              onInput={(e) => setText((e.target as HTMLInputElement).value)}
            />
          </label>
          <label>
            {t('docs.quota.unit')}
            <select value={unit} onChange={(e) => setUnit((e.target as HTMLSelectElement).value as Unit)}>
              <option value="mb">{t('docs.quota.mb')}</option>
              <option value="gb">{t('docs.quota.gb')}</option>
            </select>
          </label>
        </div>
        <div class="button-row">
          <button type="submit" class="primary" disabled={busy || !quota}>
            {t('docs.quota.save')}
          </button>
        </div>
      </form>
      <p
        class={note?.error ? 'error' : 'note'}
        role={note?.error ? 'alert' : 'status'}
        id="docs-quota-message"
      >
        {note?.text ?? ''}
      </p>
    </section>
  );
}
