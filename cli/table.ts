/** Tables for people: columns padded to their widest cell; colour only on a terminal. Free of I/O. */

export interface Column<T> {
  title: string;
  cell: (row: T) => string;
  right?: boolean;
}

/** `width`: a terminal's columns; the last column is cut to fit it (with …), so that a row never wraps. */
export function table<T>(rows: readonly T[], columns: readonly Column<T>[], width?: number): string {
  const cells = rows.map((row) => columns.map((c) => c.cell(row)));
  if (width !== undefined && columns.length > 0) {
    const last = columns.length - 1;
    const before = columns
      .slice(0, last)
      .reduce((sum, c, i) => sum + 2 + Math.max(c.title.length, ...cells.map((r) => visible(r[i] ?? '').length)), 0);
    const room = Math.max(columns[last]?.title.length ?? 0, width - before - 1);
    for (const r of cells) {
      const text = r[last] ?? '';
      if (visible(text).length > room && visible(text) === text) r[last] = `${text.slice(0, room - 1).trimEnd()}…`;
    }
  }
  const widths = columns.map((c, i) => Math.max(c.title.length, ...cells.map((r) => visible(r[i] ?? '').length)));
  const line = (values: string[]): string =>
    values
      .map((v, i) => {
        const pad = ' '.repeat(Math.max(0, (widths[i] ?? 0) - visible(v).length));
        return columns[i]?.right ? pad + v : v + pad;
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.title)), ...cells.map(line)].join('\n');
}

/** The text without colour codes (for widths). */
const COLOUR_CODE = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const visible = (text: string): string => text.replace(COLOUR_CODE, '');

export type Paint = (text: string, colour: 'red' | 'green' | 'yellow' | 'dim') => string;

const CODES = { red: 31, green: 32, yellow: 33, dim: 2 } as const;

/** Colours when `tty` (and NO_COLOR is not set), else the text as it is. */
export function painter(tty: boolean, env: NodeJS.ProcessEnv = process.env): Paint {
  if (!tty || env['NO_COLOR']) return (text) => text;
  return (text, colour) => `\x1b[${CODES[colour]}m${text}\x1b[0m`;
}

export function ago(iso: string | undefined, now: number): string {
  if (!iso) return '-';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

export function bytes(n: number | undefined): string {
  if (n === undefined) return '-';
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

export const num = (n: number | undefined, unit: string, digits = 1): string => (n === undefined ? '-' : `${n.toFixed(digits)}${unit}`);
