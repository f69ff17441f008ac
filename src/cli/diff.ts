/** One line of a diff: kept (' '), removed ('-') or added ('+'). */
interface DiffLine {
  kind: ' ' | '-' | '+';
  text: string;
  oldLine: number;
  newLine: number;
}

/**
 * A unified diff of two texts, with `context` unchanged lines around each change. Config files are
 * small, so a plain longest-common-subsequence table is fast enough and keeps this dependency-free.
 * @returns the hunks, or an empty string when the texts are equal
 */
export function unifiedDiff(oldName: string, newName: string, before: string, after: string, context = 3): string {
  if (before === after) return '';
  const lines = diffLines(splitLines(before), splitLines(after));
  const hunks: string[] = [];
  let index = 0;
  while (index < lines.length) {
    const firstChange = lines.findIndex((line, i) => i >= index && line.kind !== ' ');
    if (firstChange === -1) break;
    const start = Math.max(index, firstChange - context);
    let end = firstChange;
    // extend the hunk while the next change is within 2 × context lines
    for (let i = firstChange; i < lines.length; i++) {
      if (lines[i]!.kind !== ' ') end = i;
      else if (i - end > context * 2) break;
    }
    const stop = Math.min(lines.length, end + context + 1);
    const hunk = lines.slice(start, stop);
    const oldCount = hunk.filter((l) => l.kind !== '+').length;
    const newCount = hunk.filter((l) => l.kind !== '-').length;
    const oldStart = hunk[0]!.oldLine + (oldCount === 0 ? 0 : 1);
    const newStart = hunk[0]!.newLine + (newCount === 0 ? 0 : 1);
    hunks.push(`@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`);
    for (const line of hunk) hunks.push(`${line.kind}${line.text}`);
    index = stop;
  }
  return [`--- ${oldName}`, `+++ ${newName}`, ...hunks].join('\n');
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function diffLines(a: string[], b: string[]): DiffLine[] {
  // lcs[i][j] = length of the longest common subsequence of a[i..] and b[j..]
  const lcs = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    // oldLine/newLine hold the count of lines consumed before this one (0-based position)
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push({ kind: ' ', text: a[i]!, oldLine: i, newLine: j });
      i++;
      j++;
    } else if (i < a.length && (j === b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      // removals before additions, as diff(1) prints them
      out.push({ kind: '-', text: a[i]!, oldLine: i, newLine: j });
      i++;
    } else {
      out.push({ kind: '+', text: b[j]!, oldLine: i, newLine: j });
      j++;
    }
  }
  return out;
}
