import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseEvent, pickAddress } from '../../agent/engine/engine-answers.js';

describe("the Docker adapter's event and address parsing", () => {
  it('reads a container event from one line of the stream, and ignores anything else', () => {
    assert.deepEqual(parseEvent('{"Type":"container","Action":"die","Actor":{"ID":"abc","Attributes":{"name":"web"}},"time":17}'), {
      action: 'die',
      name: 'web',
      id: 'abc',
      time: 17,
    });
    for (const line of [
      '{"Type":"network","Action":"connect","Actor":{"Attributes":{"name":"bridge"}}}',
      '{"Type":"container","Action":"die"}',
      'not json',
    ]) {
      assert.equal(parseEvent(line), null, line);
    }
  });
  it("prefers the bridge address, else any network's, else none", () => {
    assert.equal(pickAddress({ other: { IPAddress: '10.1.0.2' }, bridge: { IPAddress: '172.17.0.5' } }), '172.17.0.5');
    assert.equal(pickAddress({ bridge: { IPAddress: '' }, other: { IPAddress: '10.1.0.2' } }), '10.1.0.2');
    // watchdog.network names the one probed; one it is not on falls back; without bridge, the first by name.
    const several = { bridge: { IPAddress: '172.17.0.5' }, back: { IPAddress: '10.2.0.2' }, front: { IPAddress: '10.1.0.2' } };
    assert.equal(pickAddress(several, 'front'), '10.1.0.2');
    assert.equal(pickAddress(several, 'elsewhere'), '172.17.0.5');
    assert.equal(pickAddress({ front: { IPAddress: '10.1.0.2' }, back: { IPAddress: '10.2.0.2' } }), '10.2.0.2');
    assert.equal(pickAddress({}), null);
    assert.equal(pickAddress(undefined), null);
  });
});
