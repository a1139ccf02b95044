// The config's size estimate (packages/config run-size.ts) counts each built-in source's inputs without reading
// data; these are the schemas the sources really emit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SOURCE_INPUTS } from '@driftprune/config';
import { CRITEO_DENSE, CRITEO_FIELDS } from './criteo.js';
import { avazuMapping } from './avazu.js';
import { MOVIELENS_DENSE, MOVIELENS_FIELDS } from './movielens.js';
import { CLICKS_DENSE, CLICKS_FIELDS } from './clicks.js';

test('SOURCE_INPUTS of the config agree with the sources’ schemas', () => {
  const time = (on: boolean) => (on ? 2 : 0); // hour_of_day + day_of_week; hour_sin + hour_cos
  assert.deepEqual(SOURCE_INPUTS.criteo, { numDense: CRITEO_DENSE.length, numFields: CRITEO_FIELDS.length });
  assert.deepEqual(SOURCE_INPUTS.avazu, {
    numDense: avazuMapping.dense.length + time(avazuMapping.timeFeatures),
    numFields: avazuMapping.categorical.length + time(avazuMapping.timeFeatures),
  });
  assert.deepEqual(SOURCE_INPUTS.movielens, { numDense: MOVIELENS_DENSE.length, numFields: MOVIELENS_FIELDS.length });
  assert.deepEqual(SOURCE_INPUTS.clicks, { numDense: CLICKS_DENSE.length, numFields: CLICKS_FIELDS.length });
});
