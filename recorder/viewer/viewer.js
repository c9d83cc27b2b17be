// The public broadcast page: polls the broadcast's status (which also counts
// this viewer), plays the live stream with hls.js tuned for low latency, or
// the recording once the broadcast has ended. Russian first; ?lang=en.
// Subtitles: while the room's subtitles are on (or the recording has them)
// a "Субтитры" button shows them over the picture. Off until the viewer
// turns them on (remembered for next time): then every viewer fetches a
// second playlist and a WebVTT file each second, so only those who want
// them pay for them, and the text is machine-made, not checked by anyone.
// With subtitles on, the player stays further behind the room: a line is
// final only after its words, so a subtitle segment is published seconds
// after the video's, and a player that waits for it shows each line with
// its words instead of after them.
(() => {
  const TEXT = {
    ru: {
      live: 'В эфире',
      notStarted: 'Трансляция ещё не началась. Страница включит её сама.',
      ended: 'Трансляция закончилась.',
      endedReplay: 'Трансляция закончилась. Ниже её запись.',
      passwordLabel: 'Пароль для зрителей',
      watch: 'Смотреть',
      wrongPassword: 'Неверный пароль',
      viewers: (n) => `Зрителей: ${n}`,
      unknown: 'Такой трансляции нет.',
      noPlayer: 'Браузер не может показать эту трансляцию.',
      other: 'English',
      subtitles: 'Субтитры',
      unmute: 'Включить звук',
      comments: 'Комментарии',
      commentsOff: 'Комментарии к этой трансляции выключены.',
      commentsEmpty: 'Комментариев пока нет.',
      yourName: 'Ваше имя',
      yourComment: 'Комментарий',
      send: 'Отправить',
      rename: 'Изменить имя',
      as: ['Вы пишете как ', '.'],
      noName: 'Напишите своё имя: его увидят под комментарием.',
      sent: 'Комментарий опубликован.',
      pending: 'Спасибо! Комментарий появится, когда его проверит учитель.',
      tooMany: 'Слишком много комментариев подряд. Подождите полминуты.',
      nameLetters:
        'В имени можно писать только русские или латинские буквы, цифры, пробел, дефис, апостроф и точку.',
      nameTaken: 'Это имя учителя или участника урока. Напишите своё имя.',
      nameRole: 'Это имя похоже на роль (учитель, ведущий…). Напишите своё имя.',
      closed: 'Трансляция не идёт: комментарии закрыты.',
      failed: 'Не удалось отправить. Попробуйте ещё раз.',
    },
    en: {
      live: 'Live',
      notStarted: 'The broadcast has not started yet. This page will start it by itself.',
      ended: 'The broadcast has ended.',
      endedReplay: 'The broadcast has ended. Its recording is below.',
      passwordLabel: 'Viewer password',
      watch: 'Watch',
      wrongPassword: 'Wrong password',
      viewers: (n) => `Viewers: ${n}`,
      unknown: 'There is no such broadcast.',
      noPlayer: 'This browser cannot play the broadcast.',
      other: 'Русский',
      subtitles: 'Subtitles',
      unmute: 'Turn sound on',
      comments: 'Comments',
      commentsOff: 'Comments are off for this broadcast.',
      commentsEmpty: 'No comments yet.',
      yourName: 'Your name',
      yourComment: 'Comment',
      send: 'Send',
      rename: 'Change the name',
      as: ['You write as ', '.'],
      noName: 'Write your name: it is shown with your comment.',
      sent: 'Comment published.',
      pending: 'Thank you! The comment appears once the teacher has checked it.',
      tooMany: 'Too many comments in a row. Wait half a minute.',
      nameLetters:
        'A name may use only Russian or Latin letters, digits, spaces, hyphens, apostrophes and dots.',
      nameTaken: "This is the teacher's or a participant's name. Please write your own.",
      nameRole: 'That name looks like a role (teacher, host…). Please write your own name.',
      closed: 'The broadcast is not live: comments are closed.',
      failed: 'Could not send. Please try again.',
    },
  };
  /**
   * Puts text someone typed (a name, a comment, the title) into `el` as a
   * text node, never markup, with the web client's isolation (its
   * web/src/kit/userText.ts): dir="auto" from its own first strong letter and
   * `unicode-bidi: isolate` (viewer.css .user-text), so a right-to-left name
   * cannot reorder the words around it.
   */
  function userText(el, text) {
    el.dir = 'auto';
    el.classList.add('user-text');
    el.textContent = text;
    return el;
  }
  const params = new URLSearchParams(location.search);
  const lang = params.get('lang') === 'en' ? 'en' : 'ru';
  const t = TEXT[lang];
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t[el.dataset.i18n];
  const langLink = document.getElementById('lang');
  langLink.textContent = t.other;
  langLink.href = lang === 'en' ? '?lang=ru' : '?lang=en';

  const base = location.pathname.replace(/\/+$/, '');
  const video = document.getElementById('video');
  const notice = document.getElementById('notice');
  const form = document.getElementById('password-form');
  let viewerId = sessionStorage.getItem('viewer-id');
  if (!viewerId) {
    viewerId = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) =>
      b.toString(16).padStart(2, '0'),
    ).join('');
    sessionStorage.setItem('viewer-id', viewerId);
  }
  // Browsers start a video by itself only muted: while it plays muted, a button says how to hear it.
  const unmuteButton = document.getElementById('unmute-button');
  const showUnmute = () => {
    unmuteButton.hidden = !(video.muted && !video.hidden && video.readyState >= 2);
  };
  for (const e of ['volumechange', 'playing', 'loadeddata', 'emptied']) video.addEventListener(e, showUnmute);
  unmuteButton.addEventListener('click', () => {
    video.muted = false;
    video.play().catch(() => {});
  });
  let playing = null; // 'live' | 'replay'
  let timer = 0;
  const schedule = (ms) => {
    clearTimeout(timer);
    timer = setTimeout(poll, ms);
  };
  let hls = null;

  /** Seconds behind the newest segment, and the most before jumping ahead (plain; with subtitles). */
  const LATENCY = {
    plain: { sync: 1.5, max: 6 },
    subtitles: { sync: 6.5, max: 12 },
  };
  const subtitlesButton = document.getElementById('subtitles-button');
  let subtitlesWanted = localStorage.getItem('broadcast-subtitles') === 'on';
  /** The broadcast has subtitles now (the room's are on, or the recording has them). */
  let subtitlesOffered = false;
  const showSubtitles = () => subtitlesWanted && subtitlesOffered;

  /** Shows or hides the subtitles of what plays now (hls.js, Safari's own HLS, or the replay's track). */
  function applySubtitles() {
    subtitlesButton.setAttribute('aria-pressed', String(subtitlesWanted));
    if (hls) {
      setLatency();
      if (hls.subtitleTracks.length === 0) return; // applied again once the master playlist is read
      hls.subtitleDisplay = showSubtitles();
      hls.subtitleTrack = showSubtitles() ? 0 : -1;
      return;
    }
    // The replay: our own <track>; Safari's HLS: the tracks it made from the master playlist.
    const tracks =
      playing === 'replay' ? Array.from(video.querySelectorAll('track'), (e) => e.track) : video.textTracks;
    for (const track of tracks) {
      if (track.kind === 'subtitles' || track.kind === 'captions')
        track.mode = showSubtitles() ? 'showing' : 'disabled';
    }
  }

  /** How far behind to play: further with subtitles shown; without, hls.js jumps back near the live edge. */
  function setLatency() {
    const target = showSubtitles() ? LATENCY.subtitles : LATENCY.plain;
    hls.config.liveMaxLatencyDuration = target.max;
    hls.targetLatency = target.sync;
    keepBehind();
  }

  /** hls.js never falls back by itself: with subtitles on, step back to the target. */
  function keepBehind() {
    if (!showSubtitles() || !hls || !(hls.latency > 0)) return;
    const short = LATENCY.subtitles.sync - hls.latency;
    if (short > 1) video.currentTime -= short;
  }

  subtitlesButton.addEventListener('click', () => {
    subtitlesWanted = !subtitlesWanted;
    localStorage.setItem('broadcast-subtitles', subtitlesWanted ? 'on' : 'off');
    applySubtitles();
  });

  function playLive() {
    if (playing === 'live') return;
    playing = 'live';
    video.hidden = false;
    // The master playlist: the program and its subtitle rendition.
    const src = `${base}/master.m3u8`;
    if (window.Hls?.isSupported()) {
      // One-second segments: stay about a second and a half behind the newest
      // one, and catch up by playing slightly faster rather than jumping.
      const latency = showSubtitles() ? LATENCY.subtitles : LATENCY.plain;
      hls = new Hls({
        lowLatencyMode: true,
        liveSyncDuration: latency.sync,
        liveMaxLatencyDuration: latency.max,
        maxLiveSyncPlaybackRate: 1.15,
        backBufferLength: 10,
      });
      window.__hls = hls;
      hls.on(Hls.Events.SUBTITLE_TRACKS_UPDATED, applySubtitles);
      hls.on(Hls.Events.FRAG_BUFFERED, keepBehind);
      hls.loadSource(src);
      hls.attachMedia(video);
    } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
      video.src = src; // Safari plays HLS itself
      video.textTracks.addEventListener('addtrack', applySubtitles);
    } else {
      notice.textContent = t.noPlayer;
      return;
    }
    video.play().catch(() => {});
  }

  function playReplay() {
    if (playing === 'replay') return;
    hls?.destroy();
    hls = null;
    playing = 'replay';
    video.hidden = false;
    video.src = `${base}/replay.mp4`;
  }

  /** The recording's subtitles, as the video's own text track. */
  function addReplaySubtitles() {
    if (video.querySelector('track')) return;
    const track = document.createElement('track');
    track.kind = 'subtitles';
    track.label = t.subtitles;
    track.srclang = lang;
    track.src = `${base}/replay.vtt`;
    video.append(track);
    applySubtitles();
  }

  async function poll() {
    let s;
    try {
      const res = await fetch(`${base}/status?viewer=${viewerId}`, { cache: 'no-store' });
      if (res.status === 404) {
        notice.textContent = t.unknown;
        video.hidden = true;
        return;
      }
      s = await res.json();
    } catch {
      schedule(5000);
      return;
    }
    userText(document.getElementById('title'), s.title);
    document.title = s.title;
    document.getElementById('viewers').textContent = t.viewers(s.viewers);
    document.getElementById('live-badge').hidden = s.state !== 'live';
    document.body.dataset.state = s.state;
    form.hidden = s.mayWatch;
    const offered = Boolean(s.mayWatch && (s.state === 'live' ? s.subtitles : s.replaySubtitles));
    subtitlesButton.hidden = !offered;
    if (offered !== subtitlesOffered) {
      subtitlesOffered = offered;
      applySubtitles();
    }
    if (!s.mayWatch) notice.textContent = '';
    else if (s.state === 'not-started') notice.textContent = t.notStarted;
    else if (s.state === 'live') {
      notice.textContent = '';
      playLive();
    } else {
      notice.textContent = s.replay ? t.endedReplay : t.ended;
      if (s.replay) {
        playReplay();
        if (s.replaySubtitles) addReplaySubtitles();
      } else {
        hls?.destroy();
        hls = null;
        video.hidden = true;
      }
    }
    showUnmute();
    comments.room = s.commentsRoom || null;
    comments.refresh();
    schedule(s.state === 'live' ? 10000 : 4000);
  }

  /**
   * Viewers' comments: the published ones (re-read every few seconds, so an
   * approval or a deletion shows), and the box while comments are on. The
   * name is asked once and remembered on this device.
   */
  const comments = (() => {
    const $ = (id) => document.getElementById(id);
    const box = $('viewer-comments');
    const list = $('comments-list');
    const cform = $('comment-form');
    const nameInput = $('comment-name');
    const status = $('comment-status');
    const self = { room: null, refresh, timer: 0 };
    let name = localStorage.getItem('comment-name') || '';
    const showName = () => {
      $('comment-as').hidden = !name;
      const as = name ? [t.as[0], userText(document.createElement('bdi'), name), t.as[1]] : [];
      $('comment-as-text').replaceChildren(...as);
      $('comment-name-label').hidden = Boolean(name);
      nameInput.hidden = Boolean(name);
    };
    showName();
    $('comment-rename').addEventListener('click', () => {
      nameInput.value = name;
      name = '';
      showName();
      nameInput.focus();
    });
    async function refresh() {
      clearTimeout(self.timer);
      if (!self.room) {
        box.hidden = true;
        return;
      }
      try {
        const res = await fetch(`/api/rooms/${encodeURIComponent(self.room)}/comments`, {
          cache: 'no-store',
        });
        // No comments on this server (no messaging part): no box.
        box.hidden = !res.ok;
        if (!res.ok) return;
        const c = await res.json();
        $('comments-off').hidden = c.mode !== 'off';
        cform.hidden = c.mode === 'off';
        $('comments-empty').hidden = c.comments.length > 0 || c.mode === 'off';
        list.replaceChildren(
          ...c.comments.map((m) => {
            const li = document.createElement('li');
            const who = userText(document.createElement('bdi'), m.name);
            const text = userText(document.createElement('p'), m.text);
            li.append(who, text);
            return li;
          }),
        );
      } catch {
        // Offline for a moment: the next status poll tries again.
      } finally {
        self.timer = setTimeout(refresh, 4000);
      }
    }
    cform.addEventListener('submit', async (e) => {
      e.preventDefault();
      const typed = name || nameInput.value.trim();
      if (!typed) {
        status.textContent = t.noName;
        nameInput.focus();
        return;
      }
      const text = $('comment-text').value.trim();
      if (!text || !self.room) return;
      let res;
      try {
        res = await fetch(`/api/rooms/${encodeURIComponent(self.room)}/comments`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: typed, text }),
        });
      } catch {
        status.textContent = t.failed;
        return;
      }
      // Refusals name their reason (a self-chosen name's check, the broadcast not live).
      const reason = res.ok ? '' : ((await res.json().catch(() => ({}))).reason ?? '');
      const refused = {
        name_letters: t.nameLetters,
        name_of_another: t.nameTaken,
        name_role: t.nameRole,
        name_empty: t.noName,
        not_live: t.closed,
      }[reason];
      if (refused) {
        status.textContent = refused;
        if (reason.startsWith('name_')) {
          name = '';
          showName();
          nameInput.value = typed;
          nameInput.focus();
        }
      } else if (res.status === 429) status.textContent = t.tooMany;
      else if (res.status === 403) status.textContent = t.commentsOff;
      else if (!res.ok) status.textContent = t.failed;
      else {
        const answer = await res.json();
        status.textContent = answer.pending ? t.pending : t.sent;
        $('comment-text').value = '';
        name = typed;
        localStorage.setItem('comment-name', name);
        showName();
        refresh();
      }
    });
    return self;
  })();

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const res = await fetch(`${base}/auth`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password: document.getElementById('password').value }),
    });
    document.getElementById('password-error').hidden = res.ok;
    if (res.ok) schedule(0);
  });
  poll();
})();
