// The school's bots («Боты», messaging/bots.ts, docs/bots.md): the admin
// makes a bot with the school's chats it may post in and read, sees its
// token and webhook secret once (with copy buttons), sets its webhook URL,
// changes its chats (the same token), disables, enables or deletes it.
import { useEffect, useState } from 'preact/hooks';
import { errorKey, get, post } from '../account/api.js';
import { type AccountKey, ta } from '../account/text.js';

interface Bot {
  id: string;
  name: string;
  chats: string[];
  webhookUrl: string;
  disabled: boolean;
}

interface Chat {
  id: string;
  title: string;
}

function CopyField({ id, label, value }: { id: string; label: string; value: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div>
      <label for={id}>{label}</label>
      <span class="button-row">
        <input
          id={id}
          readOnly
          value={value}
          style={{ flex: '1 1 12rem', minWidth: 0, fontFamily: 'monospace' }}
        />
        <button
          type="button"
          class="small"
          onClick={() => void navigator.clipboard?.writeText(value).then(() => setCopied(true))}
        >
          {copied ? ta('bots.copied') : ta('bots.copy')}
        </button>
      </span>
    </div>
  );
}

/** The school's chats as checkboxes: making a bot and changing its chats show the same list. */
function ChatChoice({
  legend,
  chats,
  chosen,
  onChange,
}: {
  legend: string;
  chats: Map<string, string>;
  chosen: Set<string>;
  onChange: (next: Set<string>) => void;
}) {
  const toggle = (id: string, on: boolean) => {
    const next = new Set(chosen);
    if (on) next.add(id);
    else next.delete(id);
    onChange(next);
  };
  return (
    <fieldset>
      <legend>{legend}</legend>
      {[...chats].map(([id, title]) => (
        <label key={id} class="check">
          <input
            type="checkbox"
            checked={chosen.has(id)}
            onChange={(e) => toggle(id, (e.target as HTMLInputElement).checked)}
          />
          {title}
        </label>
      ))}
    </fieldset>
  );
}

function BotCard({
  bot,
  chats,
  onChanged,
  say,
}: {
  bot: Bot;
  chats: Map<string, string>;
  onChanged: () => void;
  say: (key: AccountKey, error: boolean) => void;
}) {
  const [url, setUrl] = useState(bot.webhookUrl);
  const [sure, setSure] = useState(false);
  // The chats being chosen while «Изменить чаты» is open.
  const [editing, setEditing] = useState<Set<string> | null>(null);
  const change = async (body: Record<string, unknown>, done: AccountKey | null): Promise<boolean> => {
    try {
      await post(`/api/school/bots/${encodeURIComponent(bot.id)}`, body);
      if (done) say(done, false);
      onChanged();
      return true;
    } catch (err) {
      say(errorKey(err), true);
      return false;
    }
  };
  const saveChats = async (chosen: Set<string>) => {
    if (chosen.size === 0) return say('bots.needChats', true);
    if (await change({ chats: [...chosen] }, 'bots.chatsSaved')) setEditing(null);
  };
  return (
    <li class="card" aria-label={bot.name}>
      <h3>
        {bot.name} {bot.disabled ? <span class="muted">({ta('bots.disabled')})</span> : null}
      </h3>
      <p class="muted">
        {[...chats.keys()]
          .filter((id) => bot.chats.includes(id))
          .map((id) => chats.get(id))
          .join(', ')}
      </p>
      {editing ? (
        <>
          <ChatChoice legend={ta('bots.chats')} chats={chats} chosen={editing} onChange={setEditing} />
          <div class="button-row">
            <button type="button" class="primary" onClick={() => void saveChats(editing)}>
              {ta('bots.saveChats')}
            </button>
            <button type="button" onClick={() => setEditing(null)}>
              {ta('bots.cancel')}
            </button>
          </div>
        </>
      ) : (
        <div class="button-row">
          <button type="button" onClick={() => setEditing(new Set(bot.chats))}>
            {ta('bots.editChats')}
          </button>
        </div>
      )}
      <label>
        {ta('bots.webhook')}
        <input type="url" value={url} onInput={(e) => setUrl((e.target as HTMLInputElement).value)} />
      </label>
      {!bot.webhookUrl && <p class="hint">{ta('bots.noWebhook')}</p>}
      <div class="button-row">
        <button
          type="button"
          disabled={url.trim() === bot.webhookUrl}
          onClick={() => void change({ webhookUrl: url.trim() }, 'bots.webhookSaved')}
        >
          {ta('bots.saveWebhook')}
        </button>
        <button type="button" onClick={() => void change({ disabled: !bot.disabled }, null)}>
          {bot.disabled ? ta('bots.enable') : ta('bots.disable')}
        </button>
        <button
          type="button"
          class={sure ? 'danger' : ''}
          onClick={() => (sure ? void change({ delete: true }, 'bots.deleted') : setSure(true))}
        >
          {sure ? ta('bots.deleteSure') : ta('bots.delete')}
        </button>
      </div>
    </li>
  );
}

