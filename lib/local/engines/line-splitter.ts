/** Turn chunks of a stream into whole lines (the last partial line is kept until more arrives or flush). */
export function lineSplitter(onLine: (line: string) => void): { push: (chunk: Buffer | string) => void; flush: () => void } {
  let partial = '';
  return {
    push: (chunk) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) onLine(l);
    },
    flush: () => {
      if (partial) onLine(partial);
      partial = '';
    },
  };
}
