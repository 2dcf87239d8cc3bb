// Progress for long commands: a bar on a terminal, plain lines otherwise (logs, CI, pipes).
import { basename } from 'node:path';
import cliProgress from 'cli-progress';
import type { ImportProgress } from '../actions/import-files.ts';

export function importProgress(stream: NodeJS.WriteStream = process.stderr): ImportProgress {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream, format: 'importing [{bar}] {value}/{total} files | {papers} papers | {file}', hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    let papers = 0;
    return {
      start: (total) => bar.start(total, 0, { papers: 0, file: '' }),
      file: (file, counts) => {
        papers += counts.papers;
        bar.increment(1, { papers, file: basename(file) });
      },
      rejected: (err) => {
        bar.increment(1);
        stream.write(`\nrejected ${err.file}: ${err.reason}\n`);
      },
      stop: () => bar.stop(),
    };
  }
  let done = 0;
  let total = 0;
  return {
    start: (t) => {
      total = t;
    },
    file: (file, c) => {
      done++;
      stream.write(
        `[${done}/${total}] ${file}: ${c.papers} papers (${c.newPapers} new, ${c.updatedPapers} updated), ${c.entries} daily entries\n`,
      );
    },
    rejected: (err) => {
      done++;
      stream.write(`rejected ${err.file}: ${err.reason}\n`);
    },
    stop: () => {},
  };
}
