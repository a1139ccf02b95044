import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvCell, toCsv } from './csv.js';

test('text that a spreadsheet would run as a formula gets a leading apostrophe; numbers stay numbers', () => {
  assert.equal(csvCell('=HYPERLINK("http://evil","x")'), `"'=HYPERLINK(""http://evil"",""x"")"`);
  for (const bad of ['+1+1', '-2+3', '@SUM(A1)', '\tcmd', '\r=1']) assert.ok(csvCell(bad).replace(/^"/, '').startsWith("'"), bad);
  assert.equal(csvCell(-0.25), '-0.25');
  assert.equal(csvCell(NaN), '');
  assert.equal(csvCell(null), '');
  assert.equal(csvCell(true), 'true');
  assert.equal(csvCell('plain name'), 'plain name');
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell('line\nbreak'), '"line\nbreak"');
  assert.equal(csvCell(' padded'), '" padded"');
});

test('a table: header, CRLF rows, final line end', () => {
  assert.equal(
    toCsv(
      ['name', 'ΔNE %'],
      [
        ['a', 1.5],
        ['=cmd', -2],
      ],
    ),
    "name,ΔNE %\r\na,1.5\r\n'=cmd,-2\r\n",
  );
});
