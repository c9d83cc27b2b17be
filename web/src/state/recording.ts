// Recording and broadcast as the interface sees them: whether the lesson is
// being recorded or broadcast (everyone is told), and for the host (and
// co-hosts the host allows) the controls, the public link, and this room's recordings to download.
import { signal } from '@preact/signals';
import type { CallLink } from '../call/callClient.js';
import { pb } from '../protocol/wire.js';
import type { CallContext } from './callContext.js';
import type { Roster } from './roster.js';

/** A recording fault's notices replace each other (interrupted, back again, disk full). */
const FAULT_TAG = 'recording-fault';
/** "Interrupted" stays on screen while it is true (the next notice replaces it). */
const INTERRUPTED_SHOWN_MS = 15 * 60_000;
/** While a recording is being saved, the list is read again this often. */
const REFRESH_MS = 3000;

export class RecordingStore {
  readonly state = signal<pb.IRecordingState>({});
  readonly recordings = signal<readonly pb.IRecordingInfo[]>([]);
  /** True while a start or stop is on its way: the buttons wait. */
  readonly busy = signal(false);
  /** How many watch the live broadcast (read with the list while the panel is open); null before it is known. */
  readonly viewers = signal<number | null>(null);
  private refresh: ReturnType<typeof setTimeout> | null = null;
  /** The last known setting, so only a change is told. */
  private coHostsMayRecord = false;
  /** The panel shows the list: keep it current. */
  private watching = false;

  private readonly call: CallLink;

  constructor(
    private readonly ctx: CallContext,
    private readonly roster: Roster,
  ) {
    this.call = ctx.call;
    this.call.on('recordingState', (state) => this.changed(state));
    this.call.onJoinAnswer((join) => {
      this.coHostsMayRecord = Boolean(join.settings?.coHostsMayRecord);
    });
    this.call.on('roomSettingsChanged', (e) => this.lent(Boolean(e.settings?.coHostsMayRecord)));
  }

  /** A co-host is told when the host lends or takes back the recorder. */
  private lent(allowed: boolean): void {
    if (allowed === this.coHostsMayRecord) return;
    this.coHostsMayRecord = allowed;
    if (this.roster.self.value?.role !== pb.Role.ROLE_CO_HOST) return;
    this.ctx.toast(
      allowed ? 'rec.coHostsAllowed' : 'rec.coHostsTaken',
      {},
      'info',
      undefined,
      'recording-lent',
    );
  }

  private changed(state: pb.IRecordingState): void {
    const was = this.state.value;
    this.state.value = state;
    if (this.watching) void this.load();
    const host = this.roster.mayRecord;
    if (state.stopReason === 'disk-full') this.ctx.toast('rec.diskFull', {}, 'warn', undefined, FAULT_TAG);
    // The recording pipeline died: the host hears it, and it stays said until it records once more.
    else if (state.interrupted && !was.interrupted && host)
      this.ctx.toast('rec.interrupted', {}, 'warn', INTERRUPTED_SHOWN_MS, FAULT_TAG);
    else if (was.interrupted && !state.interrupted && (state.recording || state.broadcasting) && host)
      this.ctx.toast('rec.resumed', {}, 'info', undefined, FAULT_TAG);
    else if (was.interrupted && !state.interrupted) this.ctx.toasts.dismissWhere((tag) => tag === FAULT_TAG);
    else if (state.recording && !was.recording && !this.roster.mayRecord) this.ctx.toast('rec.startedNotice');
  }

  toggleRecording(): Promise<boolean> {
    const on = Boolean(this.state.value.recording);
    return this.act(async () => {
      await this.call.request(on ? { stopRecording: {} } : { startRecording: {} });
      this.state.value = { ...this.state.value, recording: !on };
    });
  }

  toggleBroadcast(viewerPassword = ''): Promise<boolean> {
    const on = Boolean(this.state.value.broadcasting);
    return this.act(async () => {
      if (on) {
        await this.call.request({ stopBroadcast: {} });
        this.state.value = { ...this.state.value, broadcasting: false };
      } else {
        // Viewers without an account watch at the answer's url; a password keeps strangers out.
        const link = (await this.call.request({ startBroadcast: { viewerPassword } })).broadcast ?? {};
        this.state.value = { ...this.state.value, broadcasting: true, broadcastUrl: link.url ?? '' };
      }
    });
  }

  /** Reads this room's recordings; again shortly while one is still being saved. */
  async load(): Promise<void> {
    this.watching = true;
    if (this.refresh) clearTimeout(this.refresh);
    this.refresh = null;
    const ok = await this.ctx.run(async () => {
      const r = await this.call.request({ listRecordings: {} });
      this.recordings.value = r.recordings?.recordings ?? [];
    });
    await this.readViewers();
    if (!this.watching) return;
    const saving = this.recordings.value.some(
      (r) =>
        r.status === pb.RecordingStatus.RECORDING_STATUS_RECORDING ||
        r.status === pb.RecordingStatus.RECORDING_STATUS_FINALIZING,
    );
    if (ok && (saving || this.state.value.recording || this.state.value.broadcasting)) {
      this.refresh = setTimeout(() => void this.load(), REFRESH_MS);
    }
  }

  /**
   * The broadcast page's own status (on this server, whatever address the
   * link names), which counts viewers; asked without a viewer id, so the
   * teacher is not counted.
   */
  private async readViewers(): Promise<void> {
    const { broadcasting, broadcastUrl } = this.state.value;
    if (!broadcasting || !broadcastUrl) {
      this.viewers.value = null;
      return;
    }
    try {
      const res = await fetch(`${new URL(broadcastUrl).pathname}/status`, { cache: 'no-store' });
      if (res.ok) this.viewers.value = Number(((await res.json()) as { viewers?: number }).viewers ?? 0);
    } catch {
      // The count waits for the next read.
    }
  }

  /** Stops re-reading the list (the panel closed). */
  stopLoading(): void {
    this.watching = false;
    if (this.refresh) clearTimeout(this.refresh);
    this.refresh = null;
  }

  async download(recordingId: string): Promise<void> {
    await this.ctx.run(async () => {
      // A short-lived link to download the recording's file.
      const url = (await this.call.request({ getRecordingLink: { recordingId } })).recordingLink?.url ?? '';
      if (url) window.location.assign(url);
    });
  }

  async remove(recordingId: string): Promise<void> {
    if (await this.ctx.run(() => this.call.request({ deleteRecording: { recordingId } }))) {
      this.recordings.value = this.recordings.value.filter((r) => r.recordingId !== recordingId);
    }
  }

  private async act(action: () => Promise<void>): Promise<boolean> {
    if (this.busy.value) return false;
    this.busy.value = true;
    try {
      return await this.ctx.run(action);
    } finally {
      // No reload here: the recording_state event every change brings reloads the list.
      this.busy.value = false;
    }
  }
}
