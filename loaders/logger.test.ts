import { describe, expect, it } from 'vitest';
import { formatDuration, progress } from './logger.ts';

describe('progress', () => {
  it('reports counts and an estimate from the rate so far, at most once per interval', () => {
    const lines: string[] = [];
    let clock = 0;
    const report = progress({ info: (m) => lines.push(m), warn: (m) => lines.push(m) }, 'docs: pages rendered', 1000, { everyMs: 5000, now: () => clock });
    clock = 1000;
    report.tick(100); // too soon
    clock = 5000;
    report.tick(150); // 250 done in 5 s: 750 left at 50 a second
    clock = 6000;
    report.tick(50); // too soon after the last line
    clock = 10_000;
    report.tick(700); // done: the stage's own summary says the rest
    expect(lines).toEqual(['docs: pages rendered: 250 of 1,000 (25%), about 15 s left']);
  });

  it('formats durations for people', () => {
    expect([formatDuration(850), formatDuration(12_400), formatDuration(185_000)]).toEqual(['850 ms', '12 s', '3 min 05 s']);
  });
});
