import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataPathError, DataRoots, parseS3Uri } from './data-roots.js';

async function fixture() {
  const base = await realpath(await mkdtemp(join(tmpdir(), 'dp-roots-')));
  const root = join(base, 'data');
  const other = join(base, 'work', 'runs', 'r1');
  await mkdir(join(root, 'ml'), { recursive: true });
  await mkdir(other, { recursive: true });
  await writeFile(join(root, 'ml', 'u.data'), '1\t2\t5\t881250949\n');
  await writeFile(join(root, 'clicks.csv'), 'label,a\n1,x\n');
  await writeFile(join(other, 'metrics.jsonl'), '{"secret":1}\n');
  return { base, root, other };
}

const code = (c: string) => (e: unknown) => e instanceof DataPathError && e.code === c && e.permanent;

test('data roots: relative and absolute paths inside a root resolve to their real path', async () => {
  const { base, root } = await fixture();
  try {
    const roots = DataRoots.parse(`${root}, s3://datasets/shared`, base);
    assert.equal(await roots.resolveLocal('clicks.csv'), join(root, 'clicks.csv'));
    assert.equal(await roots.resolveLocal(join(root, 'ml')), join(root, 'ml'));
    assert.equal(await roots.resolveLocal('ml/./u.data'), join(root, 'ml', 'u.data'));
    // a relative root resolves against the working directory given
    assert.equal(await DataRoots.parse('data', base).resolveLocal('ml/u.data'), join(root, 'ml', 'u.data'));
  } finally {
    await rm(base, { recursive: true, force: true });
  }
});

test('data roots: /etc/passwd, .. escapes, other runs’ files and symbolic links out are refused; messages never show content', async () => {
  const { base, root, other } = await fixture();
  try {
    const roots = DataRoots.parse(root);
    await assert.rejects(roots.resolveLocal('/etc/passwd'), code('DATA_PATH_OUTSIDE_ROOTS'));
    await assert.rejects(roots.resolveLocal('../work/runs/r1/metrics.jsonl'), code('DATA_PATH_OUTSIDE_ROOTS'));
    await assert.rejects(roots.resolveLocal(join(other, 'metrics.jsonl')), code('DATA_PATH_OUTSIDE_ROOTS'));
    await assert.rejects(roots.resolveLocal('missing.csv'), code('DATA_PATH_NOT_FOUND'));
    await assert.rejects(roots.resolveLocal(''), code('DATA_PATH_INVALID'));
    await assert.rejects(roots.resolveLocal('a\0b'), code('DATA_PATH_INVALID'));
    // a link inside the root that points out
    await symlink(join(other, 'metrics.jsonl'), join(root, 'leak.csv'));
    const e = (await roots.resolveLocal('leak.csv').catch((x: unknown) => x)) as DataPathError;
    assert.ok(code('DATA_PATH_OUTSIDE_ROOTS')(e));
    assert.doesNotMatch(e.message, /secret/);
    assert.doesNotMatch(e.message, new RegExp(other.replace(/[/.]/g, '\\$&')), 'the link target is not named');
    // a directory (or a file's folder) holding a link out: a source would open it too (u.user beside u.data)
    await symlink('/etc/passwd', join(root, 'ml', 'u.user'));
    await assert.rejects(roots.resolveLocal('ml'), code('DATA_PATH_OUTSIDE_ROOTS'));
    await assert.rejects(roots.resolveLocal('ml/u.data'), code('DATA_PATH_OUTSIDE_ROOTS'));
    // no roots at all: nothing resolves
    await assert.rejects(DataRoots.parse('').resolveLocal('clicks.csv'), code('DATA_PATH_OUTSIDE_ROOTS'));
  } finally {
    await rm(base, { recursive: true, force: true });
  }
});

test('data roots: a root reached through a symbolic link still works; links between roots are fine', async () => {
  const { base, root } = await fixture();
  try {
    await symlink(root, join(base, 'data-link'));
    const second = join(base, 'second');
    await mkdir(second);
    await symlink(join(root, 'clicks.csv'), join(second, 'clicks.csv'));
    const roots = DataRoots.parse(`${join(base, 'data-link')},${second}`);
    assert.equal(await roots.resolveLocal('clicks.csv'), join(root, 'clicks.csv'));
    assert.equal(await roots.resolveLocal(join(second, 'clicks.csv')), join(root, 'clicks.csv'));
    assert.equal(await roots.resolveLocal(join(root, 'ml', 'u.data')), join(root, 'ml', 'u.data'));
  } finally {
    await rm(base, { recursive: true, force: true });
  }
});

test('data roots: folders the platform writes and the store prefix may not overlap a root', () => {
  const roots = DataRoots.parse('/srv/data,s3://lake/datasets');
  assert.throws(() => roots.assertSeparateFrom('/srv/data/work', 'WORKER_DIR'), code('DATA_ROOTS_INVALID'));
  assert.throws(() => roots.assertSeparateFrom('/srv', 'WORKER_DIR'), code('DATA_ROOTS_INVALID'));
  roots.assertSeparateFrom('/srv/database', 'WORKER_DIR');
  assert.throws(() => roots.assertSeparateFromS3({ bucket: 'lake', key: '' }, 'ARTIFACT_STORE'), code('DATA_ROOTS_INVALID'));
  assert.throws(() => roots.assertSeparateFromS3({ bucket: 'lake', key: 'datasets/store' }, 'ARTIFACT_STORE'), code('DATA_ROOTS_INVALID'));
  roots.assertSeparateFromS3({ bucket: 'lake', key: 'datasets-store' }, 'ARTIFACT_STORE');
  roots.assertSeparateFromS3({ bucket: 'artifacts', key: '' }, 'ARTIFACT_STORE');
  assert.throws(() => DataRoots.parse('http://example.com/data'), code('DATA_ROOTS_INVALID'));
  assert.throws(() => DataRoots.parse('s3://'), code('DATA_ROOTS_INVALID'));
});

test('s3 URIs: inside a root prefix only, never through dot segments', () => {
  const roots = DataRoots.parse('s3://lake/datasets');
  assert.ok(roots.containsS3('s3://lake/datasets/criteo/day_0.gz'));
  assert.ok(!roots.containsS3('s3://lake/datasets-private/x.csv'));
  assert.ok(!roots.containsS3('s3://lake/datasets/../store/projects/p/runs/r/a.onnx'));
  assert.ok(!roots.containsS3('s3://lake/datasets//x'));
  assert.ok(!roots.containsS3('s3://other/datasets/x'));
  assert.ok(!roots.containsS3('s3://lake/datasets'));
  assert.deepEqual(parseS3Uri('s3://lake/a/b.csv'), { bucket: 'lake', key: 'a/b.csv' });
  assert.equal(parseS3Uri('s3://lake/a/./b'), null);
  assert.equal(parseS3Uri('https://lake/a'), null);
  assert.ok(DataRoots.parse('s3://lake').containsS3('s3://lake/anything.csv'));
});
