// WebVTT text (W3C WebVTT): timestamps, cue text escaping and voice spans
// that carry the speaker's name.

/** HH:MM:SS.mmm of a duration in milliseconds (negative clamps to zero). */
export function vttTimestamp(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor((total % 3_600_000) / 60_000);
  const s = Math.floor((total % 60_000) / 1000);
  const milli = total % 1000;
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(h)}:${two(m)}:${two(s)}.${String(milli).padStart(3, '0')}`;
}

/** Cue text: "&", "<" and ">" are markup; "-->" and blank lines would end the cue. */
export function escapeCueText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r?\n\s*\r?\n/g, '\n')
    .trim();
}

/** A voice annotation may not hold ">" or a line break. */
function voiceName(name: string): string {
  return escapeCueText(name).replace(/[\r\n]+/g, ' ') || '?';
}

export interface VttCue {
  startMs: number;
  endMs: number;
  speaker: string;
  text: string;
}

/** One cue: timing line and `<v Speaker>text`. */
export function vttCue(cue: VttCue): string {
  const end = Math.max(cue.endMs, cue.startMs + 1);
  return `${vttTimestamp(cue.startMs)} --> ${vttTimestamp(end)}\n<v ${voiceName(cue.speaker)}>${escapeCueText(cue.text)}`;
}

/** A whole WebVTT file. */
export function vttDocument(cues: VttCue[], headerLines: string[] = []): string {
  const blocks = [['WEBVTT', ...headerLines].join('\n'), ...cues.map(vttCue)];
  return `${blocks.join('\n\n')}\n`;
}
