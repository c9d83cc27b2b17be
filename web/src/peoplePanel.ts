// The side panel: the participants list (sorted by surname, searchable,
// paged from the server so it works at 2000), who speaks and who raised a
// hand, and for hosts the waiting room and per-person actions.
import type { CallClient, pb } from './callClient.js';

const PAGE_SIZE = 50;
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function button(label: string, data: Record<string, string>, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  for (const [k, v] of Object.entries(data)) b.dataset[k] = v;
  b.addEventListener('click', onClick);
  return b;
}

export class PeoplePanel {
  private offset = 0;
  private query = '';
  private speakerId = '';
  private refreshQueued = false;

  constructor(
    private readonly call: CallClient,
    private readonly report: (err: unknown) => void,
  ) {
    $<HTMLInputElement>('people-search').addEventListener('input', (e) => {
      this.query = (e.target as HTMLInputElement).value;
      this.offset = 0;
      this.refresh();
    });
    $('people-prev').addEventListener('click', () => {
      this.offset = Math.max(0, this.offset - PAGE_SIZE);
      this.refresh();
    });
    $('people-next').addEventListener('click', () => {
      this.offset += PAGE_SIZE;
      this.refresh();
    });
    $('admit-all').addEventListener('click', () => this.call.admit([], true).catch(this.report));
  }

  /** Marks everyone audible right now. */
  setSpeaking(audible: Set<string>): void {
    for (const li of document.querySelectorAll<HTMLElement>('#people-list li')) {
      li.classList.toggle('talking', audible.has(li.dataset.participant ?? ''));
    }
  }

  setSpeaker(participantId: string): void {
    this.speakerId = participantId;
    for (const li of document.querySelectorAll<HTMLElement>('#people-list li')) {
      li.classList.toggle('speaking', li.dataset.participant === participantId);
    }
  }

  /** Re-reads the current page; bursts of changes collapse into one request. */
  refresh(): void {
    if (this.refreshQueued) return;
    this.refreshQueued = true;
    setTimeout(() => {
      this.refreshQueued = false;
      void this.load();
    }, 150);
  }

  private async load(): Promise<void> {
    let page: pb.IParticipantPage;
    try {
      page = await this.call.listParticipants({ offset: this.offset, limit: PAGE_SIZE, query: this.query });
    } catch (err) {
      this.report(err);
      return;
    }
    const total = page.total ?? 0;
    if (this.offset >= total && this.offset > 0) {
      this.offset = Math.max(0, total - PAGE_SIZE);
      return this.load();
    }
    const c = page.counts ?? {};
    const n = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;
    $('people-counts').textContent =
      `${n((c.hosts ?? 0) + (c.coHosts ?? 0), 'teacher', 'teachers')} · ${n(c.participants ?? 0, 'pupil', 'pupils')} · ` +
      n(c.guests ?? 0, 'guest', 'guests') +
      (c.raisedHands ? ` · ✋ ${c.raisedHands}` : '');
    $('people-page').textContent = total
      ? `${this.offset + 1}–${this.offset + (page.participants?.length ?? 0)} of ${total}`
      : '';
    $<HTMLButtonElement>('people-prev').disabled = this.offset === 0;
    $<HTMLButtonElement>('people-next').disabled = this.offset + PAGE_SIZE >= total;
    $('people-list').replaceChildren(...(page.participants ?? []).map((p) => this.row(p)));
  }

  private row(p: pb.IParticipant): HTMLLIElement {
    const li = document.createElement('li');
    const id = p.participantId ?? '';
    li.dataset.participant = id;
    li.classList.toggle('speaking', id === this.speakerId);
    const who = document.createElement('span');
    who.className = 'who';
    const role = p.role === 1 ? ' (host)' : p.role === 2 ? ' (co-host)' : p.role === 4 ? ' (guest)' : '';
    const marks = `${p.handRaisedAt ? ' ✋' : ''}${p.asksToSpeak ? ' 🙋 asks to speak' : ''}${p.microphoneBlocked ? ' 🔇' : ''}`;
    who.textContent = `${p.displayName}${role}${marks}`;
    li.append(who);
    const isSelf = id === this.call.self?.participantId;
    const targetIsHost = p.role === 1;
    if (this.call.isModerator && !isSelf && (!targetIsHost || this.call.isHost)) {
      const report = this.report;
      li.append(
        button('Mute', { mute: id }, () => this.call.mute([id], 'microphone', true).catch(report)),
        button('Camera off', { cameraOff: id }, () => this.call.mute([id], 'camera', true).catch(report)),
      );
      if (p.microphoneBlocked || p.asksToSpeak) {
        li.append(button('Allow to speak', { allow: id }, () => this.call.allowToSpeak(id).catch(report)));
      }
      if (p.handRaisedAt)
        li.append(button('Lower hand', { lower: id }, () => this.call.lowerHands([id]).catch(report)));
      li.append(
        button('Attention', { attention: id }, () => this.call.attractAttention(id, '').catch(report)),
      );
      if (this.call.isHost && !targetIsHost) {
        const promote = p.role === 2;
        li.append(
          button(promote ? 'Remove co-host' : 'Make co-host', { role: id }, () =>
            this.call.setRole(id, promote ? 3 : 2).catch(report),
          ),
        );
      }
      const groups = this.call.breakouts.breakouts ?? [];
      if (groups.length > 0 && p.role !== 1 && p.role !== 2) {
        const select = document.createElement('select');
        select.dataset.assign = id;
        select.setAttribute('aria-label', `Breakout room for ${p.displayName}`);
        const current = groups.find((g) => g.participantIds?.includes(id))?.id ?? '';
        for (const [value, label] of [['', 'Main room'], ...groups.map((g) => [g.id ?? '', g.name ?? ''])]) {
          const option = document.createElement('option');
          option.value = value ?? '';
          option.textContent = label ?? '';
          option.selected = value === current;
          select.append(option);
        }
        select.addEventListener('change', () =>
          this.call.assignBreakouts([{ participantId: id, breakoutId: select.value }]).catch(report),
        );
        li.append(select);
      }
      li.append(
        button('Remove', { remove: id }, () => {
          if (confirm(`Remove ${p.displayName} from the lesson?`)) this.call.remove(id, false).catch(report);
        }),
        button('Ban', { ban: id }, () => {
          if (confirm(`Remove ${p.displayName} and refuse them for the rest of this lesson?`)) {
            this.call.remove(id, true).catch(report);
          }
        }),
      );
    }
    return li;
  }

  showWaiting(waiting: pb.IParticipant[]): void {
    $('waiting-section').hidden = !this.call.isModerator || waiting.length === 0;
    $('waiting-count').textContent = `(${waiting.length})`;
    $('waiting-list').replaceChildren(
      ...waiting.map((p) => {
        const li = document.createElement('li');
        const id = p.participantId ?? '';
        const who = document.createElement('span');
        who.className = 'who';
        who.textContent = `${p.displayName}${p.role === 4 ? ' (guest)' : ''}`;
        li.append(
          who,
          button('Admit', { admit: id }, () => this.call.admit([id]).catch(this.report)),
          button('Deny', { deny: id }, () => this.call.deny([id]).catch(this.report)),
        );
        return li;
      }),
    );
  }
}
