// The school's award kinds («Награды» on /school, the school's admin): the
// server's set for reference, the school's own kinds to rename or retire, the
// retired ones to bring back (one rows component for the three lists), and
// a form to add one (a name and one of the badges). It asks the messenger's
// socket (awards/ answers there); the server checks every right again.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { askChat } from '../account/chatAsk.js';
import { sessionChatToken } from '../account/sessionTokens.js';
import { type Key, t } from '../i18n/index.js';
import { confirmAction } from '../kit/Confirm.js';
import { userText } from '../kit/userText.js';
import { chatErrorText } from '../messenger/chatErrors.js';
import type { cpb } from '../protocol/wire.js';

const BADGES = ['star', 'book', 'idea', 'helper', 'sport', 'creative'] as const;

function Badge({ badge, size = 32 }: { badge: string | null | undefined; size?: number }) {
  return <img src={`/static/awards/${badge ?? 'star'}.svg`} alt="" width={size} height={size} />;
}

/** One list of kinds (in use, retired, the server's): a badge, the name, and what may be done with each. */
function KindRows({
  kinds,
  class: className = 'rows',
  row,
}: {
  kinds: cpb.IAwardKind[];
  class?: string;
  /** The row's actions, or a whole row of its own (renaming in place). */
  row?: (k: cpb.IAwardKind) => { actions?: ComponentChildren; replace?: ComponentChildren };
}) {
  return (
    <ul class={className}>
      {kinds.map((k) => {
        const r = row?.(k) ?? {};
        if (r.replace)
          return (
            <li key={k.kindId} class="row">
              {r.replace}
            </li>
          );
        return (
          <li key={k.kindId} class="row" data-kind={k.kindId}>
            <Badge badge={k.badge} />
            <span {...userText('row-main')}>{k.name}</span>
            {r.actions ? <div class="row-actions">{r.actions}</div> : null}
          </li>
        );
      })}
    </ul>
  );
}

