import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { brokerDefinitions, deploymentUsers } from '../../bus/definitions.js';
import { agentTopicPermissions, eventSenderProblem } from '../../bus/identity.js';
import { COMMANDS_EXCHANGE, QUERY_ALL, TO_ALL, queryHost, toHost } from '../../bus/topology.js';

describe('who may bind what on the commands exchange (issue 26 #4)', () => {
  it("an agent may bind its own routing keys and the broadcasts, never another host's, and publish none", () => {
    const t = agentTopicPermissions('h1.example');
    const read = new RegExp(t.read);
    assert.equal(t.exchange, COMMANDS_EXCHANGE);
    for (const key of [TO_ALL, QUERY_ALL, toHost('h1.example'), queryHost('h1.example')]) assert.ok(read.test(key), key);
    for (const key of [toHost('h2'), queryHost('h2'), toHost('h1xexample'), toHost('h1.example.evil'), '#', 'host.*', 'host.#'])
      assert.ok(!read.test(key), key);
    assert.ok(!new RegExp(t.write).test(toHost('h1.example')));
  });

  it('the definitions make the commands exchange a topic exchange and give every agent its topic permissions', () => {
    const defs = brokerDefinitions(deploymentUsers({ admin: 'a', control: 'c', antagonist: 'x', agents: { h1: 'p1', h2: 'p2' } })) as {
      exchanges: { name: string; type: string }[];
      topic_permissions: { user: string; exchange: string; read: string }[];
    };
    assert.equal(defs.exchanges.find((e) => e.name === COMMANDS_EXCHANGE)?.type, 'topic');
    assert.deepEqual(
      defs.topic_permissions.map((p) => [p.user, p.exchange]),
      [
        ['agent-h1', COMMANDS_EXCHANGE],
        ['agent-h2', COMMANDS_EXCHANGE],
      ],
    );
  });
});

describe('who may tell an event (issue 26 #4)', () => {
  it('the agent of the host it names; the antagonist only for a fault; nobody else', () => {
    assert.equal(eventSenderProblem('agent-h1', { type: 'heal', host: 'h1' }), null);
    assert.equal(eventSenderProblem('antagonist', { type: 'fault', host: 'h1' }), null);
    assert.equal(eventSenderProblem('agent-h2', { type: 'heal', host: 'h1' }), 'only agent-h1 speaks for that host');
    assert.equal(eventSenderProblem('antagonist', { type: 'heal', host: 'h1' }), 'only agent-h1 speaks for that host');
    assert.equal(eventSenderProblem('', { type: 'fault', host: 'h1' }), 'only agent-h1 or antagonist speaks for that host');
  });
});
