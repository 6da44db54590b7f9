// The lines of a text stream, read only as fast as they are consumed. node:readline's async iterator does not wait
// for its consumer: it reads the whole stream ahead and queues every line, so a spool file of a gigabyte import
// ended up in memory (the 1 GB export's import peaked at 2.9 GB RSS; BENCHMARKS.md).
import type { Readable } from 'node:stream';

/** Lines without their `\n` (or `\r\n`); a last line without a newline is yielded too, an empty file yields none. */
export async function* streamLines(input: Readable): AsyncGenerator<string> {
  input.setEncoding('utf8');
  // A line longer than a chunk arrives in parts, joined once its end is seen.
  let parts: string[] = [];
  for await (const chunk of input as AsyncIterable<string>) {
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl !== -1; nl = chunk.indexOf('\n', start)) {
      parts.push(chunk.slice(start, nl));
      const line = parts.length === 1 ? parts[0] : parts.join('');
      parts = [];
      start = nl + 1;
      yield line.endsWith('\r') ? line.slice(0, -1) : line;
    }
    if (start < chunk.length) parts.push(chunk.slice(start));
  }
  if (parts.length > 0) yield parts.join('');
}
