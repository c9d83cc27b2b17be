// The web client's pages: each is one script bundle (web/src/pages/) and one
// HTML shell written at build time, so every page has the same head (viewport
// for phones, dark colours, icon, the installable app's manifest) and a page
// differs only in its style sheets and script.

/** html: file name in web/dist; script: bundle name; styles: sheets besides style.css. */
export const PAGES = [
  { html: 'index', script: 'call', source: 'call.tsx', styles: ['chat', 'effects'] },
  { html: 'demo', script: 'demo', source: 'demo.tsx', styles: [] },
  { html: 'join', script: 'join', source: 'join.tsx', styles: [] },
  { html: 'home', script: 'home', source: 'home.tsx', styles: ['account'] },
  {
    html: 'messenger',
    script: 'messenger',
    source: 'messenger.tsx',
    styles: ['chat', 'messenger-school', 'lessons', 'homework', 'recap', 'documents'],
  },
  { html: 'boards', script: 'boards', source: 'boards.tsx', styles: [] },
  {
    html: 'school-demo',
    script: 'schoolDemo',
    source: 'schoolDemo.tsx',
    styles: ['school-demo'],
    title: 'Демо-школа',
  },
  { html: 'login', script: 'login', source: 'login.tsx', styles: ['account'] },
  { html: 'account', script: 'account', source: 'account.tsx', styles: ['account'] },
  { html: 'school', script: 'school', source: 'school.tsx', styles: ['account', 'activity'] },
  { html: 'lesson', script: 'lesson', source: 'lesson.tsx', styles: ['recap'] },
  { html: 'region', script: 'region', source: 'region.tsx', styles: ['account', 'activity'] },
];

/** A page's HTML shell; the script fills #app and sets the title in the person's language. */
export function pageHtml(page) {
  const sheets = ['style', ...page.styles]
    .map((s) => `  <link rel="stylesheet" href="/static/${s}.css">`)
    .join('\n');
  return `<!doctype html>
<html lang="ru">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
  <meta name="color-scheme" content="dark">
  <meta name="theme-color" content="#11171d">
  <title>${page.title ?? ''}</title>
  <link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
  <link rel="manifest" href="/static/manifest.webmanifest">
  <link rel="apple-touch-icon" href="/static/icon-192.png">
${sheets}
</head>
<body>
  <div id="app"></div>
  <script type="module" src="/static/${page.script}.js"></script>
</body>
</html>
`;
}