export function BotsPanel() {
  const [bots, setBots] = useState<Bot[] | null>(null);
  const [chats, setChats] = useState<Chat[]>([]);
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [made, setMade] = useState<{ name: string; token: string; secret: string } | null>(null);
  const [note, setNote] = useState<{ key: AccountKey; error: boolean; name?: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const load = () =>
    get<{ bots: Bot[]; chats: Chat[] }>('/api/school/bots')
      .then((r) => {
        setBots(r.bots);
        setChats(r.chats);
      })
      .catch((err: unknown) => setNote({ key: errorKey(err), error: true }));
  // biome-ignore lint/correctness/useExhaustiveDependencies: loaded once on opening; later loads follow changes.
  useEffect(() => void load(), []);

  const create = async () => {
    if (chosen.size === 0) return setNote({ key: 'bots.needChats', error: true });
    setBusy(true);
    try {
      const r = await post<{ bot: Bot; token: string; secret: string }>('/api/school/bots', {
        name: name.trim(),
        chats: [...chosen],
      });
      setMade({ name: r.bot.name, token: r.token, secret: r.secret });
      setNote(null);
      setName('');
      setChosen(new Set());
      await load();
    } catch (err) {
      setNote({ key: errorKey(err), error: true });
    } finally {
      setBusy(false);
    }
  };

  const titles = new Map(chats.map((c) => [c.id, c.title]));

  return (
    <section class="card" aria-labelledby="bots-title">
      <h2 id="bots-title">{ta('bots.title')}</h2>
      <p class="hint">{ta('bots.intro')}</p>
      {made && (
        <div class="card">
          <p class="note">{ta('bots.created', { name: made.name })}</p>
          <CopyField id="bot-token" label={ta('bots.token')} value={made.token} />
          <CopyField id="bot-secret" label={ta('bots.secret')} value={made.secret} />
          <div class="button-row">
            <button type="button" onClick={() => setMade(null)}>
              {ta('bots.done')}
            </button>
          </div>
        </div>
      )}
      <label>
        {ta('bots.name')}
        <input value={name} maxLength={64} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
      </label>
      <ChatChoice legend={ta('bots.chats')} chats={titles} chosen={chosen} onChange={setChosen} />
      <div class="button-row">
        <button type="button" class="primary" disabled={busy || !name.trim()} onClick={() => void create()}>
          {ta('bots.create')}
        </button>
      </div>
      <p class={note?.error ? 'error' : 'note'} role={note?.error ? 'alert' : 'status'}>
        {note ? ta(note.key) : ''}
      </p>
      <h3>{ta('bots.list')}</h3>
      {bots && bots.length === 0 && <p class="muted">{ta('bots.none')}</p>}
      <ul class="plain">
        {(bots ?? []).map((b) => (
          <BotCard
            key={b.id}
            bot={b}
            chats={titles}
            onChanged={() => void load()}
            say={(key, error) => setNote({ key, error })}
          />
        ))}
      </ul>
    </section>
  );
}
