// The SDL cannot import TypeScript: its defaults and documented bounds of priority and maxAttempts must agree with the
// one definition in @driftprune/config (run-queue.ts).
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSchema, type GraphQLInputObjectType } from 'graphql';
import { RUN_ATTEMPTS, RUN_PRIORITY } from '@driftprune/config';

test('SubmitRunInput and SubmitSweepInput state the queue bounds and defaults of @driftprune/config', () => {
  const schema = buildSchema(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));
  for (const name of ['SubmitRunInput', 'SubmitSweepInput']) {
    const fields = (schema.getType(name) as GraphQLInputObjectType).getFields();
    for (const [field, bounds] of [['priority', RUN_PRIORITY], ['maxAttempts', RUN_ATTEMPTS]] as const) {
      assert.equal(fields[field].defaultValue, bounds.default, `${name}.${field} default`);
      assert.ok(fields[field].description?.includes(`(${bounds.min}..${bounds.max})`), `${name}.${field} documents ${bounds.min}..${bounds.max}: "${fields[field].description}"`);
    }
  }
});
