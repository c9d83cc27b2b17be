// Every setting the server and its start scripts read, with its default and
// meaning: the one list the configuration file is checked against (a name not
// here is a typo, refused at start), the template an install writes to
// /etc/school-call/school-call.env, and what the docs must mention
// (test/unit/settings.test.ts checks the code reads nothing unlisted and the
// docs leave nothing out). A new setting is added here in the same commit.
// Long because it is a list: one entry per setting.

export interface Setting {
  name: string;
  /** The default, as an operator reads it. */
  default: string;
  about: string;
  /** Read by the start scripts (coturn, the private Redis), not by the server. */
  scriptsOnly?: boolean;
  /** Generated at install; never printed. */
  secret?: boolean;
}

export interface SettingGroup {
  title: string;
  settings: Setting[];
}

export const SETTING_GROUPS: SettingGroup[] = [
  {
    title: 'Secrets (install generates them; keep this file 0640 root:school-call)',
    settings: [
      {
        name: 'ADMIN_SECRET',
        default: '(required, at least 32 characters)',
        about: 'bearer secret of the admin API',
        secret: true,
      },
      {
        name: 'TOKEN_SECRET',
        default: '(required, at least 32 characters)',
        about: 'key that signs join tokens (share it with systems that mint tokens)',
        secret: true,
      },
      { name: 'TOKEN_ISSUER', default: 'school-call', about: 'issuer claim of the tokens' },
    ],
  },
  {
    title: 'Addresses and listeners',
    settings: [
      {
        name: 'PUBLIC_URL',
        default: 'http://<announced ip>:<port>',
        about: 'base of join links, e.g. https://school.example',
      },
      {
        name: 'HOST',
        default: '0.0.0.0',
        about: 'address the HTTP and WebSocket listener binds (127.0.0.1 behind nginx)',
      },
      { name: 'PORT', default: '8080', about: 'HTTP and WebSocket port' },
      {
        name: 'TRUST_PROXY',
        default: '0',
        about: '1 behind a reverse proxy: client addresses come from X-Forwarded-For',
      },
      {
        name: 'ALLOWED_ORIGINS',
        default: '(none)',
        about: "comma-separated origins, besides PUBLIC_URL's, whose pages may open the WebSocket",
      },
      {
        name: 'PUSH_SERVICE_HOSTS',
        default: 'fcm.googleapis.com,*.push.services.mozilla.com,web.push.apple.com,*.notify.windows.com',
        about:
          'push services (hosts, *.suffix allowed, host:port for a port other than 443) the server may send notifications to; nothing else',
      },
      {
        name: 'PUSH_CONTACT',
        default: "mailto:admin@<PUBLIC_URL's host>",
        about: 'who runs this server, told to push services with each notification (mailto: or https:)',
      },
      {
        name: 'PUSH_CRYPTO_THREADS',
        default: '1 on two cores, else 2',
        about: 'threads that encrypt web pushes (RFC 8291), so the encryption does not hold up the messenger',
      },
      {
        name: 'LESSON_REMINDER_MINUTES',
        default: '15',
        about:
          "minutes before a scheduled lesson its chat's members are reminded on their phones; 0: no reminders",
      },
      {
        name: 'TLS_CERT_FILE',
        default: '(none)',
        about: 'PEM certificate chain: the server itself speaks HTTPS (prefer nginx in front)',
      },
      { name: 'TLS_KEY_FILE', default: '(none)', about: 'PEM key going with TLS_CERT_FILE' },
      { name: 'WEB_ROOT', default: '<release>/web/dist', about: 'the built web client' },
      {
        name: 'WEB_SOURCE_MAPS',
        default: '0',
        about: "1 serves the web client's source maps (a developer's machine); off, they answer 404",
      },
    ],
  },
  {
    title: 'Probes and metrics',
    settings: [
      {
        name: 'METRICS_PORT',
        default: '(none; install: 9464)',
        about: 'serve /metrics (and /healthz, /readyz) on this separate port instead of the main listener',
      },
      { name: 'METRICS_HOST', default: '127.0.0.1', about: 'address the metrics listener binds' },
      {
        name: 'METRICS_SECRET',
        default: '(none)',
        about:
          '/metrics on the main listener needs "Authorization: Bearer <this>"; with neither this nor METRICS_PORT it is public',
        secret: true,
      },
    ],
  },
  {
    title: 'Media',
    settings: [
      { name: 'MEDIA_LISTEN_IP', default: '0.0.0.0', about: 'where WebRTC media listens' },
      {
        name: 'MEDIA_ANNOUNCED_IP',
        default: 'first non-loopback IPv4',
        about: 'address browsers send media to',
      },
      {
        name: 'RTC_BASE_PORT',
        default: '20000',
        about:
          'worker i takes UDP and TCP port RTC_BASE_PORT+i (open them; outside the ephemeral range 32768-60999)',
      },
      {
        name: 'MEDIA_MIN_PORT',
        default: '21000',
        about: 'lowest UDP port of transports between hosts and to the recorder and transcriber',
      },
      { name: 'MEDIA_MAX_PORT', default: '29999', about: 'highest such port' },
      { name: 'MEDIASOUP_WORKERS', default: 'number of cores', about: 'mediasoup worker processes' },
      {
        name: 'SPEAKING_THRESHOLD_DBOV',
        default: '-60',
        about: 'audio quieter than this does not count as speaking',
      },
      {
        name: 'RECV_TRANSPORTS_PER_ROUTER',
        default: '250',
        about: 'receivers on one router before a call grows onto another worker',
      },
      {
        name: 'LAST_N',
        default: '25',
        about: "cameras forwarded to each receiver (the last N speakers'); 0: all",
      },
    ],
  },
  {
    title: 'TURN (coturn started by run.sh or the school-call-turn unit)',
    settings: [
      {
        name: 'TURN_URLS',
        default: '(coturn on this host)',
        about: 'turn:/turns: URIs handed to clients, comma-separated',
      },
      { name: 'TURN_SECRET', default: '(generated)', about: "coturn's static-auth-secret", secret: true },
      {
        name: 'TURN_CREDENTIAL_TTL_SECONDS',
        default: '43200',
        about: "how long a client's TURN credentials work",
      },
      { name: 'TURN_PORT', default: '3478', about: 'coturn UDP and TCP port', scriptsOnly: true },
      {
        name: 'TURN_TLS_PORT',
        default: '5349',
        about: 'coturn TLS port (with TLS_CERT_FILE)',
        scriptsOnly: true,
      },
      {
        name: 'TURN_MIN_PORT',
        default: '30000',
        about: 'lowest UDP relay port of coturn',
        scriptsOnly: true,
      },
      {
        name: 'TURN_MAX_PORT',
        default: '32767',
        about: 'highest UDP relay port of coturn',
        scriptsOnly: true,
      },
    ],
  },
  {
    title: 'Limits',
    settings: [
      { name: 'MAX_PARTICIPANTS_PER_ROOM', default: '2000', about: 'upper bound for any room' },
      {
        name: 'MAX_CONNECTIONS',
        default: 'four fifths of the open-file limit',
        about: 'WebSockets this host holds; beyond, 503',
      },
      {
        name: 'MAX_PENDING_CONNECTIONS_PER_ADDRESS',
        default: '200',
        about: 'WebSockets from one address not yet in a room; beyond, 429',
      },
      { name: 'JOIN_DEADLINE_SECONDS', default: '15', about: 'a WebSocket not in a room by then is closed' },
      {
        name: 'MAX_FRAME_BYTES',
        default: '65536',
        about: 'largest signaling frame answered; 4x closes the connection',
      },
      {
        name: 'MAX_BACKPRESSURE_BYTES',
        default: '1048576',
        about: 'unsent bytes a slow client may hold before it leaves fan-out',
      },
    ],
  },
  {
    title: 'Stopping',
    settings: [
      {
        name: 'SHUTDOWN_DRAIN_SECONDS',
        default: '0',
        about:
          'on SIGTERM, wait up to this for lessons to end before closing them (people are told the lesson resumes)',
      },
      {
        name: 'SHUTDOWN_TIMEOUT_SECONDS',
        default: '10',
        about: 'after the drain, the process exits within this, whatever hangs',
      },
    ],
  },
  {
    title: 'Store and data',
    settings: [
      {
        name: 'REDIS_URL',
        default: '(none; run.sh and install: a private Redis on a unix socket)',
        about: 'redis:// URL or unix socket path of the Redis keeping rooms, meetings and chats',
      },
      {
        name: 'DATABASE_URL',
        default: '(none; run.sh and the install: a private PostgreSQL on a unix socket)',
        about:
          'postgresql:// URL of the PostgreSQL keeping the messenger and accounts (postgresql://user@/db?host=/socket/dir for a socket)',
      },
      {
        name: 'SCHOOL_CALL_PG_DIR',
        default: '~/.local/share/school-call/postgres (root: /var/lib/school-call-trial/postgres)',
        about: "where run.sh's private PostgreSQL keeps its data and socket",
        scriptsOnly: true,
      },
      { name: 'DATABASE_POOL_SIZE', default: '20', about: 'connections this host keeps to PostgreSQL' },
      {
        name: 'HOST_ID',
        default: '<hostname>-<port>',
        about: "this host's name among hosts sharing the Redis",
      },
      { name: 'HOST_HEARTBEAT_MS', default: '2000', about: 'how often this host refreshes its entry' },
      {
        name: 'CHAT_UPLOAD_DIR',
        default: '~/.local/share/school-call/uploads',
        about: 'where attachments are stored',
      },
      {
        name: 'RECORDINGS_DIR',
        default: '~/.local/share/school-call/recordings',
        about: 'recordings and broadcast links',
      },
      { name: 'TRANSCRIPT_DIR', default: 'RECORDINGS_DIR', about: 'where lesson transcripts are written' },
      {
        name: 'RECORDING_RETENTION_DAYS',
        default: '30',
        about: 'finished recordings older than this are deleted',
      },
      {
        name: 'RECORDINGS_AT_ONCE',
        default: '2 per CPU core',
        about:
          'lessons recorded or broadcast at once on this server (each takes about a fifth of a core); beyond, refused',
      },
      {
        name: 'RECORDINGS_PER_SCHOOL',
        default: 'RECORDINGS_AT_ONCE',
        about:
          "lessons of one school recorded or broadcast at once on all hosts together (a room is its school's when a teacher of it made it); beyond, refused",
      },
      {
        name: 'RECORDING_MIN_FREE_MB',
        default: '1024',
        about: 'below this free space no recording starts and a running one stops',
      },
    ],
  },
  {
    title:
      'Files on shared storage (docs/storage.md; unset: files stay in CHAT_UPLOAD_DIR, RECORDINGS_DIR, TRANSCRIPT_DIR)',
    settings: [
      {
        name: 'S3_BUCKET',
        default: '(none)',
        about:
          'S3-compatible bucket where finished uploads and previews (chat/), recordings (recordings/) and transcripts (transcripts/) are kept, so every host serves them',
      },
      {
        name: 'S3_ENDPOINT',
        default: "(none: the cloud's own)",
        about: 'http(s) URL of the S3-compatible server (MinIO, Ceph radosgw, a cloud)',
      },
      { name: 'S3_REGION', default: 'us-east-1', about: "the bucket's region (MinIO and Ceph accept any)" },
      { name: 'S3_ACCESS_KEY_ID', default: '(required with S3_BUCKET)', about: 'access key of the bucket' },
      {
        name: 'S3_SECRET_ACCESS_KEY',
        default: '(required with S3_BUCKET)',
        about: 'secret key of the bucket',
        secret: true,
      },
      {
        name: 'S3_FORCE_PATH_STYLE',
        default: '1',
        about: 'address the bucket as <endpoint>/<bucket>/ (MinIO, Ceph); 0 for <bucket>.<endpoint>',
      },
    ],
  },
  {
    title: 'Messenger',
    settings: [
      { name: 'CHAT_MAX_UPLOAD_BYTES', default: '4294967296', about: 'largest attachment' },
      {
        name: 'DOCUMENTS_QUOTA_BYTES',
        default: '1073741824',
        about:
          "bytes a person keeps in «Документы» until the school's administrator sets the school's own quota",
      },
      { name: 'CHAT_MAX_MESSAGE_CHARS', default: '4096', about: 'longest message' },
      { name: 'CHAT_EDIT_WINDOW_SECONDS', default: '86400', about: 'how long a sender may edit a message' },
      { name: 'CHAT_FILE_URL_TTL_SECONDS', default: '3600', about: 'how long a signed download link works' },
      { name: 'CHAT_MAX_MEMBERS', default: '5000', about: 'largest chat' },
      {
        name: 'CHAT_UNSENT_UPLOAD_SECONDS',
        default: '21600',
        about: 'an upload in no message this long is removed',
      },
      {
        name: 'ROOMS_PER_PERSON_PER_HOUR',
        default: '30',
        about: 'calls, lessons and calls by link one person creates in an hour (all hosts together)',
      },
      {
        name: 'CHAT_REACTIONS_PER_MINUTE',
        default: '60',
        about: 'reactions one person adds or removes in one chat in a minute',
      },
      {
        name: 'CHAT_MESSAGES_PER_MINUTE',
        default: '60',
        about:
          'messages one person sends or forwards (each target chat counts) in a minute, all chats and hosts',
      },
      {
        name: 'BOT_MESSAGES_PER_MINUTE',
        default: '60',
        about:
          "messages one bot of the school's systems posts through the bot API in a minute, all hosts (docs/bots.md)",
      },
      {
        name: 'BOT_PRESSES_PER_MINUTE',
        default: '30',
        about: "bots' buttons one person presses in a minute, all hosts",
      },
      {
        name: 'BOT_WEBHOOK_ALLOW_PRIVATE',
        default: 'false',
        about:
          "let bots' webhooks reach private and loopback addresses (tests and development only: on a server it lets a school admin probe the server's own network)",
      },
      {
        name: 'BOT_WEBHOOK_FIRST_RETRY_MS',
        default: '1000',
        about:
          "wait before a failed webhook delivery's second try; each later wait doubles it (at most 10 minutes)",
      },
      {
        name: 'BOT_WEBHOOK_TRIES',
        default: '8',
        about:
          'tries of a webhook delivery before it is given up (kept in PostgreSQL between tries, so a restart loses none)',
      },
      {
        name: 'CHAT_SOCKETS_PER_PERSON',
        default: '10',
        about: "messenger connections one person holds on a host; a further one closes that person's oldest",
      },
      { name: 'CHAT_UPLOADS_AT_ONCE', default: '5', about: "one person's uploads begun and not finished" },
      {
        name: 'CHAT_UPLOAD_BYTES_PER_DAY',
        default: '4294967296',
        about: 'bytes one person may upload in a day',
      },
      {
        name: 'HOMEWORK_COLLECTIONS_PER_HOUR',
        default: '20',
        about: 'homework collections one person creates in an hour (all hosts together)',
      },
      {
        name: 'AWARDS_PER_PUPIL_PER_HOUR',
        default: '5',
        about: 'awards one person gives one pupil in an hour (all hosts together)',
      },
    ],
  },
  {
    title: 'Whiteboard',
    settings: [
      { name: 'WHITEBOARD_MAX_BYTES', default: '4194304', about: 'encoded size of one board' },
      { name: 'WHITEBOARD_MAX_ELEMENTS', default: '5000', about: 'drawing elements on one board' },
      { name: 'WHITEBOARD_MAX_PAGES', default: '30', about: 'pages of one board' },
      { name: 'WHITEBOARD_MAX_UPDATE_BYTES', default: '57344', about: 'one change' },
      { name: 'WHITEBOARD_UPDATES_PER_SECOND', default: '30', about: 'changes per second per person' },
      {
        name: 'WHITEBOARD_UPDATE_BYTES_PER_SECOND',
        default: '65536',
        about: 'bytes of changes per second per person',
      },
      { name: 'WHITEBOARD_POINTERS_PER_SECOND', default: '30', about: 'laser positions per second per host' },
      { name: 'WHITEBOARD_MAX_FILE_BYTES', default: '3145728', about: 'one picture' },
      { name: 'WHITEBOARD_MAX_FILES_BYTES', default: '16777216', about: 'all pictures of one board' },
      { name: 'WHITEBOARD_SAVED_LESSONS', default: '20', about: 'finished lessons kept per room' },
      { name: 'WHITEBOARD_SAVED_DAYS', default: '60', about: 'how long they are kept' },
      { name: 'WHITEBOARD_RELAY_WINDOW_MS', default: '40', about: 'updates go out merged once per window' },
      {
        name: 'WHITEBOARD_RELAY_WINDOW_MAX_MS',
        default: '100',
        about: 'the window for 1000 people at a place',
      },
    ],
  },
  {
    title: 'Subtitles and transcripts',
    settings: [
      {
        name: 'WHISPER_MODEL',
        default: '(none: subtitles unavailable)',
        about: 'whisper.cpp ggml model file',
      },
      { name: 'SUBTITLES_LANGUAGE', default: 'ru', about: 'ru, en or auto' },
      { name: 'SUBTITLES_AUTO_START', default: '0', about: '1 starts subtitles with every call' },
      { name: 'WHISPER_PARALLEL_JOBS', default: 'cores - 1', about: 'utterances transcribed at once' },
      { name: 'WHISPER_THREADS_PER_JOB', default: '1', about: 'whisper.cpp threads per utterance' },
      {
        name: 'WHISPER_MAX_QUEUED_SECONDS',
        default: '30',
        about: 'speech waiting before the oldest is dropped',
      },
      { name: 'WHISPER_MAX_TOKENS_PER_SECOND', default: '10', about: 'decoding cap' },
      {
        name: 'WHISPER_ENCODER_WINDOW',
        default: 'fit',
        about: "fit: the utterance only; full: Whisper's 30 s window",
      },
      { name: 'WHISPER_PARTIALS', default: '1', about: '0 turns growing lines off' },
      { name: 'WHISPER_NICENESS', default: '10', about: 'CPU priority of the transcriber process' },
      {
        name: 'TRANSCRIBER_SPEAKER_IDLE_MS',
        default: '15000',
        about: 'silence after which a microphone stops flowing to it',
      },
    ],
  },
  {
    title: 'Accounts and sign-in (docs/accounts.md)',
    settings: [
      { name: 'SESSION_DAYS', default: '30', about: 'a signed-in session unused this long ends' },
      {
        name: 'ACTIVATION_CODE_DAYS',
        default: '30',
        about: 'printed activation codes stop working after this',
      },
      {
        name: 'SIGNIN_FREE_FAILURES',
        default: '5',
        about: 'wrong passwords per account before each further try must wait',
      },
      {
        name: 'SIGNIN_FREE_FAILURES_PER_ADDRESS',
        default: '50',
        about: 'wrong passwords and codes per client address before waits begin',
      },
      {
        name: 'SIGNIN_FIRST_DELAY_SECONDS',
        default: '1',
        about: 'the first wait; each wrong try doubles it',
      },
      { name: 'SIGNIN_MAX_DELAY_SECONDS', default: '300', about: 'the longest wait' },
      {
        name: 'SSO_PROVIDERS_FILE',
        default: '(none)',
        about:
          "JSON file of the schools' OpenID Connect providers (issuer, client, which claim matches whom)",
      },
      {
        name: 'SETUP_CODE',
        default: '(random, in the log)',
        about: "a new server's one-time code for its first school administrator",
        secret: true,
      },
    ],
  },
  {
    title: 'Trying it out (off on a school server)',
    settings: [
      { name: 'DEMO_ROOM', default: '(none; run.sh: demo)', about: 'a room anyone may join from /demo' },
      {
        name: 'DEMO_SCHOOL',
        default: '0 (run.sh: 1)',
        about: 'load the demo school and let anyone try it at /school-demo',
      },
    ],
  },
  {
    title: 'Logs',
    settings: [{ name: 'LOG_LEVEL', default: 'info', about: 'debug, info, warn or error' }],
  },
];

export const SETTINGS: ReadonlyMap<string, Setting> = new Map(
  SETTING_GROUPS.flatMap((g) => g.settings).map((s) => [s.name, s]),
);

/** The documented configuration file: every setting commented out at its default, with its meaning. */
export function settingsTemplate(values: Record<string, string> = {}): string {
  const lines = [
    '# school-call configuration: one NAME=value per line (no quotes needed).',
    '# Read by the server at start (SCHOOL_CALL_CONFIG points here) and by the',
    '# school-call-turn and school-call-redis units. A name not listed below, or',
    '# a value out of range, stops the server with a sentence naming the setting.',
    '# Environment variables of the same name win over this file.',
  ];
  for (const group of SETTING_GROUPS) {
    lines.push('', `## ${group.title}`);
    for (const s of group.settings) {
      lines.push(`# ${s.about} (default: ${s.default})`);
      const value = values[s.name];
      lines.push(value === undefined ? `#${s.name}=` : `${s.name}=${value}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
