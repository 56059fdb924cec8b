// JSON.stringify(value, null, 2), in pieces: a report of 100,000 findings is about 30 MB of JSON,
// and as one string (plus the bytes written from it) it raised check's peak memory past the
// budget. The top levels (report, checks, a check, its findings) are walked here; each value below
// them (a finding) is one JSON.stringify, indented to its place. The text is the same, byte for byte.

/** Containers this deep or deeper are stringified whole (0 is the value itself). */
const WALKED_LEVELS = 4;

function omitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

function* walk(input: unknown, indent: string, level: number): Generator<string> {
  const value = input !== null && typeof input === 'object' && typeof (input as { toJSON?: unknown }).toJSON === 'function' ? (input as { toJSON(): unknown }).toJSON() : input;
  if (value === null || typeof value !== 'object' || level >= WALKED_LEVELS) {
    // Strings in JSON hold no raw newline, so every newline is the layout's own.
    yield (JSON.stringify(value, null, 2) ?? 'null').replaceAll('\n', `\n${indent}`);
    return;
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return void (yield '[]');
    for (let i = 0; i < value.length; i++) {
      yield `${i === 0 ? '[' : ','}\n${inner}`;
      yield* omitted(value[i]) ? ['null'] : walk(value[i], inner, level + 1);
    }
    yield `\n${indent}]`;
    return;
  }
  const entries = Object.entries(value).filter(([, v]) => !omitted(v));
  if (entries.length === 0) return void (yield '{}');
  for (let i = 0; i < entries.length; i++) {
    yield `${i === 0 ? '{' : ','}\n${inner}${JSON.stringify(entries[i][0])}: `;
    yield* walk(entries[i][1], inner, level + 1);
  }
  yield `\n${indent}}`;
}

/** The pieces of JSON.stringify(value, null, 2) + '\n'. */
export function* jsonChunks(value: unknown): Generator<string> {
  yield* walk(value, '', 0);
  yield '\n';
}
