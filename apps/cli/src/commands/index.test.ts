import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { commands } from './index.js';

test('the command table lists every command file, each once, under its own name', async () => {
  const files = (await readdir(new URL('./', import.meta.url))).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'index.ts');
  const listed = new Set(commands);
  for (const f of files) {
    const mod = (await import(new URL(f, import.meta.url).href)) as { command?: (typeof commands)[number] };
    assert.ok(mod.command, `${f} exports no command`);
    assert.ok(listed.has(mod.command), `commands/index.ts does not list ${f}`);
    assert.equal(mod.command.name, f.replace(/\.ts$/, ''));
  }
  assert.equal(commands.length, files.length);
  assert.equal(new Set(commands.map((c) => c.name)).size, commands.length);
});
