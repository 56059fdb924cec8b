// BENCHMARKS.md is written whole by `npm run bench`, or one section at a time by BENCH_ONLY runs:
// a section is its lines, headed by its "## N. title" line.

/** The markdown with the section of the same heading replaced, or added before the profiles and
 * the commands when it is not there yet. */
export function replaceSection(markdown: string, section: readonly string[]): string {
  const lines = markdown.split('\n');
  const start = lines.indexOf(section[0]);
  const next = (from: number) => {
    const i = lines.findIndex((line, index) => index > from && line.startsWith('## '));
    return i < 0 ? lines.length : i;
  };
  if (start >= 0) return [...lines.slice(0, start), ...section, ...lines.slice(next(start))].join('\n');
  const anchor = lines.findIndex((line) => line === '## Why targets are missed' || line === '## Reproduce');
  const at = anchor < 0 ? lines.length : anchor;
  return [...lines.slice(0, at), ...section, ...lines.slice(at)].join('\n');
}

/** The markdown with the rows of the Targets table named by `rows` (their first cell) replaced. */
export function replaceTargetRows(markdown: string, rows: readonly (readonly string[])[]): string {
  const lines = markdown.split('\n');
  for (const row of rows) {
    const at = lines.findIndex((line) => line.startsWith(`| ${row[0]} |`));
    if (at < 0) throw new Error(`BENCHMARKS.md has no target row ${row[0]}: run the whole benchmark first`);
    lines[at] = `| ${row.join(' | ')} |`;
  }
  return lines.join('\n');
}