export function AwardKindsPanel() {
  const [kinds, setKinds] = useState<cpb.IAwardKind[] | null>(null);
  const [note, setNote] = useState<{ text: string; error: boolean } | null>(null);
  const [name, setName] = useState('');
  const [badge, setBadge] = useState<string>('star');
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null);
  const [busy, setBusy] = useState(false);

  /** Asks, shows the kinds the server answers with, and says `done` (or why not). */
  const ask = async (request: cpb.IChatClientMessage, done?: string) => {
    setBusy(true);
    try {
      const r = await askChat(request, sessionChatToken);
      setKinds(r.awardKinds?.kinds ?? []);
      setNote(done ? { text: done, error: false } : null);
      return true;
    } catch (err) {
      setNote({ text: chatErrorText(err), error: true });
      return false;
    } finally {
      setBusy(false);
    }
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: loaded once.
  useEffect(() => void ask({ listAwardKinds: { withRetired: true } }), []);

  const add = async (e: Event) => {
    e.preventDefault();
    const n = name.trim();
    if (await ask({ addAwardKind: { name: n, badge } }, t('aw.kinds.added', { name: n }))) setName('');
  };
  const rename = async (e: Event) => {
    e.preventDefault();
    if (!renaming) return;
    const n = renaming.name.trim();
    if (await ask({ renameAwardKind: { kindId: renaming.id, name: n } }, t('aw.kinds.renamed', { name: n })))
      setRenaming(null);
  };
  const retire = async (k: cpb.IAwardKind) => {
    if (!(await confirmAction(t('aw.kinds.retireConfirm', { name: k.name ?? '' }), t('aw.kinds.retire'))))
      return;
    void ask({ retireAwardKind: { kindId: k.kindId } }, t('aw.kinds.retiredNote', { name: k.name ?? '' }));
  };
  const restore = (k: cpb.IAwardKind) =>
    void ask({ restoreAwardKind: { kindId: k.kindId } }, t('aw.kinds.restoredNote', { name: k.name ?? '' }));

  const own = (kinds ?? []).filter((k) => k.school && !k.retired);
  const retired = (kinds ?? []).filter((k) => k.school && k.retired);
  const server = (kinds ?? []).filter((k) => !k.school);
  return (
    <>
      <p class={note?.error ? 'error' : 'note'} role={note?.error ? 'alert' : 'status'} id="aw-kinds-message">
        {note?.text ?? ''}
      </p>
      <section class="card" aria-labelledby="aw-kinds-title">
        <h2 id="aw-kinds-title">{t('aw.kinds.title')}</h2>
        <p class="hint">{t('aw.kinds.intro')}</p>
        {kinds && own.length === 0 && <p class="muted">{t('aw.kinds.none')}</p>}
        <KindRows
          kinds={own}
          class="rows aw-kind-rows"
          row={(k) =>
            renaming && renaming.id === k.kindId
              ? {
                  replace: (
                    <form class="aw-rename" onSubmit={rename}>
                      <Badge badge={k.badge} />
                      <input
                        aria-label={t('aw.kinds.newName', { name: k.name ?? '' })}
                        value={renaming.name}
                        maxLength={80}
                        onInput={(e) =>
                          setRenaming({ ...renaming, name: (e.target as HTMLInputElement).value })
                        }
                      />
                      <button type="submit" class="small primary" disabled={busy || !renaming.name.trim()}>
                        {t('aw.kinds.save')}
                      </button>
                      <button type="button" class="small" onClick={() => setRenaming(null)}>
                        {t('common.cancel')}
                      </button>
                    </form>
                  ),
                }
              : {
                  actions: (
                    <>
                      <button
                        type="button"
                        class="small"
                        aria-label={`${t('aw.kinds.rename')}: ${k.name}`}
                        onClick={() => setRenaming({ id: k.kindId ?? '', name: k.name ?? '' })}
                      >
                        {t('aw.kinds.rename')}
                      </button>
                      <button
                        type="button"
                        class="small"
                        aria-label={`${t('aw.kinds.retire')}: ${k.name}`}
                        disabled={busy}
                        onClick={() => void retire(k)}
                      >
                        {t('aw.kinds.retire')}
                      </button>
                    </>
                  ),
                }
          }
        />
        <h3>{t('aw.kinds.add')}</h3>
        <form class="aw-add" onSubmit={add}>
          <label>
            {t('aw.kinds.name')}
            <input
              value={name}
              maxLength={80}
              onInput={(e) => setName((e.target as HTMLInputElement).value)}
            />
          </label>
          <fieldset class="aw-badges">
            <legend>{t('aw.kinds.badge')}</legend>
            {BADGES.map((b) => (
              <label key={b} class={`aw-badge${badge === b ? ' active' : ''}`}>
                <input
                  type="radio"
                  name="aw-badge"
                  class="visually-hidden"
                  checked={badge === b}
                  onChange={() => setBadge(b)}
                />
                <Badge badge={b} size={44} />
                <span>{t(`aw.badge.${b}` as Key)}</span>
              </label>
            ))}
          </fieldset>
          <div class="button-row">
            <button type="submit" class="primary" disabled={busy || !name.trim()}>
              {t('aw.kinds.add')}
            </button>
          </div>
        </form>
      </section>
      {retired.length > 0 && (
        <section class="card" aria-labelledby="aw-retired-title">
          <h2 id="aw-retired-title">{t('aw.kinds.retired')}</h2>
          <p class="hint">{t('aw.kinds.retiredIntro')}</p>
          <KindRows
            kinds={retired}
            row={(k) => ({
              actions: (
                <button
                  type="button"
                  class="small"
                  aria-label={`${t('aw.kinds.restore')}: ${k.name}`}
                  disabled={busy}
                  onClick={() => restore(k)}
                >
                  {t('aw.kinds.restore')}
                </button>
              ),
            })}
          />
        </section>
      )}
      <section class="card" aria-labelledby="aw-server-title">
        <h2 id="aw-server-title">{t('aw.kinds.catalogue')}</h2>
        <KindRows kinds={server} />
      </section>
    </>
  );
}
