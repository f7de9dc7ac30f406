/**
 * Progress lines on stderr for a long run, the way `forget` prints them: nothing during the first
 * 2 s (a normal file is done by then), then at most one line every 2 s. A new stage ("reading
 * the store") is said as soon as the run is past 2 s, since a single query gives no count.
 */
export type Progress = (text: string, stage?: boolean) => void;

export function progressLines(write: (line: string) => void, clock: () => number, every = 2000): Progress {
  const start = clock();
  let shown = start;
  return (text, stage = false) => {
    const t = clock();
    if (t - start < every || (!stage && t - shown < every)) return;
    shown = t;
    write(`${text} …`);
  };
}

/** `1,234`: counts in messages, grouped so that a large file's numbers read at a glance. */
export const grouped = (n: number): string => n.toLocaleString('en');
