import { describe, expect, it } from 'vitest';
import { parsePrometheusText, sampleValue } from '../helpers/prom-text.js';

// The test parser must itself refuse what Prometheus refuses, or /metrics tests prove nothing.

const GOOD = `# HELP a_total Things.
# TYPE a_total counter
a_total{kind="x"} 3
a_total{kind="y \\"q\\" \\\\ \\n"} 0
# HELP h_seconds Time.
# TYPE h_seconds histogram
h_seconds_bucket{le="0.5"} 1
h_seconds_bucket{le="1"} 2
h_seconds_bucket{le="+Inf"} 2
h_seconds_sum 1.2
h_seconds_count 2
# TYPE g gauge
g NaN
g2 -Inf 1700000000000
`;

describe('the strict Prometheus text parser of the tests', () => {
  it('reads well-formed text: types, help, escaped label values, special values, histograms', () => {
    const m = parsePrometheusText(GOOD);
    expect(m.get('a_total')).toMatchObject({ type: 'counter', help: 'Things.' });
    expect(sampleValue(m, 'a_total', { kind: 'y "q" \\ \n' })).toBe(0);
    expect(sampleValue(m, 'h_seconds_count')).toBe(2);
    expect(sampleValue(m, 'g')).toBeNaN();
    expect(m.get('g2')?.type).toBe('untyped');
  });

  it.each([
    ['no final newline', GOOD.trimEnd()],
    ['a bad metric name', GOOD.replace('g NaN', '9g 1')],
    ['a bad value', GOOD.replace('g NaN', 'g one')],
    ['a bad escape', GOOD.replace('\\\\ \\n', '\\t')],
    ['an unterminated label', GOOD.replace('a_total{kind="x"} 3', 'a_total{kind="x} 3')],
    ['a duplicate series', GOOD.replace('a_total{kind="x"} 3', 'a_total{kind="x"} 3\na_total{kind="x"} 4')],
    ['a counter sample without _total', GOOD.replace('# TYPE g gauge\ng NaN', '# TYPE g counter\ng 1')],
    ['TYPE after samples', GOOD.replace('g NaN', 'g NaN\n# TYPE g gauge')],
    ['a family split in two', `${GOOD}a_total{kind="z"} 1\n`],
    ['buckets that are not cumulative', GOOD.replace('h_seconds_bucket{le="1"} 2', 'h_seconds_bucket{le="1"} 0')],
    ['+Inf bucket not the count', GOOD.replace('h_seconds_count 2', 'h_seconds_count 3')],
    ['no +Inf bucket', GOOD.replace('h_seconds_bucket{le="+Inf"} 2\n', '')],
    ['an unknown type', GOOD.replace('# TYPE g gauge', '# TYPE g meter')],
  ])('refuses %s', (_what, text) => {
    expect(() => parsePrometheusText(text)).toThrow();
  });
});
