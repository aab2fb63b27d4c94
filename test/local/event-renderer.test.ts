import { PassThrough } from 'node:stream';
import { eventRenderer } from '../../lib/local/commands/event-renderer';
import { createReporter } from '../../lib/local/progress';
import type { RunnerEvent } from '../../lib/local/state';

/** Render events through a real (non-terminal) reporter and return what it printed. */
function rendered(events: Omit<RunnerEvent, 'time'>[]): string {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d) => (text += d));
  const render = eventRenderer(createReporter(out as unknown as NodeJS.WriteStream, () => 0));
  for (const e of events) render({ time: '2026-12-04T00:00:00Z', ...e });
  return text;
}

describe('the progress lines of local up', () => {
  test('a step finished by done is ok; a failed one says FAILED with its cause', () => {
    const text = rendered([
      { kind: 'step', text: 'start app' },
      { kind: 'done', text: 'app started' },
      { kind: 'step', text: 'wait for app to be HEALTHY' },
      { kind: 'failed', text: 'wait for app to be HEALTHY: app is still starting after 60 s' },
    ]);
    expect(text).toMatch(/^ok start app \(0.0 s\)$/m);
    expect(text).toContain('FAILED wait for app to be HEALTHY: app is still starting after 60 s');
  });

  test('Ctrl-C during a health wait: the wait is reported stopped, neither ok nor FAILED, and its cause follows the stop steps', () => {
    const text = rendered([
      { kind: 'step', text: 'wait for proxy to be HEALTHY' },
      { kind: 'step', text: 'stop proxy' },
      { kind: 'done', text: 'proxy stopped' },
      { kind: 'failed', text: 'wait for proxy to be HEALTHY: SIGINT received by secure-ecs local up', interrupted: true },
    ]);
    expect(text).not.toMatch(/^ok wait for proxy/m);
    expect(text).not.toContain('FAILED');
    expect(text).toMatch(/^stopped wait for proxy to be HEALTHY: interrupted, the task is stopping/m);
    expect(text).toMatch(/^ok stop proxy/m);
    expect(text.trim().split('\n').pop()).toBe('start interrupted: wait for proxy to be HEALTHY: SIGINT received by secure-ecs local up');
  });
});
