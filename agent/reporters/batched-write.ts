// A report too big to hold twice is rendered in pieces (reportChunks); they leave in writes of
// about 64 KiB, never one piece at a time.

/** Joins pieces into writes of about 64 KiB: one write per piece would be a system call per finding. */
export function writeInBatches(chunks: Iterable<string>, write: (text: string) => void): void {
  let batch: string[] = [];
  let size = 0;
  for (const chunk of chunks) {
    batch.push(chunk);
    size += chunk.length;
    if (size >= 65536) {
      write(batch.join(''));
      batch = [];
      size = 0;
    }
  }
  if (size > 0) write(batch.join(''));
}
