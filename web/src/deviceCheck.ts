// The device check before joining: camera preview, microphone level meter,
// choice of devices, and whether to join with camera or microphone off.
export interface DeviceChoice {
  stream: MediaStream | null;
  cameraOn: boolean;
  micOn: boolean;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export class DeviceCheck {
  private stream: MediaStream | null = null;
  private audioContext: AudioContext | null = null;
  private meterFrame = 0;
  private readonly preview = $<HTMLVideoElement>('preview');
  private readonly cameraSelect = $<HTMLSelectElement>('camera-select');
  private readonly micSelect = $<HTMLSelectElement>('mic-select');
  private readonly errorLine = $('prejoin-error');

  /** Shows the panel and resolves with the person's choice when they press Join. */
  async run(): Promise<DeviceChoice> {
    $('prejoin').hidden = false;
    const joinButton = $<HTMLButtonElement>('join-button');
    await this.open();
    await this.listDevices();
    this.cameraSelect.onchange = () => void this.open();
    this.micSelect.onchange = () => void this.open();
    return new Promise((resolve) => {
      // Enabled only now, so a click cannot land before there is a handler.
      joinButton.disabled = false;
      joinButton.focus();
      joinButton.onclick = () => {
        cancelAnimationFrame(this.meterFrame);
        void this.audioContext?.close();
        $('prejoin').hidden = true;
        resolve({
          stream: this.stream,
          cameraOn: $<HTMLInputElement>('camera-on').checked,
          micOn: $<HTMLInputElement>('mic-on').checked,
        });
      };
    });
  }

  private async open(): Promise<void> {
    for (const t of this.stream?.getTracks() ?? []) t.stop();
    const video: MediaTrackConstraints = {
      width: { ideal: 640 },
      height: { ideal: 360 },
      frameRate: { ideal: 24 },
    };
    const audio: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true };
    if (this.cameraSelect.value) video.deviceId = { exact: this.cameraSelect.value };
    if (this.micSelect.value) audio.deviceId = { exact: this.micSelect.value };
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({ audio, video });
      this.errorLine.textContent = '';
    } catch (err) {
      this.stream = null;
      this.errorLine.textContent = `Camera or microphone unavailable (${(err as Error).message}). You can still join to watch and listen.`;
      return;
    }
    this.preview.srcObject = new MediaStream(this.stream.getVideoTracks());
    this.startMeter(this.stream);
  }

  private async listDevices(): Promise<void> {
    const devices = await navigator.mediaDevices.enumerateDevices();
    const fill = (select: HTMLSelectElement, kind: MediaDeviceKind, current: string | undefined) => {
      select.replaceChildren();
      for (const d of devices.filter((x) => x.kind === kind)) {
        const option = document.createElement('option');
        option.value = d.deviceId;
        option.textContent =
          d.label || `${kind === 'videoinput' ? 'Camera' : 'Microphone'} ${select.length + 1}`;
        option.selected = d.deviceId === current;
        select.append(option);
      }
    };
    fill(this.cameraSelect, 'videoinput', this.stream?.getVideoTracks()[0]?.getSettings().deviceId);
    fill(this.micSelect, 'audioinput', this.stream?.getAudioTracks()[0]?.getSettings().deviceId);
  }

  private startMeter(stream: MediaStream): void {
    cancelAnimationFrame(this.meterFrame);
    void this.audioContext?.close();
    if (stream.getAudioTracks().length === 0) return;
    const ctx = new AudioContext();
    this.audioContext = ctx;
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 512;
    ctx.createMediaStreamSource(stream).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const level = $('meter-level');
    const tick = () => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      const rms = Math.sqrt(sum / samples.length);
      level.style.width = `${Math.min(100, rms * 400)}%`;
      this.meterFrame = requestAnimationFrame(tick);
    };
    tick();
  }
}
