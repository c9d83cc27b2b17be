import { BreakoutPanel } from './breakoutPanel.js';
// The call page: /room/<id>#token=<token>. Device check, then join (through
// the waiting room if the room has one), then tiles, controls and the people
// panel. Everything a person may do is also checked by the server.
import { CallClient, type RemoteTrack, type SendSource, pb } from './callClient.js';
import { DeviceCheck, type DeviceChoice } from './deviceCheck.js';
import { ModeratorPanel } from './moderatorPanel.js';
import { PeoplePanel } from './peoplePanel.js';
import { RequestError } from './signalingClient.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const statusLine = $('status');
const tiles = $('tiles');

const roomId = decodeURIComponent(location.pathname.split('/')[2] ?? '');
const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;

const REACTION_EMOJI: Record<number, string> = { 1: '👍', 2: '👏', 3: '😄', 4: '😮', 5: '❤️', 6: '🤔' };
const REJOIN_KEY = 'school-call-rejoin';
const RECONNECT_DELAY_MS = 2000;

interface Rejoin {
  cameraOn: boolean;
  micOn: boolean;
}

async function quickDevices(rejoin: Rejoin): Promise<DeviceChoice> {
  try {
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: true,
      video: { width: { ideal: 640 } },
    });
    return { stream, ...rejoin };
  } catch {
    return { stream: null, ...rejoin };
  }
}

function setStatus(text: string): void {
  statusLine.textContent = text;
}

function report(err: unknown): void {
  setStatus(err instanceof RequestError ? err.message.replace(/^ERROR_CODE_\w+: /, '') : String(err));
}

function showNotice(text: string): void {
  $('notice-text').textContent = text;
  $('notice').hidden = false;
  $('notice-close').focus();
}
$('notice-close').addEventListener('click', () => {
  $('notice').hidden = true;
});

function tileFor(participantId: string, name: string): HTMLElement {
  let tile = document.querySelector<HTMLElement>(`.tile[data-participant="${CSS.escape(participantId)}"]`);
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
    const hand = document.createElement('span');
    hand.className = 'hand';
    tile.append(video, label, hand);
    tiles.append(tile);
  }
  return tile;
}

function markHand(p: pb.IParticipant): void {
  const tile = document.querySelector(`.tile[data-participant="${CSS.escape(p.participantId ?? '')}"]`);
  const hand = tile?.querySelector('.hand');
  if (hand) hand.textContent = p.handRaisedAt ? '✋' : '';
}

const audioElements = new Map<string, HTMLAudioElement>();

const closeMessages: Partial<Record<pb.CloseReason, string>> = {
  [pb.CloseReason.CLOSE_REASON_REPLACED]: 'You joined this lesson from another window.',
  [pb.CloseReason.CLOSE_REASON_ROOM_CLOSED]: 'The lesson has ended.',
  [pb.CloseReason.CLOSE_REASON_CALL_ENDED]: 'The teacher ended the lesson.',
  [pb.CloseReason.CLOSE_REASON_REMOVED]: 'The teacher removed you from the lesson. You may join again.',
  [pb.CloseReason.CLOSE_REASON_BANNED]: 'The teacher removed you from this lesson.',
  [pb.CloseReason.CLOSE_REASON_DENIED]: 'The teacher did not let you in.',
  [pb.CloseReason.CLOSE_REASON_SERVER_SHUTDOWN]: 'The server is restarting. Reload the page in a minute.',
};

