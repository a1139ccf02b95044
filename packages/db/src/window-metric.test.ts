import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { schemaPath } from './migrate/migrations.js';
import { WINDOW_METRIC_KEY } from './repositories/window-metrics.js';
import { metricPointFields, WINDOW_METRIC_FIELDS } from './window-metric.js';

/** The scalar fields of a model of prisma/schema.prisma: name, type, optional; relations and attributes left out. */
function modelFields(schema: string, model: string): { name: string; type: string; nullable: boolean }[] {
  const block = new RegExp(`^model\\s+${model}\\s*\\{([\\s\\S]*?)^\\}`, 'm').exec(schema);
  assert.ok(block, `model ${model} not found in schema.prisma`);
  const out = [];
  for (const line of block[1].split('\n')) {
    const m = /^\s*(\w+)\s+(\w+)(\?|\[\])?(\s|$)/.exec(line);
    if (!m || line.trim().startsWith('//') || line.includes('@relation')) continue;
    out.push({ name: m[1], type: m[2], nullable: m[3] === '?' });
  }
  return out;
}

test('WINDOW_METRIC_FIELDS lists the columns of the WindowMetric model of prisma/schema.prisma, in order, with their types and nullability', () => {
  const schema = readFileSync(schemaPath, 'utf8');
  const columns = modelFields(schema, 'WindowMetric').filter((f) => !['id', 'runId', 'createdAt'].includes(f.name));
  assert.deepEqual(
    columns,
    WINDOW_METRIC_FIELDS.map((f) => ({ name: f.name, type: f.type, nullable: f.nullable })),
  );
  const unique = /@@unique\(\[([^\]]+)\]\)/.exec(schema.slice(schema.indexOf('model WindowMetric')))!;
  assert.deepEqual(unique[1].split(',').map((s) => s.trim()), ['runId', ...WINDOW_METRIC_KEY]);
});

test('the schema parser of this test sees a changed column (the check can fail)', () => {
  const schema = readFileSync(schemaPath, 'utf8').replace(/(model WindowMetric \{[\s\S]*?)\n {2}auc\s+Float\?/, '$1\n  auc Float');
  const auc = modelFields(schema, 'WindowMetric').find((f) => f.name === 'auc')!;
  assert.equal(auc.nullable, false);
});

test('a series point has the span, the grouping key, a mean of every numeric metric, and the flags', () => {
  assert.deepEqual(
    metricPointFields().map((f) => `${f.name}:${f.type}${f.nullable ? '' : '!'}`),
    ['window:Int!', 'windowEnd:Int!', 'count:Int!', 'model:ModelRole!', 'rows:Float!', 'ne:Float', 'logLoss:Float!', 'auc:Float', 'calibration:Float', 'sparsity:Float!', 'flops:Float!', 'params:Float!', 'warmup:Boolean!', 'excluded:String'],
  );
});
