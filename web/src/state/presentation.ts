// A document presented in the call (presentation.proto) as the call page
// knows it: what is shown where this person is, and the requests hosts make.
// The pages are pictures on the board of this place; the stage fetches them
// (web/src/whiteboard/DocumentStage.tsx).
import { type ReadonlySignal, computed, signal } from '@preact/signals';
import type { CallLink } from '../call/callClient.js';
import type { pb } from '../protocol/wire.js';

export class PresentationSession {
  readonly shown = signal<pb.IPresentedDocument>({ pages: [], page: 0 });
  /** Something is presented here: it takes the stage. */
  readonly active: ReadonlySignal<boolean>;

  constructor(
    readonly call: CallLink,
    /** The presenter's client sends the page shown as video too (recordings, broadcasts). */
    readonly media: {
      publish(source: 'document', track: MediaStreamTrack): Promise<void>;
      unpublish(source: 'document'): Promise<void>;
    },
    readonly self: ReadonlySignal<pb.IParticipant | null>,
  ) {
    this.active = computed(() => (this.shown.value.pages ?? []).length > 0);
    call.on('presentedDocument', (shown) => {
      this.shown.value = shown;
    });
  }

  present(title: string, pages: string[]) {
    return this.call.request({ presentDocument: { title, pages } });
  }

  turn(page: number) {
    return this.call.request({ turnDocumentPage: { page } });
  }

  stop() {
    return this.call.request({ stopPresenting: {} });
  }
}
