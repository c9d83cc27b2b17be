// The call page: /room/<id>#token=<token>. Renders one tile per participant
// and wires the controls to CallClient.
import { schoolcall } from '../../signaling/protocol/generated/protocol.js';
import { CallClient, type RemoteTrack } from './callClient.js';

import pb = schoolcall.v1;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const statusLine = $('status');
const tiles = $('tiles');
const micButton = $<HTMLButtonElement>('mic');
const camButton = $<HTMLButtonElement>('cam');
const leaveButton = $<HTMLButtonElement>('leave');

const roomId = decodeURIComponent(location.pathname.split('/')[2] ?? '');
const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;

function setStatus(text: string): void {
  statusLine.textContent = text;
}

function tileFor(participantId: string, name: string): HTMLElement {
  let tile = document.querySelector<HTMLElement>(`[data-participant="${CSS.escape(participantId)}"]`);
  if (!tile) {
    tile = document.createElement('div');
    tile.className = 'tile';
    tile.dataset.participant = participantId;
    const video = document.createElement('video');
    video.autoplay = true;
    video.playsInline = true;
    video.muted = true;
    const label = document.createElement('span');
    label.className = 'name';
    label.textContent = name;
    tile.append(video, label);
    tiles.append(tile);
  }
  return tile;
}

function updateCount(call: CallClient): void {
  $('count').textContent = `${call.participants.size + 1} in the lesson`;
}

const audioElements = new Map<string, HTMLAudioElement>();

function attach(remote: RemoteTrack, call: CallClient): void {
  const p = call.participants.get(remote.participantId);
  const tile = tileFor(remote.participantId, p?.displayName ?? 'Participant');
  if (remote.track.kind === 'video') {
    const video = tile.querySelector('video') as HTMLVideoElement;
    video.srcObject = new MediaStream([remote.track]);
  } else {
    const audio = document.createElement('audio');
    audio.autoplay = true;
    audio.srcObject = new MediaStream([remote.track]);
    audioElements.set(remote.consumerId, audio);
    tile.append(audio);
  }
}

function detach(remote: RemoteTrack): void {
  audioElements.get(remote.consumerId)?.remove();
  audioElements.delete(remote.consumerId);
  const tile = document.querySelector<HTMLElement>(
    `[data-participant="${CSS.escape(remote.participantId)}"]`,
  );
  const video = tile?.querySelector('video');
  if (video && remote.track.kind === 'video') video.srcObject = null;
}

const closeMessages: Partial<Record<pb.CloseReason, string>> = {
  [pb.CloseReason.CLOSE_REASON_REPLACED]: 'You joined this lesson from another window.',
  [pb.CloseReason.CLOSE_REASON_ROOM_CLOSED]: 'The lesson has ended.',
  [pb.CloseReason.CLOSE_REASON_SERVER_SHUTDOWN]: 'The server is restarting. Reload the page in a minute.',
};

async function start(): Promise<void> {
  if (!roomId || !token) {
    setStatus('This link is incomplete. Ask your teacher for a new one.');
    return;
  }
  const call: CallClient = new CallClient(wsUrl, {
    participantJoined: (p) => {
      tileFor(p.participantId ?? '', p.displayName ?? 'Participant');
      updateCount(call);
    },
    participantLeft: (id) => {
      document.querySelector(`[data-participant="${CSS.escape(id)}"]`)?.remove();
      updateCount(call);
    },
    trackAdded: (t) => attach(t, call),
    trackRemoved: (t) => detach(t),
    closed: (reason, message) => {
      if (reason === pb.CloseReason.CLOSE_REASON_MEDIA_RESTART) {
        setStatus('Reconnecting…');
        setTimeout(() => location.reload(), 1000);
        return;
      }
      setStatus(closeMessages[reason] ?? message);
      for (const b of [micButton, camButton, leaveButton]) b.disabled = true;
    },
  });
  (window as unknown as { schoolCall: CallClient }).schoolCall = call;

  try {
    await call.join(roomId, token);
  } catch (err) {
    setStatus(`Could not join: ${(err as Error).message}`);
    return;
  }
  document.title = call.roomTitle || 'Lesson';
  $('room-title').textContent = call.roomTitle;
  updateCount(call);

  const selfTile = tileFor(call.self?.participantId ?? 'self', `${call.self?.displayName ?? 'Me'} (you)`);
  selfTile.classList.add('self');
  try {
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true },
      video: { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 24 } },
    });
    (selfTile.querySelector('video') as HTMLVideoElement).srcObject = new MediaStream(
      stream.getVideoTracks(),
    );
    const [audio] = stream.getAudioTracks();
    const [video] = stream.getVideoTracks();
    if (audio) await call.publish('microphone', audio);
    if (video) await call.publish('camera', video);
    setStatus('');
  } catch (err) {
    setStatus(
      `Camera or microphone unavailable (${(err as Error).message}); you can still watch and listen.`,
    );
  }

  const toggle = (button: HTMLButtonElement, source: 'microphone' | 'camera', on: string, off: string) => {
    button.disabled = false;
    button.addEventListener('click', async () => {
      const pause = call.isPublishing(source);
      await call.setPaused(source, pause);
      button.textContent = pause ? off : on;
      button.setAttribute('aria-pressed', String(pause));
    });
  };
  toggle(micButton, 'microphone', 'Mute', 'Unmute');
  toggle(camButton, 'camera', 'Stop camera', 'Start camera');
  leaveButton.disabled = false;
  leaveButton.addEventListener('click', async () => {
    await call.leave();
    setStatus('You left the lesson.');
    for (const b of [micButton, camButton, leaveButton]) b.disabled = true;
  });
}

void start();
