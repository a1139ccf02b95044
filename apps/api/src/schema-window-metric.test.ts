// The SDL is a static file: its WindowMetric and MetricPoint types must say what @driftprune/db's window-metric
// definition says (names, order, types, nullability).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildSchema, GraphQLObjectType } from 'graphql';
import { metricPointFields, WINDOW_METRIC_FIELDS } from '@driftprune/db';

const sdl = buildSchema(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));
const fieldsOf = (name: string) => Object.values((sdl.getType(name) as GraphQLObjectType).getFields()).map((f) => `${f.name}:${String(f.type)}`);
const gql = (f: { name: string; type: string; nullable: boolean }) => `${f.name}:${f.type}${f.nullable ? '' : '!'}`;

test('the SDL type WindowMetric has the fields of WINDOW_METRIC_FIELDS (after its runId)', () => {
  assert.deepEqual(fieldsOf('WindowMetric'), ['runId:ID!', ...WINDOW_METRIC_FIELDS.map(gql)]);
});

test('the SDL type MetricPoint has the fields of a series point derived from WINDOW_METRIC_FIELDS', () => {
  assert.deepEqual(fieldsOf('MetricPoint'), metricPointFields().map(gql));
});
