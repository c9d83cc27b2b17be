// This person's own microphone, camera and screen as the interface shows
// them: on or off, blocked by the teacher (the microphone button then asks
// to speak), allowed again (the button is highlighted until used), and what
// to turn on again after a reconnect.
import { batch, signal } from '@preact/signals';
import type { CallMedia } from '../call/media/callMedia.js';
import type { Key } from '../i18n/index.js';
import { RequestError } from '../protocol/signalingClient.js';
import { pb } from '../protocol/wire.js';
import type { CallContext } from './callContext.js';
import type { DeviceChoice } from './devices.js';
import type { Roster } from './roster.js';

/** What to turn on again after a dropped connection. */
export interface Rejoin {
  cameraOn: boolean;
  micOn: boolean;
}

const CUE_MS = 20_000;

export class LocalMedia {
  readonly localStream = signal<MediaStream | null>(null);
  readonly micOn = signal(false);
  readonly cameraOn = signal(false);
  readonly hasMic = signal(false);
  readonly hasCamera = signal(false);
  readonly sharing = signal(false);
  /** The teacher just allowed this source: its button is highlighted until used. */
  readonly allowedCue = signal<'microphone' | 'camera' | null>(null);
  /** What the person wants on, kept for a rejoin. */
  intent: Rejoin = { cameraOn: true, micOn: true };
  private cueTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly ctx: CallContext,
    private readonly media: CallMedia,
    private readonly roster: Roster,
  ) {
    const call = ctx.call;
    call.on('mutedByHost', (e) =>
      this.mutedByHost(
        e.source === pb.MediaSource.MEDIA_SOURCE_CAMERA ? 'camera' : 'microphone',
        Boolean(e.blocked),
      ),
    );
    call.on('allowedByHost', (e) =>
      this.allowedByHost(e.source === pb.MediaSource.MEDIA_SOURCE_CAMERA ? 'camera' : 'microphone'),
    );
    // The media engine sent the same tracks again after the move.
    call.on('moved', () => this.sync());
  }

  chosen(choice: DeviceChoice): void {
    this.intent = { cameraOn: choice.cameraOn, micOn: choice.micOn };
    this.localStream.value = choice.stream;
  }

  /** Once in the call: sends the chosen camera and microphone, muted if the person or the teacher wants. */
  async publish(choice: DeviceChoice): Promise<void> {
    const stream = choice.stream;
    const [audio] = stream?.getAudioTracks() ?? [];
    const [video] = stream?.getVideoTracks() ?? [];
    this.hasMic.value = Boolean(audio);
    this.hasCamera.value = Boolean(video);
    if (!audio && !video) {
      this.ctx.toast('status.noDevices');
      return;
    }
    const self = this.roster.self.peek();
    await this.ctx.run(async () => {
      if (audio)
        await this.media.publish('microphone', audio, !choice.micOn || Boolean(self?.microphoneBlocked));
      if (video) await this.media.publish('camera', video, !choice.cameraOn || Boolean(self?.cameraBlocked));
    });
    this.sync();
  }

  async toggleMic(): Promise<void> {
    const self = this.roster.self.value;
    if (!this.media.sending.hasProducer('microphone')) return;
    if (!this.micOn.value && self?.microphoneBlocked) {
      // Blocked by the teacher: the button asks to speak instead of failing.
      if (!self.asksToSpeak) await this.askToSpeak(true);
      else this.ctx.toast('status.micBlocked', {}, 'warn', undefined, 'microphone');
      return;
    }
    await this.setSource('microphone', !this.micOn.value);
  }

  async toggleCamera(): Promise<void> {
    if (!this.media.sending.hasProducer('camera')) return;
    if (!this.cameraOn.value && this.roster.self.value?.cameraBlocked) {
      this.ctx.toast('status.cameraBlocked', {}, 'warn', undefined, 'camera');
      return;
    }
    await this.setSource('camera', !this.cameraOn.value);
  }

  async askToSpeak(asking: boolean): Promise<void> {
    if (await this.ctx.run(() => this.ctx.call.request({ askToSpeak: { asking } }))) {
      if (asking) this.ctx.toast('status.askSent', {}, 'info', undefined, 'microphone');
    }
  }

  async toggleShare(): Promise<void> {
    const media = this.media;
    if (media.sending.hasProducer('screen')) {
      await this.ctx.run(() => media.unpublish('screen'));
      this.sync();
      return;
    }
    let track: MediaStreamTrack | undefined;
    try {
      const display = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15 } } });
      [track] = display.getVideoTracks();
    } catch {
      // The person closed the browser's picker.
      return;
    }
    if (!track) return;
    track.addEventListener('ended', () => {
      void media.unpublish('screen').then(
        () => this.sync(),
        () => this.sync(),
      );
    });
    const ok = await this.ctx.run(() => media.publish('screen', track));
    if (!ok) track.stop();
    this.sync();
  }

  /** Ends the camera and microphone (leaving, or the call ended). */
  stop(): void {
    for (const track of this.localStream.value?.getTracks() ?? []) track.stop();
  }

  private async setSource(source: 'microphone' | 'camera', on: boolean): Promise<void> {
    try {
      await this.media.sending.setPaused(source, !on);
    } catch (err) {
      // Blocked meanwhile: say so in words, as the buttons do.
      if (err instanceof RequestError && err.code === pb.ErrorCode.ERROR_CODE_BLOCKED_BY_HOST) {
        const key = source === 'microphone' ? 'status.micBlocked' : 'status.cameraBlocked';
        this.ctx.toast(key, {}, 'warn', undefined, source);
      } else this.ctx.fail(err);
    }
    if (source === 'microphone') this.intent.micOn = this.media.sending.isPublishing(source);
    else this.intent.cameraOn = this.media.sending.isPublishing(source);
    if (on && this.allowedCue.value === source) this.allowedCue.value = null;
    this.sync();
  }

  private sync(): void {
    const sending = this.media.sending;
    batch(() => {
      this.micOn.value = sending.isPublishing('microphone');
      this.cameraOn.value = sending.isPublishing('camera');
      this.sharing.value = sending.hasProducer('screen');
    });
  }

  private mutedByHost(source: 'microphone' | 'camera', blocked: boolean): void {
    if (source === 'microphone') this.intent.micOn = false;
    else this.intent.cameraOn = false;
    if (this.allowedCue.value === source) this.allowedCue.value = null;
    this.sync();
    const key: Key =
      source === 'microphone'
        ? blocked
          ? 'status.micBlocked'
          : 'status.micMuted'
        : blocked
          ? 'status.cameraBlocked'
          : 'status.cameraMuted';
    this.ctx.toast(key, {}, 'warn', 10_000, source);
  }

  private allowedByHost(source: 'microphone' | 'camera'): void {
    const key = source === 'microphone' ? 'status.micAllowed' : 'status.cameraAllowed';
    this.ctx.toast(key, {}, 'info', 10_000, source);
    this.allowedCue.value = source;
    if (this.cueTimer) clearTimeout(this.cueTimer);
    this.cueTimer = setTimeout(() => {
      if (this.allowedCue.value === source) this.allowedCue.value = null;
    }, CUE_MS);
  }
}
