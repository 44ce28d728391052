import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { Document } from 'openapi-backend';
import { parse } from 'yaml';
import { SpecRoutes } from '../../control/spec-routes.js';

const routes = new SpecRoutes(parse(readFileSync(new URL('../../openapi.yaml', import.meta.url), 'utf8')) as Document);

describe('SpecRoutes (from openapi.yaml)', () => {
  it('lists the methods a path has, HEAD wherever GET is', () => {
    assert.deepEqual(routes.allowed('/threshold'), ['PUT']);
    assert.deepEqual(routes.allowed('/containers'), ['GET', 'HEAD']);
    assert.deepEqual(routes.allowed('/containers/h1/web'), ['POST', 'DELETE']);
    assert.deepEqual(routes.allowed('/nowhere'), []);
  });
  it('names the path parameter whose segment is not valid percent-encoding', () => {
    assert.equal(routes.brokenEscape('/containers/h1/a%20b'), null);
    assert.equal(routes.brokenEscape('/containers/h1/a%zz')?.field, 'containerName');
    assert.equal(routes.brokenEscape('/containers/a%FF/web')?.field, 'hostname');
    assert.equal(routes.brokenEscape('/thres%hold')?.field, 'path');
  });
});
