// This device's camera and microphone with the person's effects applied:
// the background (off, blur, a picture) and noise suppression. It holds the
// raw tracks from getUserMedia and gives out `stream`, the tracks to show and
// send: the raw ones while an effect is off, the processed ones while it is
// on. When a track changes it tells its listeners (the call swaps the
// producer's track with replaceTrack: no renegotiation). Only this browser
// sees the frames and the sound; the server learns nothing new.
import { signal } from '@preact/signals';
import { BackgroundEffect } from './backgroundEffect.js';
import { hasBreakoutBox } from './insertableStreams.js';
import { NoiseSuppressor } from './noiseSuppressor.js';
import { type PictureId, pictureUrl } from './pictures.js';
import {
  type BackgroundChoice,
  noiseDefault,
  storeBackground,
  storeNoise,
  storeOwnPicture,
  storedBackground,
  storedNoise,
  storedOwnPicture,
} from './preferences.js';
import type { EffectStats, WorkerBackground } from './protocol.js';

export type EffectState = 'off' | 'starting' | 'on' | 'failed';
export type EffectProblem = 'tooSlow' | 'videoFailed' | 'unsupported' | 'audioFailed' | 'badPicture';
export type TrackKind = 'audio' | 'video';

type TrackListener = (kind: TrackKind, track: MediaStreamTrack) => void;

function workerBackground(choice: BackgroundChoice): WorkerBackground {
  if (choice === 'blur-light') return { kind: 'blur', strength: 'light' };
  if (choice === 'blur-strong') return { kind: 'blur', strength: 'strong' };
  return { kind: 'picture' };
}

async function decode(url: string): Promise<ImageBitmap> {
  // The own picture is kept as a data: URL, which the page may not fetch (CSP connect-src 'self').
  if (url.startsWith('data:')) return createImageBitmap(dataUrlBlob(url));
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return createImageBitmap(await response.blob());
}

function dataUrlBlob(url: string): Blob {
  const comma = url.indexOf(',');
  const type = url.slice('data:'.length, comma).split(';')[0] ?? '';
  const binary = atob(url.slice(comma + 1));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Blob([bytes], { type });
}

/** Largest own picture kept: the camera's frame is at most this big. */
const OWN_MAX = { width: 1280, height: 720 };

export class LocalEffects {
  readonly background = signal<BackgroundChoice>(storedBackground());
  readonly noise = signal<boolean>(storedNoise() ?? true);
  readonly videoState = signal<EffectState>('off');
  readonly audioState = signal<EffectState>('off');
  /** What to show and send. A new stream object whenever a track changes. */
  readonly stream = signal<MediaStream | null>(null);
  /** The last thing that went wrong, for a message; `at` tells repeats apart. */
  readonly problem = signal<{ kind: EffectProblem; at: number } | null>(null);
  /** The background worker's latest figures (tests and the benchmark read them). */
  readonly stats = signal<EffectStats | null>(null);
  readonly ownPicture = signal<string | null>(storedOwnPicture());
  /** Whether this browser can run the background (Chromium's breakout box). */
  readonly videoSupported = hasBreakoutBox();
  /**
   * Called just before the raw camera replaces a background that stopped on
   * its own (too slow, failed): the call turns the camera off first, so the
   * room is not shown without the person choosing to.
   */
  beforeFallback: () => void = () => {};
  /** For the benchmark: keep the first quality level whatever it costs. */
  adapt = true;

  private raw: MediaStream | null = null;
  private video: BackgroundEffect | null = null;
  private audio: NoiseSuppressor | null = null;
  private audioStarting = false;
  private videoActive = true;
  private audioActive = true;
  /** Bumped by attach(): work started for an older stream is dropped. */
  private generation = 0;
  private readonly listeners = new Set<TrackListener>();

  /** The default for noise suppression once the role is known, unless the person chose already. */
  setRole(role: string | null): void {
    if (storedNoise() !== null) return;
    const on = noiseDefault(role);
    if (on === this.noise.peek()) return;
    this.noise.value = on;
    this.applyAudio();
  }

