import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connection, EXIT } from '../../cli/client.js';
import { painter, table } from '../../cli/table.js';

describe('the CLI for people and scripts', () => {
  it('pads columns to their widest cell (colour codes not counted), numbers to the right', () => {
    const paint = painter(true, {});
    const text = table(
      [
        { host: 'h1', state: paint('live', 'green'), n: '3' },
        { host: 'edge-12', state: paint('silent', 'red'), n: '120' },
      ],
      [
        { title: 'HOST', cell: (r) => r.host },
        { title: 'STATE', cell: (r) => r.state },
        { title: 'N', cell: (r) => r.n, right: true },
      ],
    );
    const plain = text.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '');
    assert.equal(plain, ['HOST     STATE     N', 'h1       live      3', 'edge-12  silent  120'].join('\n'));
  });

  it('colours only on a terminal, and never with NO_COLOR', () => {
    assert.equal(painter(false, {})('x', 'red'), 'x');
    assert.equal(painter(true, { NO_COLOR: '1' })('x', 'red'), 'x');
    assert.equal(painter(true, {})('x', 'red'), `${String.fromCharCode(27)}[31mx${String.fromCharCode(27)}[0m`);
  });

  it('finds control: CONTROL_URL and API_TOKEN, else the stack npm start made; a bad URL is refused (exit 2)', () => {
    assert.deepEqual(connection({ CONTROL_URL: 'http://ctl:8080/', API_TOKEN: 't' }, '/nonexistent'), {
      url: 'http://ctl:8080',
      token: 't',
    });
    assert.deepEqual(connection({}, '/nonexistent'), { url: 'http://localhost:8080', token: undefined });
    assert.throws(
      () => connection({ CONTROL_URL: 'ctl:8080' }, '/nonexistent'),
      (e: Error & { code?: number }) => e.code === EXIT.refused && /CONTROL_URL must be an http/.test(e.message),
    );
  });
});

it("on a terminal, the last column is cut to the terminal's width, so a row never wraps; not on a pipe", () => {
  const rows = [{ a: 'x', b: 'a long reason that would wrap the line of a narrow terminal' }];
  const columns = [
    { title: 'A', cell: (r: { a: string }) => r.a },
    { title: 'LAST', cell: (r: { b: string }) => r.b },
  ];
  const cut = table(rows, columns, 30).split('\n');
  assert.ok(
    cut.every((line) => line.length <= 29),
    cut.join('\n'),
  );
  assert.equal(cut[1], 'x  a long reason that would…');
  assert.equal(table(rows, columns).split('\n')[1], `x  ${rows[0]?.b ?? ''}`);
});
