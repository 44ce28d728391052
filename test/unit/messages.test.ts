import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withinBounds } from '../../bus/event-publisher.js';
import { EVENT_MAX_BYTES, encode, parseCommand, parseEvent, parseHeartbeat, parseReply, type Event } from '../../bus/messages.js';

const reason = (parsed: { ok: boolean; reason?: string }): string => (parsed.ok ? 'ok' : (parsed.reason ?? ''));

describe('parseCommand', () => {
  it('accepts the three commands of the original protocol', () => {
    assert.deepEqual(parseCommand('{"kind":"threshold","threshold":80}'), { ok: true, value: { kind: 'threshold', threshold: 80 } });
    assert.deepEqual(parseCommand('{"kind":"list_request"}'), { ok: true, value: { kind: 'list_request' } });
    assert.deepEqual(parseCommand(Buffer.from('{"kind":"actives","hostname":"h1","name":"web","monitored":false}')), {
      ok: true,
      value: { kind: 'actives', hostname: 'h1', name: 'web', monitored: false },
    });
  });

  it('names what is wrong with a malformed command', () => {
    assert.match(reason(parseCommand('not json')), /^body is not JSON/);
    assert.equal(reason(parseCommand('[1,2]')), 'body must be a JSON object');
    assert.equal(reason(parseCommand('42')), 'body must be a JSON object');
    assert.match(
      reason(parseCommand('{"kind":"reboot"}')),
      /^kind: must be threshold, list_request, actives, policy, mode or silences \(got "reboot"\)/,
    );
    assert.equal(reason(parseCommand('{"kind":"threshold","threshold":"80"}')), 'threshold: must be a number from 0 to 100');
    assert.equal(reason(parseCommand('{"kind":"threshold","threshold":100.5}')), 'threshold: must be a number from 0 to 100');
    assert.match(
      reason(parseCommand('{"kind":"actives","hostname":"h1","name":"/web","monitored":true}')),
      /^name: must be a Docker container name/,
    );
    assert.match(
      reason(parseCommand('{"kind":"actives","hostname":"h 1","name":"web","monitored":true}')),
      /^hostname: must be a host name/,
    );
    assert.equal(
      reason(parseCommand('{"kind":"actives","hostname":"h1","name":"web","monitored":"yes"}')),
      'monitored: must be true or false',
    );
  });
});

