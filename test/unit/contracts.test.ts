/**
 * The two contract documents are the source of truth: what they say is what the code validates,
 * and the lab's response checker catches an answer the spec does not allow.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { parseCommand, parseEvent, parseHeartbeat, parseReply } from '../../bus/messages.js';
import { agentQueries, agentQueue, COMMANDS_EXCHANGE, EVENTS_EXCHANGE, HEARTBEATS_EXCHANGE, REPLIES_EXCHANGE } from '../../bus/topology.js';
import { checkResponse, ContractViolation } from '../../lab/api-contract.js';

const root = new URL('../../', import.meta.url).pathname;
const asyncapi = parse(readFileSync(`${root}asyncapi.yaml`, 'utf8')) as {
  channels: Record<string, { address: string }>;
  components: {
    messages: Record<string, { name: string; examples: { payload: object }[] }>;
    schemas: Record<string, { pattern?: string }>;
  };
};
const openapi = parse(readFileSync(`${root}openapi.yaml`, 'utf8')) as {
  components: { parameters: Record<string, { schema: { pattern: string } }> };
};

describe('asyncapi.yaml', () => {
  it('every example message in the document is accepted by the validator of its kind', () => {
    const parserOf: Record<string, (body: string) => { ok: boolean }> = {
      threshold: parseCommand,
      list_request: parseCommand,
      actives: parseCommand,
      policy: parseCommand,
      mode: parseCommand,
      silences: parseCommand,
      list_response: parseReply,
      ack: parseReply,
      heartbeat: parseHeartbeat,
      event: parseEvent,
    };
    for (const message of Object.values(asyncapi.components.messages)) {
      const parseKind = parserOf[message.name];
      assert.ok(parseKind, `a parser for ${message.name}`);
      for (const { payload } of message.examples)
        assert.deepEqual(parseKind(JSON.stringify(payload)), { ok: true, value: payload }, message.name);
    }
  });

  it('names the exchanges and queues the code uses', () => {
    assert.equal(COMMANDS_EXCHANGE, asyncapi.channels['commands']?.address);
    assert.equal(HEARTBEATS_EXCHANGE, asyncapi.channels['heartbeats']?.address);
    assert.equal(EVENTS_EXCHANGE, asyncapi.channels['events']?.address);
    assert.equal(REPLIES_EXCHANGE, asyncapi.channels['replies']?.address);
    assert.equal(agentQueue('h1'), 'watchdog.agent.h1.commands');
    assert.equal(agentQueries('h1'), 'watchdog.agent.h1.queries');
  });

  it('holds the same host and container name rules as openapi.yaml', () => {
    assert.equal(asyncapi.components.schemas['Hostname']?.pattern, openapi.components.parameters['hostname']?.schema.pattern);
    assert.equal(asyncapi.components.schemas['ContainerName']?.pattern, openapi.components.parameters['containerName']?.schema.pattern);
  });
});

describe("the lab's response checker (openapi.yaml)", () => {
  const container = { hostname: 'h1', name: 'web', status: 'running', monitored: true };

  it('accepts answers the spec documents', () => {
    checkResponse('GET', '/containers', 200, [container]);
    checkResponse('GET', '/containers', 400, { error: 'invalid_request', message: 'query.x: is not a parameter of this call' });
    checkResponse('PUT', '/threshold', 202, { threshold: 80, confirmed: ['h1'], unconfirmed: ['h2'] });
    checkResponse('PATCH', '/threshold', 405, { error: 'method_not_allowed', message: 'PATCH is not allowed on /threshold' });
    checkResponse('GET', '/nowhere', 404, { error: 'not_found', message: 'no such path' });
    checkResponse('HEAD', '/health', 200, '');
  });

  it('fails on a deliberately wrong field', () => {
    assert.throws(() => checkResponse('GET', '/containers', 200, [{ ...container, monitored: 'yes' }]), ContractViolation);
    assert.throws(() => checkResponse('POST', '/containers/h1/web', 200, { hostname: 'h1', name: 'web', status: 'running' }), /monitored/);
    assert.throws(() => checkResponse('GET', '/hosts', 200, [{ hostname: 'h1', live: true, lastSeen: 'yesterday' }]), /lastSeen/);
  });

  it('fails on a status the spec does not document for the operation', () => {
    assert.throws(() => checkResponse('GET', '/hosts', 503, { error: 'bus_unavailable', message: 'x' }), /does not document/);
    assert.throws(() => checkResponse('GET', '/containers', 500, { error: 'internal', message: 'x' }), /does not document/);
  });
});
