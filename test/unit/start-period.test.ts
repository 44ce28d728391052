import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StartPeriod } from '../../agent/judging/start-period.js';

describe('start period', () => {
  it('holds restarts of a young instance that passed no check; a passed check or the end of the period lifts it; another instance starts over', () => {
    const period = new StartPeriod();
    const started = '2026-12-07T10:00:00.000Z';
    const t0 = Date.parse(started);
    assert.match(period.holds('web', started, 30_000, t0 + 5000) ?? '', /within its start period \(5 s of 30 s, no check passed yet\)/);
    assert.equal(period.holds('web', started, 30_000, t0 + 30_000), null, 'its period is over');
    assert.equal(period.holds('web', started, 0, t0), null, 'no start period');
    period.pass('web', started);
    assert.equal(period.holds('web', started, 30_000, t0 + 5000), null, 'it passed a check');
    const again = '2026-12-07T10:01:00.000Z';
    assert.notEqual(period.holds('web', again, 30_000, Date.parse(again) + 1000), null, 'a new instance has its own');
    assert.equal(period.holds('web', '', 30_000, t0), null, 'an unknown start time holds nothing');
  });
});
