#!/usr/bin/env node
// Creates the database named in DATABASE_URL when it does not exist yet (idempotent).
import pg from 'pg';

const url = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/driftprune');
const name = decodeURIComponent(url.pathname.slice(1)) || 'driftprune';
if (!/^[A-Za-z0-9_-]+$/.test(name)) {
  console.error(`[ensure-db] refusing an unusual database name: ${name}`);
  process.exit(2);
}
const admin = new URL(url);
admin.pathname = '/postgres';
const client = new pg.Client({ connectionString: admin.toString() });
await client.connect();
const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
if (!rowCount) {
  await client.query(`CREATE DATABASE "${name}"`);
  console.error(`[ensure-db] created database ${name}`);
} else console.error(`[ensure-db] database ${name} exists`);
await client.end();
