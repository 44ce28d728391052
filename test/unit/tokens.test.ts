import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mayChange, parseTokens, Tokens, type NamedToken } from '../../control/tokens.js';

const file = (entries: unknown): string => JSON.stringify(entries);
const A = 'a'.repeat(24);
const B = 'b'.repeat(24);

describe('API tokens with names and roles', () => {
  it('API_TOKEN is the admin "api", API_READ_TOKEN the read "api-read", the file names the rest', () => {
    const tokens = parseTokens(file([{ name: 'alice', role: 'operate', token: A }]), 'root-token-root-token', 'reader-token-reader');
    assert.deepEqual(
      (tokens as NamedToken[]).map((t) => `${t.name}:${t.role}`),
      ['api:admin', 'api-read:read', 'alice:operate'],
    );
  });

  it('identifies the caller by its token; another token, no token or a prefix is nobody', () => {
    const tokens = new Tokens([
      { name: 'alice', role: 'operate', token: A },
      { name: 'rita', role: 'read', token: B },
    ]);
    assert.deepEqual(tokens.identify(`Bearer ${A}`), { name: 'alice', role: 'operate' });
    assert.deepEqual(tokens.identify(`bearer ${B}`), { name: 'rita', role: 'read' });
    for (const header of [undefined, '', `Bearer ${A.slice(1)}`, `Bearer ${A}x`, A])
      assert.equal(tokens.identify(header), null, String(header));
    assert.equal(tokens.readsClosed, true, 'a read token closes reads');
    assert.equal(mayChange({ name: 'rita', role: 'read' }), false);
    assert.equal(mayChange({ name: 'alice', role: 'operate' }), true);
    assert.equal(new Tokens([]).open, true);
    assert.equal(new Tokens([{ name: 'alice', role: 'admin', token: A }]).readsClosed, false);
  });

  it('a bad file is one sentence naming the entry, never a token', () => {
    const cases: [string | undefined, RegExp][] = [
      ['not json', /must hold JSON/],
      [file([]), /at least one/],
      [file([{ name: 'a b', role: 'read', token: A }]), /entry 1: name must be/],
      [file([{ name: 'x', role: 'root', token: A }]), /entry 1 \(x\): role must be read, operate or admin/],
      [file([{ name: 'x', role: 'read', token: 'short' }]), /at least 16 characters/],
      [file([{ name: 'x', role: 'read', token: A, extra: 1 }]), /unknown field extra/],
      [file([{ name: 'api', role: 'read', token: A }]), /the name api is taken/],
      [
        file([
          { name: 'x', role: 'read', token: A },
          { name: 'y', role: 'admin', token: A },
        ]),
        /entry 2 \(y\): its token is another's too/,
      ],
    ];
    for (const [text, expected] of cases) {
      const problem = parseTokens(text, 'the-admin-token-1234', undefined);
      assert.equal(typeof problem, 'string', String(text));
      assert.match(problem as string, expected);
      assert.ok(!(problem as string).includes(A), 'never says a token');
    }
  });
});
