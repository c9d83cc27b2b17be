// The layers of the code, bottom up, and the features' allowed arrows: the
// table .dependency-cruiser.cjs turns into rules (see there), kept apart so
// test/unit/importRules.test.ts can read it too.

/**
 * What the check does not read: tools that sit above every layer (tests, load
 * tests, scripts), files at the root, dot-folders, and generated or built
 * code. Everything else is read, so a new folder must be given its layer.
 */
const NOT_CHECKED =
  '^(test|loadtest|scripts|examples|docs|coverage|node_modules|web/dist|web/public|common/protocol/generated)/|^[^/]+\\.[a-z]+$|^\\.[^/]+/';

const LAYERS = [
  // Shared by the server and the browser.
  { name: 'common', path: ['^common/'] },
  { name: 'sfu', path: ['^sfu/'] },
  { name: 'signaling/domain', path: ['^signaling/domain/'] },
  // errors, tokens, metrics, adminAuth, redisClients, storeErrors; a new file at
  // signaling/'s root lands here unless it is one of the assembly's (below).
  { name: 'signaling base', path: ['^signaling/[^/]+\\.ts$'], rest: true },
  { name: 'signaling/wire', path: ['^signaling/wire/'] },
  { name: 'signaling/store', path: ['^signaling/store/'] },
  // The policies the edges use.
  { name: 'signaling/security', path: ['^signaling/security/'] },
  { name: 'signaling/fanout', path: ['^signaling/fanout/'] },
  { name: 'signaling/http', path: ['^signaling/http/'] },
  // The Feature and Handlers types and the handler table the features fill.
  { name: 'signaling/requests', path: ['^signaling/requests/'] },
  { name: 'signaling/call', path: ['^signaling/call/'] },
  { name: 'signaling/viewing', path: ['^signaling/viewing/'] },
  { name: 'signaling/controls', path: ['^signaling/controls/'] },
  { name: 'signaling/transport', path: ['^signaling/transport/'] },
  { name: 'signaling/cluster', path: ['^signaling/cluster/'] },
  { name: 'signaling assembly', path: ['^signaling/(deployment|liveCounts|shutdown|drain)\\.ts$'] },
  // The messenger, bottom up: records and rules, storage, chat operations,
  // the Messenger facade, the services over it (endpoint, lesson chat, files),
  // the feature.
  {
    name: 'messaging base',
    path: [
      '^messaging/(errors|records|config|metrics|validate|permissions|userTokens|wire|bus|revOrder|schema)\\.ts$',
      '^messaging/files/(previews|staging|uwsWeb)\\.ts$',
    ],
  },
  { name: 'messaging/store', path: ['^messaging/store/'] },
  // Release 0.1.0's chats in Redis and their move into the tables (npm run messenger -- migrate).
  { name: 'messaging/legacy', path: ['^messaging/legacy/'] },
  {
    name: 'messaging chat operations',
    path: [
      '^messaging/[^/]+\\.ts$',
      '^messaging/files/fileRecords\\.ts$',
      '^messaging/lesson/uploadGrants\\.ts$',
    ],
    rest: true,
  },
  { name: 'messaging facade', path: ['^messaging/messenger\\.ts$'] },
  {
    name: 'messaging services',
    path: [
      '^messaging/(calls|lessonSchedule|fileLinks|adminRoutes|botRoutes|handlers|chatSession|endpoint)\\.ts$',
      '^messaging/lesson/(?!uploadGrants\\.ts$)',
      '^messaging/files/(?!(previews|staging|uwsWeb|fileRecords)\\.ts$)',
    ],
  },
  { name: 'messaging feature', path: ['^messaging/feature\\.ts$'] },
  { name: 'whiteboard', path: ['^whiteboard/'] },
  { name: 'transcriber', path: ['^transcriber/'] },
  { name: 'recorder', path: ['^recorder/'] },
  { name: 'directory', path: ['^directory/'] },
  // Sign-in: people with their messenger account and their place in the school's directory.
  { name: 'accounts', path: ['^accounts/'] },
  // Web Push: the messenger's news on people's browsers.
  { name: 'notifications', path: ['^notifications/'] },
  // Homework collections: pupils' files handed in through the messenger's uploads.
  { name: 'homework', path: ['^homework/'] },
  // Awards: badges verified teachers give pupils.
  { name: 'awards', path: ['^awards/'] },
  // Attendance and «Итоги урока»: who came to each lesson, its page, the recap in the class chat.
  { name: 'attendance', path: ['^attendance/'] },
  // Activity figures («Активность»): counts per person-week and school-week, the monitoring table.
  { name: 'activity', path: ['^activity/'] },
  // «Документы»: a person's own files and folders, kept as the messenger's uploads.
  { name: 'documents', path: ['^documents/'] },
  // The composition root: the only place that imports every part.
  { name: 'app', path: ['^app/'] },

  // The browser, bottom up (the web client's owner keeps this part: STATUS-web.md).
  // Paths of the layout before the browser seam (panels and stage under ui/)
  // and after it (kit/, panels/, stage/ beside ui/) are both placed.
  {
    name: 'web protocol',
    // messaging/client/ is the browser's chat client, moving to web/src/protocol/.
    path: ['^web/src/protocol/', '^web/src/[^/]+\\.tsx?$', '^messaging/client/'],
  },
  { name: 'web i18n', path: ['^web/src/i18n/'] },
  // The signed-in client's plain modules: its API calls, words, and where tokens come from.
  { name: 'web account model', path: ['^web/src/account/[^/]+\\.ts$'] },
  { name: 'web call', path: ['^web/src/call/'] },
  // The chat's plain modules (actions, formatting, uploads), which the stores use.
  { name: 'web chat model', path: ['^web/src/chat/[^/]+\\.ts$'] },
  { name: 'web state', path: ['^web/src/state/'] },
  { name: 'web kit', path: ['^web/src/kit/', '^web/src/ui/[^/]+\\.tsx?$'], rest: true },
  {
    name: 'web features',
    path: [
      '^web/src/chat/[^/]+\\.tsx$',
      '^web/src/(whiteboard|messenger|admin|lessons|homework|awards|recap|documents)/',
      '^web/src/account/[^/]+\\.tsx$',
      // The background and noise effects: their own media, chooser and call binding.
      '^web/src/effects/',
      '^web/src/ui/(EndScreen|WaitingScreen|DeviceCheck|LessonChatAfter|Header|Overlays)\\.tsx$',
      '^web/src/(ui/)?panels/(?!(registry\\.ts|PanelHost\\.tsx)$)',
      '^web/src/(ui/)?stage/(?!(modes\\.ts|Stage\\.tsx)$)',
    ],
  },
  // The shell: the registries of panels and stage modes, what renders them, the pages.
  {
    name: 'web shell',
    path: [
      '^web/src/ui/(panels/)?(registry\\.ts|PanelHost\\.tsx)$',
      '^web/src/(ui/)?stage/(modes\\.ts|Stage\\.tsx)$',
      '^web/src/ui/(App|CallScreen|ControlBar)\\.tsx$',
      '^web/src/pages/',
    ],
  },
];

