// Camera and microphone: opening them with the chosen devices and listing
// what the browser offers.
export interface DeviceChoice {
  stream: MediaStream | null;
  cameraOn: boolean;
  micOn: boolean;
}

export interface DeviceIds {
  camera?: string;
  microphone?: string;
}

export type OpenResult = { stream: MediaStream } | { stream: null; denied: boolean };

export async function openDevices(ids: DeviceIds = {}): Promise<OpenResult> {
  const video: MediaTrackConstraints = {
    width: { ideal: 640 },
    height: { ideal: 360 },
    frameRate: { ideal: 24 },
  };
  const audio: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true };
  if (ids.camera) video.deviceId = { exact: ids.camera };
  if (ids.microphone) audio.deviceId = { exact: ids.microphone };
  try {
    return { stream: await navigator.mediaDevices.getUserMedia({ audio, video }) };
  } catch (err) {
    // Without a camera, a microphone alone is still worth having.
    try {
      return { stream: await navigator.mediaDevices.getUserMedia({ audio }) };
    } catch {
      return { stream: null, denied: (err as Error).name === 'NotAllowedError' };
    }
  }
}

export interface DeviceOption {
  id: string;
  label: string;
}

export async function listDevices(kind: MediaDeviceKind): Promise<DeviceOption[]> {
  const devices = await navigator.mediaDevices.enumerateDevices();
  return devices
    .filter((d) => d.kind === kind && d.deviceId)
    .map((d) => ({ id: d.deviceId, label: d.label }));
}