async function start(): Promise<void> {
  if (!roomId || !token) {
    $('call').hidden = false;
    setStatus('This link is incomplete. Ask your teacher for a new one.');
    return;
  }
  // After a dropped connection the page reloads itself with a fresh token;
  // the person already chose their devices, so skip the check.
  const rejoin = sessionStorage.getItem(REJOIN_KEY);
  sessionStorage.removeItem(REJOIN_KEY);
  const choice = rejoin ? await quickDevices(JSON.parse(rejoin) as Rejoin) : await new DeviceCheck().run();
  // What the person wants on; kept across a reconnect.
  const intent: Rejoin = { cameraOn: choice.cameraOn, micOn: choice.micOn };

  let panel: PeoplePanel | null = null;
  let breakouts: BreakoutPanel | null = null;
  let moderation: ModeratorPanel | null = null;
  const call: CallClient = new CallClient(wsUrl, {
    participantJoined: (p) => {
      tileFor(p.participantId ?? '', p.displayName ?? 'Participant');
      markHand(p);
      showOnlyHere();
      updateCount();
      panel?.refresh();
    },
    participantLeft: (id) => {
      document.querySelector(`.tile[data-participant="${CSS.escape(id)}"]`)?.remove();
      document.querySelector(`.tile[data-participant="${CSS.escape(`${id}:screen`)}"]`)?.remove();
      updateCount();
      panel?.refresh();
    },
    participantUpdated: (p) => {
      markHand(p);
      if (p.participantId === call.self?.participantId) updateSelfControls();
      showOnlyHere();
      panel?.refresh();
      moderation?.render();
    },
    presence: () => {
      updateCount();
      panel?.refresh();
    },
    breakoutsChanged: (state) => {
      breakouts?.update(state);
      panel?.refresh();
    },
    speaking: (ids) => {
      const audible = new Set(ids);
      for (const t of document.querySelectorAll<HTMLElement>('.tile')) {
        t.classList.toggle('talking', audible.has(t.dataset.participant ?? ''));
      }
      panel?.setSpeaking(audible);
    },
    moved: (_location, name, mediaRestart) => {
      showOnlyHere();
      breakouts?.render();
      setStatus(mediaRestart ? 'Reconnected after a media server restart.' : `You are now in ${name}.`);
      updateSelfControls();
    },
    trackAdded: (t) => attach(t),
    trackRemoved: (t) => detach(t),
    settingsChanged: () => {
      updateSelfControls();
      moderation?.render();
    },
    waitingRoomChanged: (waiting) => panel?.showWaiting(waiting),
    reaction: (participantId, reaction) => {
      const who = call.participants.get(participantId)?.displayName ?? 'Someone';
      const span = document.createElement('span');
      span.textContent = `${REACTION_EMOJI[reaction] ?? ''} ${who}`;
      $('reactions').append(span);
      setTimeout(() => span.remove(), 4000);
    },
    attention: (e) =>
      showNotice(
        `${e.fromDisplayName} asks for ${e.everyone ? 'everyone’s' : 'your'} attention${e.message ? `: ${e.message}` : ''}`,
      ),
    mutedByHost: (source, blocked) => {
      if (source === 'microphone') intent.micOn = false;
      else intent.cameraOn = false;
      updateSelfControls();
      setStatus(
        `The teacher turned your ${source} off.` +
          (blocked ? ' You can ask to speak.' : ' You can turn it back on yourself.'),
      );
    },
    activeSpeaker: (id) => {
      for (const t of document.querySelectorAll<HTMLElement>('.tile')) {
        t.classList.toggle('speaking', t.dataset.participant === id);
      }
      panel?.setSpeaker(id);
    },
    disconnected: () => rejoinSoon('Connection lost. Reconnecting…'),
    closed: (reason, message) => {
      if (
        reason === pb.CloseReason.CLOSE_REASON_MEDIA_RESTART ||
        reason === pb.CloseReason.CLOSE_REASON_HOST_LEAVING
      ) {
        rejoinSoon('The media server restarted. Reconnecting…');
        return;
      }
      $('waiting').hidden = true;
      $('call').hidden = false;
      $('controls').hidden = true;
      setStatus(closeMessages[reason] ?? message);
    },
  });
  (window as unknown as { schoolCall: CallClient }).schoolCall = call;

  /** Tiles of people in another room (breakout or main) are hidden. */
  function showOnlyHere(): void {
    for (const tile of tiles.querySelectorAll<HTMLElement>('.tile')) {
      const id = (tile.dataset.participant ?? '').replace(/:screen$/, '');
      const p = call.participants.get(id);
      tile.classList.toggle('elsewhere', Boolean(p) && (p?.location ?? '') !== call.location);
    }
  }

  /** Reloads into the same room with the latest session token, keeping mute state and skipping the device check. */
  function rejoinSoon(message: string): void {
    $('controls').hidden = true;
    setStatus(message);
    sessionStorage.setItem(REJOIN_KEY, JSON.stringify(intent));
    setTimeout(() => {
      location.hash = `token=${call.sessionToken}`;
      location.reload();
    }, RECONNECT_DELAY_MS);
  }

  function updateCount(): void {
    $('count').textContent = `${Math.max(call.participantCount, call.participants.size + 1)} in the lesson`;
  }

  function attach(remote: RemoteTrack): void {
    const name =
      call.participants.get(remote.participantId)?.displayName || remote.displayName || 'Participant';
    const screen = remote.source === pb.MediaSource.MEDIA_SOURCE_SCREEN;
    const tile = screen
      ? tileFor(`${remote.participantId}:screen`, `${name} (screen)`)
      : tileFor(remote.participantId, name);
    if (screen) tile.classList.add('screen');
    if (remote.track.kind === 'video') {
      (tile.querySelector('video') as HTMLVideoElement).srcObject = new MediaStream([remote.track]);
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
    if (remote.source === pb.MediaSource.MEDIA_SOURCE_SCREEN) {
      document
        .querySelector(`.tile[data-participant="${CSS.escape(`${remote.participantId}:screen`)}"]`)
        ?.remove();
      return;
    }
    const tile = document.querySelector(`.tile[data-participant="${CSS.escape(remote.participantId)}"]`);
    const video = tile?.querySelector('video');
    if (video && remote.track.kind === 'video') video.srcObject = null;
  }

  const micButton = $<HTMLButtonElement>('mic');
  const camButton = $<HTMLButtonElement>('cam');
  const handButton = $<HTMLButtonElement>('hand');
  const askButton = $<HTMLButtonElement>('ask');
  const shareButton = $<HTMLButtonElement>('share');

  function updateSelfControls(): void {
    const self = call.self;
    micButton.textContent = call.isPublishing('microphone') ? 'Mute' : 'Unmute';
    camButton.textContent = call.isPublishing('camera') ? 'Stop camera' : 'Start camera';
    micButton.setAttribute('aria-pressed', String(!call.isPublishing('microphone')));
    camButton.setAttribute('aria-pressed', String(!call.isPublishing('camera')));
    handButton.textContent = self?.handRaisedAt ? 'Lower hand' : 'Raise hand';
    handButton.setAttribute('aria-pressed', String(Boolean(self?.handRaisedAt)));
    askButton.hidden = !self?.microphoneBlocked;
    askButton.textContent = self?.asksToSpeak ? 'Stop asking' : 'Ask to speak';
    $('host-controls').hidden = !call.isModerator;
    moderation?.render();
    breakouts?.render();
    shareButton.hidden = !call.maySharescreen;
    shareButton.textContent = call.hasProducer('screen') ? 'Stop sharing' : 'Share screen';
    $<HTMLButtonElement>('end-call').hidden = !call.isHost;
    $('lock').textContent = call.settings.locked ? 'Unlock' : 'Lock';
    $('locked-badge').hidden = !call.settings.locked;
    const label = tiles.querySelector('.tile.self .name');
    if (label) label.textContent = `${self?.displayName ?? 'Me'} (you)`;
  }

  let joined: Awaited<ReturnType<CallClient['join']>>;
  try {
    joined = await call.join(roomId, token);
  } catch (err) {
    $('call').hidden = false;
    report(err);
    return;
  }
  document.title = call.roomTitle || 'Lesson';
  $('room-title').textContent = call.roomTitle;
  if (joined.waiting) $('waiting').hidden = false;
  await joined.admitted;
  $('waiting').hidden = true;
  $('call').hidden = false;
  panel = new PeoplePanel(call, report);
  panel.refresh();
  breakouts = new BreakoutPanel(call, report);
  breakouts.update(call.breakouts);
  moderation = new ModeratorPanel(call, report);
  moderation.render();
  updateCount();

  const selfTile = tileFor(call.self?.participantId ?? 'self', `${call.self?.displayName ?? 'Me'} (you)`);
  selfTile.classList.add('self');
  const stream = choice.stream;
  if (stream) {
    (selfTile.querySelector('video') as HTMLVideoElement).srcObject = new MediaStream(
      stream.getVideoTracks(),
    );
    const [audio] = stream.getAudioTracks();
    const [video] = stream.getVideoTracks();
    try {
      if (audio)
        await call.publish('microphone', audio, !choice.micOn || Boolean(call.self?.microphoneBlocked));
      if (video) await call.publish('camera', video, !choice.cameraOn || Boolean(call.self?.cameraBlocked));
    } catch (err) {
      report(err);
    }
  } else {
    setStatus('No camera or microphone: you can watch and listen.');
  }
  // Controls appear once local media is set up, so they act on real producers.
  $('controls').hidden = false;
  updateSelfControls();

  const toggle = (b: HTMLButtonElement, source: SendSource) =>
    b.addEventListener('click', async () => {
      if (!call.hasProducer(source)) return;
      try {
        await call.setPaused(source, call.isPublishing(source));
        setStatus('');
      } catch (err) {
        report(err);
      }
      if (source === 'microphone') intent.micOn = call.isPublishing(source);
      if (source === 'camera') intent.cameraOn = call.isPublishing(source);
      updateSelfControls();
    });
  toggle(micButton, 'microphone');
  toggle(camButton, 'camera');
  handButton.addEventListener('click', () => call.raiseHand(!call.self?.handRaisedAt).catch(report));
  shareButton.addEventListener('click', async () => {
    try {
      if (call.hasProducer('screen')) {
        await call.unpublish('screen');
      } else {
        const display = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15 } } });
        const [track] = display.getVideoTracks();
        if (!track) return;
        track.addEventListener('ended', () => {
          void call.unpublish('screen').then(updateSelfControls);
        });
        await call.publish('screen', track);
      }
      setStatus('');
    } catch (err) {
      report(err);
    }
    updateSelfControls();
  });
  askButton.addEventListener('click', () => call.askToSpeak(!call.self?.asksToSpeak).catch(report));
  for (const b of document.querySelectorAll<HTMLButtonElement>('[data-reaction]')) {
    b.addEventListener('click', () =>
      call.sendReaction(Number(b.dataset.reaction) as pb.Reaction).catch(report),
    );
  }
  $('mute-all').addEventListener('click', () => call.mute([], 'microphone', false, true).catch(report));
  $('lock').addEventListener('click', () =>
    call.updateSettings({ locked: !call.settings.locked }).catch(report),
  );
  $('attention-all').addEventListener('click', () => call.attractAttention('', '').catch(report));
  $('end-call').addEventListener('click', () => {
    if (confirm('End the lesson for everyone?')) call.endCall().catch(report);
  });
  $('leave').addEventListener('click', async () => {
    await call.leave();
    $('controls').hidden = true;
    setStatus('You left the lesson.');
  });
}

void start();