/** Features know nothing of each other but along these arrows. */
const FEATURES = [
  'messaging',
  'whiteboard',
  'transcriber',
  'recorder',
  'directory',
  'accounts',
  'notifications',
  'homework',
  'awards',
  'attendance',
  'activity',
  'documents',
];
const FEATURE_ARROWS = [
  ['recorder', 'transcriber'], // the WebVTT writer
  ['directory', 'messaging'], // the chats built from the school's structure
  ['accounts', 'messaging'], // a signed-in person's messenger account and calls
  ['accounts', 'directory'], // and their place in the school
  ['notifications', 'messaging'], // the chat feed it tells people of, the socket it answers on
  ['homework', 'messaging'], // the socket it answers on, the uploads and file links it reuses
  ['awards', 'messaging'], // the socket it answers on, people, announcements in a chat
  ['attendance', 'messaging'], // the socket it answers on, the lesson chat's log, the recap card
  ['activity', 'messaging'], // the chat feed it counts, people's schools, chats' kinds
  ['activity', 'accounts'], // the signed-in person's edge its routes go through
  ['documents', 'messaging'], // the socket it answers on, the uploads it files, a share's message
];

/** The browser's code: everything under web/src/, and its chat client while it still sits in messaging/. */
const BROWSER = '^(web/|messaging/client/)';
const SHARED = '^common/';

const any = (patterns) => patterns.join('|');
// Modules of `rest` parts are what the exact parts do not take.
const exact = any(LAYERS.filter((l) => !l.rest).flatMap((l) => l.path));
const place = (layer) => (layer.rest ? { path: any(layer.path), pathNot: exact } : { path: any(layer.path) });

/** Which parts a module path belongs to (the check wants exactly one). */
function partsOf(path) {
  return LAYERS.filter((layer) => {
    const { path: p, pathNot } = place(layer);
    return new RegExp(p).test(path) && !(pathNot && new RegExp(pathNot).test(path));
  }).map((layer) => layer.name);
}

module.exports = { NOT_CHECKED, BROWSER, SHARED, LAYERS, FEATURES, FEATURE_ARROWS, any, place, partsOf };
