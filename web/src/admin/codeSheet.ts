// A class's activation codes as a PDF to print and cut: ten cards on an A4
// page, each with the person's name, their class (or their children), the
// code in large letters, where to type it and until when. jsPDF with
// Liberation Sans (shipped inside pdfjs-dist, copied to /static/fonts by the
// build) for Cyrillic; loaded only when a sheet is printed.
import { ta } from '../account/text.js';

export interface SheetCode {
  name: string;
  role: 'admin' | 'teacher' | 'student' | 'parent';
  className: string;
  children: string[];
  code: string;
  expiresAt: string;
}

async function fontBase64(file: string): Promise<string> {
  const bytes = new Uint8Array(await (await fetch(`/static/fonts/${file}`)).arrayBuffer());
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

function date(iso: string, locale: string): string {
  return new Date(iso).toLocaleDateString(locale, { day: 'numeric', month: 'long', year: 'numeric' });
}

/** Builds the sheet and has the browser save it; returns the file name. */
export async function downloadCodeSheet(
  school: string,
  /** Whose codes, as the sheet's title and file name say it: "учеников 6А". */
  list: string,
  codes: SheetCode[],
  locale: string,
  /** Where to type the code: the server's PUBLIC_URL + /login (SchoolView.signInUrl), never this page's address. */
  url: string,
): Promise<string> {
  const { jsPDF } = await import('jspdf');
  const doc = new jsPDF({ unit: 'mm', format: 'a4' });
  const [regular, bold] = await Promise.all([
    fontBase64('LiberationSans-Regular.ttf'),
    fontBase64('LiberationSans-Bold.ttf'),
  ]);
  doc.addFileToVFS('LiberationSans-Regular.ttf', regular);
  doc.addFont('LiberationSans-Regular.ttf', 'Liberation', 'normal');
  doc.addFileToVFS('LiberationSans-Bold.ttf', bold);
  doc.addFont('LiberationSans-Bold.ttf', 'Liberation', 'bold');
  const W = 210;
  const margin = 10;
  const cardW = (W - 2 * margin) / 2;
  const cardH = 53;
  const perPage = 10;
  codes.forEach((c, i) => {
    if (i > 0 && i % perPage === 0) doc.addPage();
    const slot = i % perPage;
    const x = margin + (slot % 2) * cardW;
    const y = margin + 8 + Math.floor(slot / 2) * cardH;
    if (slot === 0) {
      doc.setFont('Liberation', 'normal');
      doc.setFontSize(9);
      doc.text(ta('admin.sheetTitle', { school, list }), margin, margin + 3);
    }
    doc.setLineDashPattern([1.5, 1.5], 0);
    doc.setDrawColor(150);
    doc.rect(x, y, cardW, cardH);
    doc.setLineDashPattern([], 0);
    const inner = x + 5;
    doc.setFont('Liberation', 'bold');
    doc.setFontSize(12);
    doc.text(doc.splitTextToSize(c.name, cardW - 10)[0] as string, inner, y + 8);
    doc.setFont('Liberation', 'normal');
    doc.setFontSize(9);
    const about =
      c.role === 'parent'
        ? ta('code.parentOf', { children: c.children.join(', ') })
        : `${ta(`role.${c.role}`)}${c.className ? `, ${c.className}` : ''}`;
    doc.text(doc.splitTextToSize(about, cardW - 10).slice(0, 2) as string[], inner, y + 13);
    doc.setFont('Liberation', 'bold');
    doc.setFontSize(20);
    doc.text(c.code, inner, y + 28, { charSpace: 0.8 });
    doc.setFont('Liberation', 'normal');
    doc.setFontSize(8);
    // "до 6 января 2027 г." ends the sentence itself.
    const how = ta('admin.sheetHow', { url, date: date(c.expiresAt, locale) }).replace(/\.\.$/, '.');
    doc.text(doc.splitTextToSize(how, cardW - 10).slice(0, 4) as string[], inner, y + 36);
  });
  const file = `${ta('admin.sheetFile', { list })}.pdf`.replace(/[\\/:*?"<>|]/g, '-');
  doc.save(file);
  return file;
}
