// «Демо» on every page a demo server serves (DEMO_SCHOOL on): written into
// the page's HTML as it is sent, before any script runs, so the web
// client's pages and the broadcast viewer (plain HTML of the recorder) show
// the same mark whatever draws the rest of them. Both languages are in it;
// the page's `lang` (the person's choice) shows one (demo-mark.css).
const STYLE = '<link rel="stylesheet" href="/static/demo-mark.css">';
const MARK =
  '<p class="demo-ribbon" role="note" data-demo-mark>' +
  '<span lang="ru">Демо</span><span lang="en">Demo</span></p>';

/** The page with the mark's style in its head and the mark first in its body. */
export function withDemoMark(html: Buffer | string): Buffer {
  const text = typeof html === 'string' ? html : html.toString('utf8');
  const head = text.indexOf('</head>');
  const body = /<body[^>]*>/i.exec(text);
  if (head < 0 || !body || body.index < head) throw new Error('a page without <head> and <body>');
  const afterBody = body.index + body[0].length;
  return Buffer.from(
    `${text.slice(0, head)}${STYLE}\n${text.slice(head, afterBody)}\n  ${MARK}${text.slice(afterBody)}`,
    'utf8',
  );
}
