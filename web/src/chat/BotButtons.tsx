// A bot's buttons under its message (messaging/bots.ts): pressing one tells
// the bot (by its webhook); the button waits while the server is asked, then
// the person reads that the bot was told, or why not.
import { useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import type { ThreadActions } from './actions.js';
import type { Msg } from './format.js';

export function BotButtons({ m, actions }: { m: Msg; actions: ThreadActions }) {
  const [pressing, setPressing] = useState<number | null>(null);
  const [said, setSaid] = useState<{ index: number; ok: boolean } | null>(null);
  const press = async (index: number) => {
    if (!actions.pressButton) return;
    setPressing(index);
    setSaid(null);
    const ok = await actions.pressButton(m, index).catch(() => false);
    setSaid({ index, ok });
    // A short pause before the same button can be pressed again.
    setTimeout(() => setPressing(null), 1500);
  };
  return (
    <div class="bot-buttons">
      {(m.buttons ?? []).map((b, i) => (
        <button
          // biome-ignore lint/suspicious/noArrayIndexKey: a message's buttons never change order.
          key={i}
          type="button"
          class="small"
          disabled={pressing !== null || !actions.pressButton}
          onClick={() => void press(i)}
        >
          {b.label}
        </button>
      ))}
      <output class="bot-buttons-status">
        {said
          ? said.ok
            ? t('chat.botPressed', { label: m.buttons?.[said.index]?.label ?? '' })
            : t('chat.botPressFailed')
          : ''}
      </output>
    </div>
  );
}
