/** A column of a {@link renderTable} table. */
export interface Column<T> {
  header: string;
  /** The cell's text. */
  value: (row: T) => string;
  /** Narrowest the column is squeezed to before others shrink further. @default 6 */
  min?: number;
  /** An SGR colour for the cell (applied after truncation, so widths stay right). */
  color?: (row: T) => string | undefined;
}

const GAP = '  ';

/** An ISO-8601 time as the tables print it: `2026-12-03 08:22:48Z`. */
export function shortTime(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** `parts` joined by `separator` into lines no wider than `width`, breaking between parts. */
export function wrapJoin(parts: readonly string[], separator: string, width: number): string[] {
  const lines: string[] = [];
  for (const part of parts) {
    const last = lines.at(-1);
    if (last !== undefined && [...last].length + separator.length + [...part].length <= width) lines[lines.length - 1] = `${last}${separator}${part}`;
    else lines.push(truncate(part, width));
  }
  return lines;
}

/** `text` cut to `width` characters, the last one an ellipsis when anything was cut. */
export function truncate(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  return width <= 1 ? '…'.slice(0, width) : `${chars.slice(0, width - 1).join('')}…`;
}

/**
 * Lays rows out as a table no wider than `width`: columns take their natural widths, and when the
 * line would be too long the widest columns give way first (down to their `min`, then further),
 * their cells ending in an ellipsis.
 * @param paint colours a cell; identity when colours are off
 */
export function renderTable<T>(columns: Column<T>[], rows: T[], width: number, paint: (text: string, code: string) => string): string[] {
  const cells = rows.map((row) => columns.map((c) => c.value(row).replace(/\s+/g, ' ')));
  const widths = columns.map((c, i) => Math.max([...c.header].length, ...cells.map((r) => [...r[i]!].length)));
  const total = () => widths.reduce((a, b) => a + b, 0) + GAP.length * (columns.length - 1);
  // the widest column gives way first: down to each column's min, then (still too wide) to 3
  for (const floor of [(i: number) => columns[i]!.min ?? 6, () => 3]) {
    while (total() > width) {
      let widest = -1;
      widths.forEach((w, i) => {
        if (w > floor(i) && (widest < 0 || w > widths[widest]!)) widest = i;
      });
      if (widest < 0) break;
      widths[widest]! -= 1;
    }
  }
  const line = (texts: string[], colors: (string | undefined)[] = []) =>
    texts
      .map((text, i) => {
        const cut = truncate(text, widths[i]!);
        const padded = i === texts.length - 1 ? cut : cut.padEnd(widths[i]! + (cut.length - [...cut].length));
        return colors[i] ? paint(padded, colors[i]!) : padded;
      })
      .join(GAP)
      .trimEnd();
  return [
    line(columns.map((c) => c.header)).replace(/^(.*)$/, (h) => paint(h, '1')),
    ...cells.map((texts, r) => line(texts, columns.map((c) => c.color?.(rows[r]!)))),
  ];
}

/** The SGR colour of a run or step status: green done, red failed, yellow waiting, cyan running. */
export function statusColor(status: string | null | undefined): string | undefined {
  switch (status) {
    case 'Completed':
      return '32';
    case 'Errored':
    case 'Failed':
      return '31';
    case 'Terminated':
      return '35';
    case 'Running':
    case 'Retrying':
    case 'Queued':
      return '36';
    case 'Sleeping':
    case 'Waiting':
    case 'Paused':
    case 'Pending':
      return '33';
    default:
      return undefined;
  }
}
