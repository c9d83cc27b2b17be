// What the stage shows of the others: each person's camera, screen and
// audio as received (the media engine keeps them), who speaks now and when
// each last spoke (for ordering tiles), and whose cameras the server holds
// back in a large lesson (last-N: their tiles show initials).
import { type ReadonlySignal, batch, signal } from '@preact/signals';
import type { CallMedia } from '../call/media/callMedia.js';
import type { PersonMedia } from '../call/media/tracks.js';
import type { CallContext } from './callContext.js';

export class StageMedia {
  /** What we receive, by participant id. */
  readonly people: ReadonlySignal<ReadonlyMap<string, PersonMedia>>;
  readonly speakingNow = signal<ReadonlySet<string>>(new Set());
  readonly activeSpeakerId = signal('');
  /** When each participant last spoke (ms), for ordering tiles. */
  readonly lastSpoke = signal<ReadonlyMap<string, number>>(new Map());
  /** Participants whose cameras the server does not forward now (last-N in a large lesson). */
  readonly suppressedVideo = signal<ReadonlySet<string>>(new Set());

  constructor(
    ctx: CallContext,
    readonly media: CallMedia,
  ) {
    this.people = media.receiving.people;
    const call = ctx.call;
    call.on('activeSpeakerChanged', (e) => {
      this.activeSpeakerId.value = e.participantId ?? '';
    });
    call.on('speakingChanged', (e) => this.speaking(e.participantIds ?? []));
    call.on('videoSuppressed', (e) => {
      this.suppressedVideo.value = new Set(e.participantIds ?? []);
    });
  }

  private speaking(participantIds: string[]): void {
    const now = Date.now();
    const spoke = new Map(this.lastSpoke.value);
    for (const id of participantIds) spoke.set(id, now);
    batch(() => {
      this.speakingNow.value = new Set(participantIds);
      this.lastSpoke.value = spoke;
    });
  }
}