  onTrack(listener: TrackListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Takes the raw tracks of a newly opened camera and microphone (stopping the previous ones). */
  attach(raw: MediaStream | null): void {
    // The old tracks end here: nobody needs to be told to send them.
    this.stopVideo(false);
    this.stopAudio(false);
    if (this.raw && this.raw !== raw) for (const track of this.raw.getTracks()) track.stop();
    this.raw = raw;
    this.generation++;
    this.publish();
    void this.applyVideo();
    this.applyAudio();
  }

  /** Stops everything: the effects and the camera and microphone themselves. */
  release(): void {
    this.attach(null);
  }

  async setBackground(choice: BackgroundChoice): Promise<void> {
    if (choice === 'own' && !this.ownPicture.peek()) return;
    storeBackground(choice);
    this.background.value = choice;
    await this.applyVideo();
  }

  setNoise(on: boolean): void {
    storeNoise(on);
    this.noise.value = on;
    this.applyAudio();
  }

  /**
   * The person's own picture: decoded here, scaled down to the camera's size
   * and kept in this browser as a JPEG. It is never uploaded.
   */
  async setOwnPicture(file: Blob): Promise<boolean> {
    let bitmap: ImageBitmap;
    try {
      bitmap = await createImageBitmap(file);
    } catch {
      this.report('badPicture');
      return false;
    }
    const scale = Math.min(1, OWN_MAX.width / bitmap.width, OWN_MAX.height / bitmap.height);
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    const dataUrl = canvas.toDataURL('image/jpeg', 0.85);
    // Kept for this page even if the browser refuses to store it.
    storeOwnPicture(dataUrl);
    this.ownPicture.value = dataUrl;
    await this.setBackground('own');
    return true;
  }

  /** Whether the camera or microphone is being sent: effects of a muted source stop working (and costing). */
  setActive(kind: TrackKind, active: boolean): void {
    if (kind === 'video') {
      this.videoActive = active;
      this.video?.setActive(active);
    } else {
      this.audioActive = active;
      this.audio?.setActive(active);
    }
  }

  // ---- the camera ------------------------------------------------------------

  private async applyVideo(): Promise<void> {
    const generation = this.generation;
    const rawTrack = this.raw?.getVideoTracks()[0];
    const choice = this.background.peek();
    if (!rawTrack || choice === 'off') {
      this.stopVideo();
      return;
    }
    if (!this.videoSupported) {
      this.report('unsupported');
      this.background.value = 'off';
      return;
    }
    let picture: ImageBitmap | null = null;
    if (choice !== 'blur-light' && choice !== 'blur-strong') {
      try {
        picture = await this.loadPicture(choice);
      } catch {
        this.report('badPicture');
        this.background.value = 'off';
        this.stopVideo();
        return;
      }
      // Chosen again meanwhile, or the devices changed: this picture is stale.
      if (generation !== this.generation || this.background.peek() !== choice) {
        picture.close();
        return;
      }
    }
    if (this.video) {
      this.video.setBackground(workerBackground(choice), picture);
      return;
    }
    // Frames must flow into the worker even if the producer disabled this track while it was sent.
    rawTrack.enabled = true;
    const effect = BackgroundEffect.start(
      rawTrack,
      workerBackground(choice),
      picture,
      {
        ready: () => {
          if (this.video === effect) this.videoState.value = 'on';
        },
        stats: (stats) => {
          if (this.video === effect) this.stats.value = stats;
        },
        failed: () => {
          if (this.video === effect) this.fallBack('videoFailed', false);
        },
        tooSlow: () => {
          if (this.video === effect) this.fallBack('tooSlow', true);
        },
      },
      this.adapt,
    );
    if (!effect) {
      this.report('unsupported');
      this.background.value = 'off';
      return;
    }
    this.video = effect;
    effect.setActive(this.videoActive);
    this.videoState.value = 'starting';
    // Sent at once: until the model is ready the worker sends frames that show nothing of the room.
    this.changed('video');
  }

  private async loadPicture(choice: BackgroundChoice): Promise<ImageBitmap> {
    if (choice === 'own') {
      const own = this.ownPicture.peek();
      if (!own) throw new Error('no own picture');
      return decode(own);
    }
    return decode(pictureUrl(choice.slice('picture:'.length) as PictureId));
  }

  /** The background stopped by itself: say why, turn it off for good (a slow device stays slow), show the camera. */
  private fallBack(problem: EffectProblem, remember: boolean): void {
    this.report(problem);
    this.beforeFallback();
    if (remember) storeBackground('off');
    this.background.value = 'off';
    this.stopVideo();
    this.videoState.value = problem === 'tooSlow' ? 'off' : 'failed';
  }

  private stopVideo(notify = true): void {
    const effect = this.video;
    if (!effect) {
      if (this.videoState.peek() !== 'failed') this.videoState.value = 'off';
      return;
    }
    this.video = null;
    this.stats.value = null;
    this.videoState.value = 'off';
    // The raw track goes out first, then the processed one ends.
    if (notify) this.changed('video');
    effect.stop();
  }

  // ---- the microphone ----------------------------------------------------------

  private applyAudio(): void {
    const rawTrack = this.raw?.getAudioTracks()[0];
    if (!rawTrack || !this.noise.peek()) {
      this.stopAudio();
      return;
    }
    if (this.audio || this.audioStarting) return;
    const generation = this.generation;
    this.audioStarting = true;
    this.audioState.value = 'starting';
    NoiseSuppressor.start(rawTrack).then(
      (suppressor) => {
        this.audioStarting = false;
        if (generation !== this.generation || !this.noise.peek()) {
          suppressor.stop();
          if (generation === this.generation) this.audioState.value = 'off';
          else this.applyAudio();
          return;
        }
        this.audio = suppressor;
        suppressor.setActive(this.audioActive);
        this.audioState.value = 'on';
        this.changed('audio');
      },
      (err: unknown) => {
        this.audioStarting = false;
        console.warn('noise suppression failed', err);
        if (generation !== this.generation) return this.applyAudio();
        this.audioState.value = 'failed';
        this.report('audioFailed');
      },
    );
  }

  private stopAudio(notify = true): void {
    const suppressor = this.audio;
    this.audio = null;
    // A start under way finishes by itself and sees it is no longer wanted.
    if (!this.audioStarting) this.audioState.value = 'off';
    if (!suppressor) return;
    if (notify) this.changed('audio');
    suppressor.stop();
  }

  // ---- tracks out ---------------------------------------------------------------

  private track(kind: TrackKind): MediaStreamTrack | undefined {
    if (kind === 'video') return this.video?.output ?? this.raw?.getVideoTracks()[0];
    return this.audio?.output ?? this.raw?.getAudioTracks()[0];
  }

  private publish(): void {
    if (!this.raw) {
      this.stream.value = null;
      return;
    }
    const tracks = [this.track('audio'), this.track('video')].filter((t): t is MediaStreamTrack => !!t);
    this.stream.value = new MediaStream(tracks);
  }

  private changed(kind: TrackKind): void {
    this.publish();
    const track = this.track(kind);
    if (!track) return;
    for (const listener of this.listeners) listener(kind, track);
  }

  private report(kind: EffectProblem): void {
    this.problem.value = { kind, at: Date.now() };
  }
}

/** The page's one set of local effects (one camera, one microphone). */
export const localEffects = new LocalEffects();
