// The public broadcast page: polls the broadcast's status (which also counts
// this viewer), plays the live stream with hls.js tuned for low latency, or
// the recording once the broadcast has ended. Russian first; ?lang=en.
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
    },
  };
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
  let playing = null; // 'live' | 'replay'
  let timer = 0;
  const schedule = (ms) => {
    clearTimeout(timer);
    timer = setTimeout(poll, ms);
  };
  let hls = null;

  function playLive() {
    if (playing === 'live') return;
    playing = 'live';
    const src = `${base}/live.m3u8`;
    if (window.Hls?.isSupported()) {
      // One-second segments: stay about a second and a half behind the newest
      // one, and catch up by playing slightly faster rather than jumping.
      hls = new Hls({
        lowLatencyMode: true,
        liveSyncDuration: 1.5,
        liveMaxLatencyDuration: 6,
        maxLiveSyncPlaybackRate: 1.15,
        backBufferLength: 10,
      });
      window.__hls = hls;
      hls.loadSource(src);
      hls.attachMedia(video);
    } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
      video.src = src; // Safari plays HLS itself
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
    video.src = `${base}/replay.mp4`;
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
    document.getElementById('title').textContent = s.title;
    document.title = s.title;
    document.getElementById('viewers').textContent = t.viewers(s.viewers);
    document.getElementById('live-badge').hidden = s.state !== 'live';
    document.body.dataset.state = s.state;
    form.hidden = s.mayWatch;
    if (!s.mayWatch) notice.textContent = '';
    else if (s.state === 'not-started') notice.textContent = t.notStarted;
    else if (s.state === 'live') {
      notice.textContent = '';
      playLive();
    } else {
      notice.textContent = s.replay ? t.endedReplay : t.ended;
      if (s.replay) playReplay();
      else {
        hls?.destroy();
        video.hidden = true;
      }
    }
    schedule(s.state === 'live' ? 10000 : 4000);
  }

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
