// Forwarding a message: the chats it may go to (found by name), up to the
// server's limit, chosen with checkboxes in a window over the page (on a
// phone the screen's width, so every chat's name shows); sent, or closed
// without.
import { useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { Dialog } from '../kit/Dialog.js';
import { Search } from '../kit/icons.js';
import { userText } from '../kit/userText.js';
import { FORWARD_LIMIT, type ThreadActions } from './actions.js';
import type { Msg } from './format.js';

const fold = (x: string) => x.toLocaleLowerCase('ru').replace(/ё/g, 'е');

export function ForwardPicker({
  m,
  forward,
  done,
}: {
  m: Msg;
  forward: NonNullable<ThreadActions['forward']>;
  done: () => void;
}) {
  const [chosen, setChosen] = useState<string[]>([]);
  const [query, setQuery] = useState('');
  const targets = forward.targets().filter((c) => !query || fold(c.title).includes(fold(query)));
  return (
    <Dialog title={t('chat.forwardTo')} onClose={done} id="forward-dialog">
      <label class="search-box">
        <Search aria-hidden="true" />
        <input
          type="search"
          value={query}
          placeholder={t('chat.findChat')}
          aria-label={t('chat.findChat')}
          onInput={(e) => setQuery((e.target as HTMLInputElement).value)}
        />
      </label>
      <fieldset class="forward">
        <legend class="visually-hidden">{t('chat.forwardTo')}</legend>
        {targets.map((c) => (
          <label key={c.chatId}>
            <input
              type="checkbox"
              data-forward-to={c.chatId}
              checked={chosen.includes(c.chatId)}
              disabled={!chosen.includes(c.chatId) && chosen.length >= FORWARD_LIMIT}
              onChange={(e) =>
                setChosen(
                  (e.target as HTMLInputElement).checked
                    ? [...chosen, c.chatId]
                    : chosen.filter((x) => x !== c.chatId),
                )
              }
            />
            <span {...userText()}>{c.title}</span>
          </label>
        ))}
      </fieldset>
      <div class="dialog-actions">
        <button type="button" class="ghost" onClick={done}>
          {t('common.cancel')}
        </button>
        <button
          type="button"
          class="primary"
          id="forward-send"
          disabled={!chosen.length}
          onClick={() => {
            forward.send(m, chosen);
            done();
          }}
        >
          {t('chat.forward')}
        </button>
      </div>
    </Dialog>
  );
}
