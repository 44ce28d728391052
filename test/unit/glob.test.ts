import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { performance } from 'node:perf_hooks';
import { globMatch } from '../../shared/glob.js';
import { containerMatcher } from '../../bus/container-filter.js';

/** The old way, as a reference for what patterns mean (safe only on small inputs). */
const viaRegExp = (pattern: string, name: string): boolean =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\-]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  ).test(name);

describe('name patterns (* any run, ? one character), without RegExp', () => {
  it('means what the RegExp translation meant, on every pattern and name of a random sample', () => {
    const alphabet = ['a', 'b', '-', '.'];
    const pick = (chars: string[], n: number): string =>
      Array.from({ length: n }, () => chars[Math.floor(Math.random() * chars.length)]).join('');
    for (let i = 0; i < 5000; i++) {
      const pattern = pick([...alphabet, '*', '?'], Math.floor(Math.random() * 7));
      const name = pick(alphabet, Math.floor(Math.random() * 9));
      assert.equal(globMatch(pattern, name), viaRegExp(pattern, name), `${JSON.stringify(pattern)} against ${JSON.stringify(name)}`);
    }
    assert.equal(globMatch('web-*', 'web-1'), true);
    assert.equal(globMatch('web-?', 'web-12'), false);
    assert.equal(globMatch('*', ''), true);
    assert.equal(globMatch('', 'x'), false);
  });

  it('a hostile filter (the longest allowed, all stars but the last) costs the agent well under 1 ms per container', () => {
    const hostile = `${'*'.repeat(127)}x`;
    const matches = containerMatcher({ name: hostile });
    const name = 'a'.repeat(128);
    const started = performance.now();
    for (let i = 0; i < 100; i++) assert.equal(matches({ name, status: 'running', monitored: true }), false);
    const perContainer = (performance.now() - started) / 100;
    assert.ok(perContainer < 1, `${perContainer.toFixed(3)} ms per container`);
  });
});
