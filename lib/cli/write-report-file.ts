import { writeFileSync } from 'node:fs';

/**
 * Write a command's report to the file its `--output` names. A file that cannot be written is bad
 * input, reported in one line through the command's own error type (`asError`), naming the file and
 * the system's error code.
 */
export function writeReportFile(file: string, text: string, asError: new (message: string) => Error): void {
  try {
    writeFileSync(file, text);
  } catch (e) {
    throw new asError(`cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
