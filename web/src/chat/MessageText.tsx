import { userText } from '../kit/userText.js';
// A message's text, with the people it mentions ("@Name") highlighted when
// the message carries mentions.
import type { Msg } from './format.js';
import { mentionParts } from './mentions.js';

export function MessageText({ m }: { m: Msg }) {
  const text = m.text ?? '';
  if (!(m.mentions ?? []).length) return <p {...userText('msg-text')}>{text}</p>;
  return (
    <p {...userText('msg-text')}>
      {mentionParts(text).map((p, i) =>
        p.mention ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one text, in order
          <mark key={i} class="mention">
            {p.text}
          </mark>
        ) : (
          p.text
        ),
      )}
    </p>
  );
}
