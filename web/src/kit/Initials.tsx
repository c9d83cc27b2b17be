// A person without a picture: the initials of their name on a colour that
// stays the same for the same name.
const COLOURS = ['#3b5bdb', '#2b8a3e', '#c2255c', '#7048e8', '#d9480f', '#0b7285', '#5c940d', '#862e9c'];

export function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : words;
  return letters
    .map((w) => Array.from(w ?? '')[0] ?? '')
    .join('')
    .toLocaleUpperCase();
}

function colourOf(name: string): string {
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  return COLOURS[hash % COLOURS.length] ?? '#3b5bdb';
}

export function Initials({ name, size }: { name: string; size?: 'small' | 'large' }) {
  return (
    <div class={`initials ${size ?? ''}`} aria-hidden="true">
      <span style={{ background: colourOf(name) }}>{initialsOf(name) || '?'}</span>
    </div>
  );
}
