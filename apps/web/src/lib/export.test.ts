import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvField, fileSlug, toCsv } from './export.js';

test('csvField quotes commas, quotes and line breaks, leaves numbers alone, blanks missing values', () => {
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('two\nlines'), '"two\nlines"');
  assert.equal(csvField(-1.5), '-1.5');
  assert.equal(csvField(null), '');
  assert.equal(csvField(Number.NaN), '');
});

test('csvField defuses spreadsheet formulas but keeps negative numbers as text numbers', () => {
  assert.equal(csvField('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
  assert.equal(csvField('@SUM(A1)'), "'@SUM(A1)");
  assert.equal(csvField('-0.25'), '-0.25');
});

test('toCsv writes a header and one line per row in column order', () => {
  const csv = toCsv([{ key: 'name', label: 'run' }, { key: 'ne' }], [{ name: 'a', ne: 1 }, { name: 'b,c', ne: null }]);
  assert.equal(csv, 'run,ne\r\na,1\r\n"b,c",\r\n');
});

test('fileSlug keeps a safe file name', () => {
  assert.equal(fileSlug('e2e budget sweep / ../x'), 'e2e-budget-sweep-x');
  assert.equal(fileSlug('!!!'), 'export');
});
