// Forwarding a message: the chats it may go to, up to the server's limit,
// chosen with checkboxes under the message; sent, or closed without.
import { useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { FORWARD_LIMIT, type ThreadActions } from './actions.js';
import type { Msg } from './format.js';

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
  return (
    <fieldset class="forward">
      <legend>{t('chat.forwardTo')}</legend>
      {forward.targets().map((c) => (
        <label key={c.chatId}>
          <input
            type="checkbox"
            data-forward-to={c.chatId}
            disabled={!chosen.includes(c.chatId) && chosen.length >= FORWARD_LIMIT}
            onChange={(e) =>
              setChosen(
                (e.target as HTMLInputElement).checked
                  ? [...chosen, c.chatId]
                  : chosen.filter((x) => x !== c.chatId),
              )
            }
          />
          {c.title}
        </label>
      ))}
      <div class="forward-actions">
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
    </fieldset>
  );
}
