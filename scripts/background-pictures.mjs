// The background pictures the client ships, drawn here as SVG and rendered
// to JPEG with sharp at build time: no photographs, nothing downloaded, no
// text (so no font and no language in them). Each is 1280x720 with a
// 160x90 thumbnail for the chooser. Ids match web/src/effects/pictures.ts.
import sharp from 'sharp';

const W = 1280;
const H = 720;

/** A small deterministic random source, so every build draws the same pictures. */
function random(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function library() {
  const rnd = random(7);
  const spines = [
    '#8c2f39',
    '#2d6a4f',
    '#1d3557',
    '#e9c46a',
    '#f4a261',
    '#6d597a',
    '#457b9d',
    '#bc6c25',
    '#3a5a40',
  ];
  let books = '';
  for (const shelfY of [230, 450, 670]) {
    let x = 70;
    while (x < W - 90) {
      const w = 22 + Math.floor(rnd() * 26);
      const h = 120 + Math.floor(rnd() * 70);
      const color = spines[Math.floor(rnd() * spines.length)];
      if (rnd() < 0.08) {
        x += 30; // a gap on the shelf
        continue;
      }
      books += `<rect x="${x}" y="${shelfY - h}" width="${w}" height="${h}" rx="2" fill="${color}"/>`;
      books += `<rect x="${x + 4}" y="${shelfY - h + 18}" width="${w - 8}" height="5" fill="#ffffff" opacity="0.35"/>`;
      x += w + 2;
    }
  }
  const shelves = [230, 450, 670]
    .map(
      (y) =>
        `<rect x="40" y="${y}" width="${W - 80}" height="22" fill="#7a4e2d"/><rect x="40" y="${y + 22}" width="${W - 80}" height="6" fill="#5c3a21"/>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">
    <defs><linearGradient id="wall" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#d9c3a5"/><stop offset="1" stop-color="#b99b78"/></linearGradient></defs>
    <rect width="${W}" height="${H}" fill="url(#wall)"/>
    <rect x="20" y="0" width="24" height="${H}" fill="#6b4426"/><rect x="${W - 44}" y="0" width="24" height="${H}" fill="#6b4426"/>
    ${books}${shelves}
  </svg>`;
}

function classroom() {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">
    <defs>
      <linearGradient id="wall" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#efe6d2"/><stop offset="1" stop-color="#e2d5b8"/></linearGradient>
      <radialGradient id="board" cx="0.45" cy="0.4" r="0.8"><stop offset="0" stop-color="#3f6b52"/><stop offset="1" stop-color="#29483a"/></radialGradient>
    </defs>
    <rect width="${W}" height="${H}" fill="url(#wall)"/>
    <rect x="110" y="70" width="1060" height="520" rx="6" fill="#8a5a35"/>
    <rect x="130" y="90" width="1020" height="480" fill="url(#board)"/>
    <g fill="none" stroke="#f1f1e8" stroke-width="5" stroke-linecap="round" opacity="0.7">
      <circle cx="330" cy="260" r="90"/>
      <path d="M240 260 H420 M330 170 V350"/>
      <path d="M560 380 L700 160 L840 380 Z"/>
      <path d="M900 300 q40 -90 80 0 t80 0 t80 0"/>
    </g>
    <rect x="110" y="590" width="1060" height="22" rx="4" fill="#6f4727"/>
    <rect x="300" y="578" width="60" height="12" rx="3" fill="#f5f5f0"/><rect x="380" y="580" width="40" height="10" rx="3" fill="#f2d16b"/>
    <rect x="0" y="640" width="${W}" height="80" fill="#c9b48e"/>
  </svg>`;
}

function window() {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">
    <defs>
      <linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#8ec5ff"/><stop offset="1" stop-color="#dff0ff"/></linearGradient>
      <linearGradient id="wall" x1="0" y1="0" x2="1" y2="0"><stop offset="0" stop-color="#f3efe7"/><stop offset="1" stop-color="#e6dfd2"/></linearGradient>
    </defs>
    <rect width="${W}" height="${H}" fill="url(#wall)"/>
    <rect x="330" y="70" width="620" height="470" fill="url(#sky)"/>
    <ellipse cx="480" cy="170" rx="90" ry="28" fill="#ffffff" opacity="0.85"/><ellipse cx="760" cy="130" rx="70" ry="22" fill="#ffffff" opacity="0.8"/>
    <path d="M330 430 q160 -90 320 -20 t300 -30 V540 H330 Z" fill="#7fb069"/>
    <path d="M330 480 q200 -60 380 0 t240 -10 V540 H330 Z" fill="#5d8a4c"/>
    <rect x="780" y="330" width="16" height="120" fill="#6b4f3a"/><circle cx="788" cy="310" r="58" fill="#4f7d3f"/>
    <g fill="none" stroke="#ffffff" stroke-width="22"><rect x="330" y="70" width="620" height="470"/><path d="M640 70 V540 M330 300 H950"/></g>
    <rect x="300" y="540" width="680" height="26" rx="4" fill="#ffffff"/>
    <path d="M850 540 l12 -60 h56 l12 60 Z" fill="#c56a3f"/>
    <g fill="#3f7f4a"><ellipse cx="890" cy="460" rx="14" ry="34" transform="rotate(-25 890 460)"/><ellipse cx="905" cy="455" rx="14" ry="36" transform="rotate(20 905 455)"/><ellipse cx="896" cy="440" rx="12" ry="34"/></g>
  </svg>`;
}

function calm() {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">
    <defs><filter id="soft" x="-20%" y="-20%" width="140%" height="140%"><feGaussianBlur stdDeviation="70"/></filter></defs>
    <rect width="${W}" height="${H}" fill="#cfe3ee"/>
    <g filter="url(#soft)">
      <circle cx="260" cy="200" r="260" fill="#8fb8de"/>
      <circle cx="1030" cy="180" r="240" fill="#b9d7c9"/>
      <circle cx="700" cy="620" r="300" fill="#c8c3e6"/>
      <circle cx="120" cy="650" r="200" fill="#a9d3d8"/>
    </g>
  </svg>`;
}

export const BACKGROUND_PICTURES = { library, classroom, window, calm };

/** Renders every picture and its thumbnail into `dir`. */
export async function renderBackgroundPictures(dir) {
  for (const [id, draw] of Object.entries(BACKGROUND_PICTURES)) {
    const png = await sharp(Buffer.from(draw())).png().toBuffer();
    await sharp(png).jpeg({ quality: 82, mozjpeg: true }).toFile(`${dir}/${id}.jpg`);
    await sharp(png).resize(160, 90).jpeg({ quality: 80 }).toFile(`${dir}/${id}-thumb.jpg`);
  }
}
