// For hosts and co-hosts: lesson settings and the queue of raised hands,
// first raised first.
import type { CallClient, pb } from './callClient.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export class ModeratorPanel {
  private loading = false;
  private stale = false;

  constructor(
    private readonly call: CallClient,
    private readonly report: (err: unknown) => void,
  ) {
    const r = report;
    $<HTMLSelectElement>('setting-waiting').addEventListener('change', (e) =>
      call.updateSettings({ waitingRoom: Number((e.target as HTMLSelectElement).value) }).catch(r),
    );
    const flag = (id: string, key: 'guestsAllowed' | 'selfUnmuteAllowed' | 'participantsMayShareScreen') =>
      $<HTMLInputElement>(id).addEventListener('change', (e) =>
        call.updateSettings({ [key]: (e.target as HTMLInputElement).checked }).catch(r),
      );
    flag('setting-guests', 'guestsAllowed');
    flag('setting-unmute', 'selfUnmuteAllowed');
    flag('setting-screen', 'participantsMayShareScreen');
    $('lower-all').addEventListener('click', () => call.lowerHands([], true).catch(r));
  }

  render(): void {
    const moderator = this.call.isModerator;
    $('settings-section').hidden = !moderator;
    const s = this.call.settings;
    $<HTMLSelectElement>('setting-waiting').value = String(s.waitingRoom ?? 2);
    $<HTMLInputElement>('setting-guests').checked = Boolean(s.guestsAllowed);
    $<HTMLInputElement>('setting-unmute').checked = Boolean(s.selfUnmuteAllowed);
    $<HTMLInputElement>('setting-screen').checked = Boolean(s.participantsMayShareScreen);
    void this.loadHands();
  }

  private async loadHands(): Promise<void> {
    if (!this.call.isModerator) {
      $('hands-section').hidden = true;
      return;
    }
    if (this.loading) {
      this.stale = true;
      return;
    }
    this.loading = true;
    this.stale = false;
    let page: pb.IParticipantPage;
    try {
      page = await this.call.listParticipants({ raisedHandsOnly: true, limit: 50 });
    } catch (err) {
      this.report(err);
      return;
    } finally {
      this.loading = false;
      if (this.stale) void this.loadHands();
    }
    const hands = page.participants ?? [];
    $('hands-section').hidden = hands.length === 0;
    $('hands-list').replaceChildren(
      ...hands.map((p) => {
        const li = document.createElement('li');
        li.dataset.participant = p.participantId ?? '';
        li.textContent = p.displayName ?? '';
        return li;
      }),
    );
  }
}