describe('parseReply and parseHeartbeat', () => {
  it('accepts list responses and acks', () => {
    assert.equal(
      parseReply('{"kind":"list_response","hostname":"h1","containers":[{"hostname":"h1","name":"a","status":"running","monitored":true}]}')
        .ok,
      true,
    );
    assert.equal(parseReply('{"kind":"ack","hostname":"h1","command":"threshold","ok":true,"threshold":5}').ok, true);
  });
  it('rejects replies with wrong shapes', () => {
    assert.equal(
      reason(parseReply('{"kind":"list_response","hostname":"h1","containers":[{"name":"a"}]}')),
      'containers.0.hostname: is required',
    );
    assert.match(reason(parseReply('{"kind":"ack","hostname":"h1","command":"reboot","ok":true}')), /^command:/);
    assert.match(reason(parseReply('{"kind":"hello","hostname":"h1"}')), /^kind:/);
    const shared = (containers: object[], policies: object[] = []) =>
      reason(parseReply(JSON.stringify({ kind: 'list_response', hostname: 'h1', policies, containers })));
    const container = { hostname: 'h1', name: 'a', status: 'running', monitored: true };
    const policy = {
      threshold: { value: 60, source: 'host' },
      stopTimeoutSec: { value: 2, source: 'host' },
      restartLimit: { value: 3, source: 'host' },
      action: { value: 'restart', source: 'host' },
      onExhausted: { value: 'backoff', source: 'host' },
    };
    assert.equal(
      shared([{ ...container, policyIndex: 1 }], [policy]),
      'containers.0.policyIndex: must point into policies, which has 1 (got 1)',
    );
    assert.equal(shared([{ ...container, policyIndex: 0, policy }], [policy]), 'containers.0: policy and policyIndex: only one of them');
    assert.equal(
      parseReply(
        JSON.stringify({ kind: 'list_response', hostname: 'h1', policies: [policy], containers: [{ ...container, policyIndex: 0 }] }),
      ).ok,
      true,
    );
  });
  it('validates heartbeats', () => {
    assert.equal(
      parseHeartbeat('{"kind":"heartbeat","hostname":"h1","sentAt":"2026-01-01T00:00:00Z","threshold":60,"monitored":2}').ok,
      true,
    );
    assert.match(
      reason(parseHeartbeat('{"kind":"heartbeat","hostname":"h1","sentAt":"yesterday","threshold":60,"monitored":2}')),
      /^sentAt/,
    );
  });
  it("validates every field, optional ones included: an ack's error, a heartbeat's leaving", () => {
    assert.match(
      reason(parseReply('{"kind":"ack","hostname":"h1","command":"actives","ok":false,"error":"boom"}')),
      /^error: must be not_found, invalid or failed/,
    );
    assert.match(
      reason(
        parseReply(
          '{"kind":"ack","hostname":"h1","command":"actives","ok":true,"container":{"hostname":"h1","name":"a","status":"running","monitored":"no"}}',
        ),
      ),
      /^container\.monitored: must be true or false/,
    );
    assert.equal(
      reason(
        parseHeartbeat('{"kind":"heartbeat","hostname":"h1","sentAt":"2026-01-01T00:00:00Z","threshold":60,"monitored":2,"leaving":"yes"}'),
      ),
      'leaving: must be true or false',
    );
    assert.equal(
      reason(parseHeartbeat('{"kind":"heartbeat","hostname":"h1","sentAt":"2026-01-01T00:00:00Z","threshold":60,"monitored":-1}')),
      'monitored: must be a whole number, 0 or more',
    );
  });
  it("ignores fields it does not know (a newer peer's additions)", () => {
    assert.equal(
      parseHeartbeat('{"kind":"heartbeat","hostname":"h1","sentAt":"2026-01-01T00:00:00Z","threshold":60,"monitored":2,"version":"2"}').ok,
      true,
    );
  });
});

describe('parseEvent and the bounds of an event', () => {
  const heal: Event = {
    kind: 'event',
    type: 'heal',
    at: '2026-01-01T00:00:00.000Z',
    host: 'h1',
    container: 'web',
    action: 'start',
    outcome: 'ok',
    reason: 'container is exited',
  };

  it('refuses an event with a text over 2000 characters, too many problems, or over the byte bound', () => {
    assert.equal(reason(parseEvent(encode(heal))), 'ok');
    assert.equal(reason(parseEvent(encode({ ...heal, reason: 'x'.repeat(2001) }))), 'reason: must be a string of at most 2000 characters');
    assert.match(
      reason(parseEvent(encode({ ...heal, type: 'label', problems: Array.from({ length: 21 }, () => 'p') }))),
      /^problems: must be/,
    );
    const huge = JSON.stringify({ ...heal, junk: 'x'.repeat(5 * 1024 * 1024) });
    assert.equal(reason(parseEvent(huge)), `body: must be at most ${EVENT_MAX_BYTES} bytes (got ${Buffer.byteLength(huge)})`);
  });

  it('clips what an agent sends to the bounds, so its own long texts never make an event control refuses', () => {
    const long = withinBounds({
      ...heal,
      reason: '€'.repeat(5000),
      type: 'label',
      problems: Array.from({ length: 40 }, () => '€'.repeat(5000)),
    });
    assert.equal(long.reason?.length, 2000);
    assert.equal(long.problems?.length, 20);
    assert.equal(reason(parseEvent(encode(long))), 'ok', 'the worst clipped event is still accepted');
  });
});
