// Import and export progress on stderr: a redrawn bar on a terminal, plain lines (at most every few seconds and at each
// phase change) when stderr is a file or a pipe, so logs stay readable.
import { describeProgress } from './import/progress.js';

const WIDTH = 30;
const PLAIN_INTERVAL_MS = 5000;

/** An import's progress (ImportProgress) or an export's (fibrotrack export). */
export interface Progress {
  phase: string;
  done: number;
  total?: number;
  unit: string;
}

export interface ProgressBar {
  update(p: Progress): void;
  done(): void;
}

export function progressBar(label: string, out: NodeJS.WriteStream = process.stderr): ProgressBar {
  let lastPhase = '';
  let lastPlain = 0;
  let drawn = false;
  return {
    update(p) {
      const text = `${label} ${describeProgress(p)}`;
      if (out.isTTY) {
        const share = p.total ? Math.min(1, p.done / p.total) : 0;
        const filled = Math.round(share * WIDTH);
        out.write(
          `\r[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${text}`
            .slice(0, (out.columns ?? 120) - 1)
            .padEnd(Math.min(out.columns ?? 120, 120) - 1),
        );
        drawn = true;
        return;
      }
      const now = Date.now();
      if (p.phase !== lastPhase || now - lastPlain >= PLAIN_INTERVAL_MS) {
        out.write(`${text}\n`);
        lastPhase = p.phase;
        lastPlain = now;
      }
    },
    done() {
      if (drawn) out.write('\n');
    },
  };
}
