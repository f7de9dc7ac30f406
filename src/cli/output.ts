/** Writing a command's result: to a file (folders created), or refusing an invalid plan. */
import { writeFileSync } from 'node:fs';
import { makeFolders } from '../server/folders';
import { dirname } from 'node:path';
import type { FileReport } from './check';
import { cannot, colours, type IO } from './io';
import { fileLine, formatFindings } from './report';

export function write(file: string, content: string): void {
  try {
    makeFolders(dirname(file));
    writeFileSync(file, content);
  } catch (e) {
    throw cannot('write', file, e, 'Give --out a file path in a folder you can write to.');
  }
}

/** An invalid plan: its problems on stderr, exit 1. */
export function refuse(report: FileReport, io: IO, command: string, noColor: boolean): number {
  const c = colours(io.err, noColor);
  io.err.write(formatFindings(report, c));
  io.err.write(fileLine(report, c));
  io.err.write(`\nmeasureplan ${command}: the plan has problems; fix them first (measureplan validate ${report.file}).\n`);
  return 1;
}
