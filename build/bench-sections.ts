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
