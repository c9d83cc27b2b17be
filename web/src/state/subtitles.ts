// Subtitles as the interface sees them: whether the server can make them and
// a host turned them on, whether this person shows them, and the caption
// lines on screen (each speaker's latest line: growing text, then the final
// one, which fades after a while).
import { signal } from '@preact/signals';
import type { CallLink } from '../call/callClient.js';
import type { pb } from '../protocol/wire.js';
import type { CallContext } from './callContext.js';

export interface Caption {
  participantId: string;
  name: string;
  text: string;
  final: boolean;
}

/** A final line stays this long, unless the same speaker goes on. */
const CAPTION_MS = 6000;
/** At most this many speakers' lines at once. */
const MAX_CAPTIONS = 2;

export class SubtitlesStore {
  readonly state = signal<pb.ISubtitlesState>({});
  readonly captions = signal<readonly Caption[]>([]);
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  private readonly call: CallLink;

  constructor(private readonly ctx: CallContext) {
    this.call = ctx.call;
    this.call.on('subtitleLine', (line) => this.line(line));
    this.call.on('subtitlesChanged', (e) => this.changed(e.state ?? {}));
    // Hosts only (the server sends it to them): the transcriber was replaced, some speech may be missing.
    this.call.on('subtitlesRestarted', () =>
      ctx.toast('subtitles.restarted', {}, 'warn', 12_000, 'subtitles-restarted'),
    );
    ctx.inCall(() => void this.load());
  }

  /** After joining: what the server offers, and the choice this person made before. */
  async load(): Promise<void> {
    try {
      this.state.value = (await this.call.request({ getSubtitles: {} })).subtitles ?? {};
    } catch {
      // An older server without subtitles: the controls stay hidden.
    }
  }

  /** Show or hide captions for oneself. */
  toggleCaptions(): Promise<boolean> {
    const subscribe = !this.state.value.subscribed;
    if (!subscribe) this.clear();
    return this.ctx.run(async () => {
      this.state.value = await this.subscribe(subscribe);
    });
  }

  /** Hosts: subtitles on or off for everyone, in the language and translation chosen. */
  toggleForRoom(): Promise<boolean> {
    const { enabled: was, language, translateToEnglish } = this.state.value;
    const enabled = !was;
    return this.ctx.run(async () => {
      const set = { enabled, language: language ?? 0, translateToEnglish: Boolean(translateToEnglish) };
      this.state.value = (await this.call.request({ setSubtitles: set })).subtitles ?? {};
      // Whoever turns them on wants to see them too.
      if (enabled && !this.state.value.subscribed) this.state.value = await this.subscribe(true);
    });
  }

  /** Hosts: the language subtitles are made in, and translation into English (on or off alike). */
  choose(language: pb.SubtitleLanguage, translateToEnglish: boolean): Promise<boolean> {
    const enabled = Boolean(this.state.value.enabled);
    return this.ctx.run(async () => {
      const set = { enabled, language, translateToEnglish };
      this.state.value = (await this.call.request({ setSubtitles: set })).subtitles ?? {};
    });
  }

  /**
   * Hosts and co-hosts: the call's transcript so far as text, or null (a
   * refusal, or nothing said with subtitles on yet: the person is told).
   */
  async transcriptSoFar(): Promise<string | null> {
    let text = '';
    const ok = await this.ctx.run(async () => {
      text = (await this.call.request({ getTranscript: { vtt: false } })).transcript?.text ?? '';
    });
    if (ok && !text) this.ctx.toast('sub.transcriptEmpty');
    return ok && text ? text : null;
  }

  private async subscribe(subscribe: boolean): Promise<pb.ISubtitlesState> {
    return (await this.call.request({ subscribeSubtitles: { subscribe } })).subtitles ?? {};
  }

  private changed(state: pb.ISubtitlesState): void {
    this.state.value = { ...state, subscribed: this.state.value.subscribed };
    if (!state.enabled) this.clear();
  }

  /** A subtitle line (only after subscribing): a partial, or the final that replaces it. */
  private line(line: pb.ISubtitleLine): void {
    const id = line.participantId ?? '';
    const text = line.dropped ? '' : (line.text ?? '').trim();
    const others = this.captions.value.filter((c) => c.participantId !== id);
    clearTimeout(this.timers.get(id));
    if (!text) {
      this.captions.value = others;
      return;
    }
    const caption = { participantId: id, name: line.speakerName ?? '', text, final: Boolean(line.final) };
    this.captions.value = [...others, caption].slice(-MAX_CAPTIONS);
    if (caption.final) {
      this.timers.set(
        id,
        setTimeout(() => {
          this.captions.value = this.captions.value.filter((c) => c !== caption);
        }, CAPTION_MS),
      );
    }
  }

  clear(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.captions.value = [];
  }
}
