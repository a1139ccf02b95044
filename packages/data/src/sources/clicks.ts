// Click logs without impressions (Globo.com G1 news: user_id, session_id, session_start, session_size,
// click_article_id, click_timestamp, click_environment, click_deviceGroup, click_os, click_country, click_region,
// click_referrer_type; sorted by click_timestamp) as a CTR stream: every click is a positive row, followed by
// `negatives.perClick` negative rows that keep the click's user and context and swap in an article drawn from the
// pool of articles clicked by anyone in the `poolMinutes` before it (never after: the pool holds earlier clicks only).
// Every feature is causal: counts, ages and gaps are taken from earlier clicks before this one is counted.
// docs/method.md § Click logs says what NE then measures.
//
// Memory: per user (count, last article, last time), per article (first click, clicks, clicks in the pool), the
// sessions of the last day, the pool's clicks, and the current window's rows; never the whole log.
import type { ClicksOptions, DataConfig } from '@driftprune/config';
import { clicksOptions } from '@driftprune/config';
import type { BadRowSample, Stream, Window } from '../types.js';
import { DataError } from '../errors.js';
import { FieldHasher, resolveTableSizes } from '../hash/field-hasher.js';
import { readChunks } from '../io/open-file.js';
import { LineSplitter } from '../io/lines.js';
import { RowBlock } from '../rows/row-block.js';
import { BadRowBudget, WindowBadRows } from '../rows/bad-rows.js';
import { grown, IntIndex } from '../rows/int-index.js';
import { parseNumber, splitFields } from '../rows/parse-bytes.js';
import { Rng, mixSeed } from '../random/rng.js';
import { parseWindowRule, timeWindowId, timeWindowKey, timeWindowRange, MS } from '../windows/window-rule.js';
import { materializedWindow } from './file-windows.js';
import { pathFiles } from './avazu.js';

export const CLICKS_FIELDS = [
  'user',
  'article',
  'prev_article',
  'environment',
  'device_group',
  'os',
  'country',
  'region',
  'referrer_type',
  'hour_of_day',
  'day_of_week',
];
export const CLICKS_DENSE = [
  'article_age_log',
  'article_clicks_log',
  'article_recent_log',
  'user_clicks_log',
  'user_gap_log',
  'session_position_log',
  'session_minutes_log',
  'hour_sin',
  'hour_cos',
];

/** The columns read, by header name (session_size is not: it counts the session's later clicks too). */
const COLUMNS = [
  'user_id',
  'session_id',
  'session_start',
  'click_article_id',
  'click_timestamp',
  'click_environment',
  'click_deviceGroup',
  'click_os',
  'click_country',
  'click_region',
  'click_referrer_type',
] as const;
const [USER, SESSION, SESSION_START, ARTICLE, TIME, ...CONTEXT] = COLUMNS.map((_, i) => i);
/** First categorical field of the click's context columns (environment … referrer_type). */
const CONTEXT_FIELD = 3;
const F_HOUR = 9;
const F_DOW = 10;
/** A user's "previous article" before their first click. */
const NO_ARTICLE = -1;
/** Sessions whose first click is older than this are forgotten (a later click of theirs restarts the position). */
const SESSION_MEMORY_MS = MS.DAY;
/** Draws per negative before giving up (the pool may hold almost only the clicked article). */
const DRAW_TRIES = 16;
const MAX_ID = 2 ** 31 - 1;

/** The articles clicked in the last poolMinutes, as a ring of clicks (popularity) and a set of articles (uniform). */
class NegativePool {
  private art = new Int32Array(1024);
  private time = new Float64Array(1024);
  private head = 0;
  private tail = 0;
  /** Distinct articles with a click in the pool, and each article slot's index in it (-1 when absent). */
  private distinct = new Int32Array(1024);
  private distinctCount = 0;
  private pos = new Int32Array(0);
  /** Clicks of each article slot in the pool. */
  recent = new Int32Array(0);

  constructor(private readonly horizonMs: number) {}

  get clicks(): number {
    return this.tail - this.head;
  }

  /** Drops clicks older than `now − horizon`. */
  evict(now: number): void {
    const mask = this.art.length - 1;
    while (this.head < this.tail && this.time[this.head & mask] < now - this.horizonMs) {
      const a = this.art[this.head & mask];
      if (--this.recent[a] === 0) {
        const i = this.pos[a];
        const last = this.distinct[--this.distinctCount];
        this.distinct[i] = last;
        this.pos[last] = i;
        this.pos[a] = -1;
      }
      this.head++;
    }
  }

  add(a: number, t: number): void {
    if (this.tail - this.head === this.art.length) this.growRing();
    const mask = this.art.length - 1;
    this.art[this.tail & mask] = a;
    this.time[this.tail & mask] = t;
    this.tail++;
    this.recent = grown(this.recent, a);
    this.pos = grown(this.pos, a, -1);
    if (this.recent[a]++ === 0) {
      this.distinct = grown(this.distinct, this.distinctCount);
      this.pos[a] = this.distinctCount;
      this.distinct[this.distinctCount++] = a;
    }
  }

  recentOf(a: number): number {
    return a < this.recent.length ? this.recent[a] : 0;
  }

  /** An article slot: a random pool click's article (popularity) or a random distinct article (uniform); -1 if empty. */
  draw(rng: Rng, uniform: boolean): number {
    if (uniform) return this.distinctCount ? this.distinct[Math.floor(rng.next() * this.distinctCount)] : -1;
    const n = this.tail - this.head;
    if (!n) return -1;
    return this.art[(this.head + Math.floor(rng.next() * n)) & (this.art.length - 1)];
  }

  private growRing(): void {
    const n = this.art.length;
    const art = new Int32Array(n * 2);
    const time = new Float64Array(n * 2);
    for (let i = this.head; i < this.tail; i++) {
      art[i & (2 * n - 1)] = this.art[i & (n - 1)];
      time[i & (2 * n - 1)] = this.time[i & (n - 1)];
    }
    this.art = art;
    this.time = time;
  }
}

/** Users, articles and sessions as far as the log has gone: everything a causal feature needs. */
class ClickHistory {
  readonly users = new IntIndex(1 << 16);
  readonly articles = new IntIndex(1 << 14);
  userClicks = new Int32Array(0);
  userLastArticle = new Int32Array(0);
  userLastTime = new Float64Array(0);
  articleId = new Int32Array(0);
  articleFirst = new Float64Array(0);
  articleClicks = new Int32Array(0);
  private sessions = new Map<number, number>();
  private sessionQueue: { id: number; start: number }[] = [];
  private queueHead = 0;

  user(id: number): number {
    const u = this.users.slot(id);
    if (u >= this.userClicks.length) {
      this.userClicks = grown(this.userClicks, u);
      this.userLastArticle = grown(this.userLastArticle, u, NO_ARTICLE);
      this.userLastTime = grown(this.userLastTime, u);
    }
    return u;
  }

  article(id: number): number {
    const a = this.articles.slot(id);
    if (a >= this.articleId.length) {
      this.articleId = grown(this.articleId, a);
      this.articleFirst = grown(this.articleFirst, a);
      this.articleClicks = grown(this.articleClicks, a);
    }
    this.articleId[a] = id;
    return a;
  }

  /** Earlier clicks of this session (forgetting sessions that started more than a day before `now`). */
  sessionPosition(id: number, start: number, now: number): number {
    const q = this.sessionQueue;
    while (this.queueHead < q.length && q[this.queueHead].start < now - SESSION_MEMORY_MS) this.sessions.delete(q[this.queueHead++].id);
    if (this.queueHead > 4096 && this.queueHead * 2 > q.length) {
      this.sessionQueue = q.slice(this.queueHead);
      this.queueHead = 0;
    }
    const n = this.sessions.get(id);
    if (n === undefined) {
      this.sessions.set(id, 1);
      this.sessionQueue.push({ id, start });
      return 0;
    }
    this.sessions.set(id, n + 1);
    return n;
  }

  /** Counts the click (after its rows were written from the state before it). */
  record(u: number, a: number, t: number): void {
    if (this.articleClicks[a]++ === 0) this.articleFirst[a] = t;
    this.userClicks[u]++;
    this.userLastArticle[u] = this.articleId[a];
    this.userLastTime[u] = t;
  }
}

function drawnBefore(drawn: Int32Array, n: number, c: number): boolean {
  for (let i = 0; i < n; i++) if (drawn[i] === c) return true;
  return false;
}

/** The clicks source's `sourceCounts()`. */
export interface ClicksSummary extends Record<string, number> {
  /** Clicks parsed (valid rows of the file), emitted (after subsampling), and negatives written. */
  clicks: number;
  emittedClicks: number;
  negatives: number;
  /** Negatives not written because the pool held too few other articles (at the start of the log, mostly). */
  negativesShort: number;
  /** Emitted clicks left out because their article had no click in the pool (negatives.coldPositives: drop). */
  coldPositivesDropped: number;
}

export async function openClicks(config: DataConfig, options: { trackCollisions?: boolean }): Promise<Stream> {
  const o: ClicksOptions = clicksOptions.parse(config.clicks ?? {});
  const rule = parseWindowRule(config.window);
  const files = await pathFiles(config.path!, /^clicks\.csv(\.gz)?$/, 'clicks.csv / clicks.csv.gz');
  const tableSizes = resolveTableSizes(config.hashSize, CLICKS_FIELDS.length);
  const hasher = new FieldHasher(CLICKS_FIELDS, tableSizes, options.trackCollisions ?? true);
  const schema = { denseNames: CLICKS_DENSE, fieldNames: CLICKS_FIELDS, tableSizes };
  const summary: ClicksSummary = { clicks: 0, emittedClicks: 0, negatives: 0, negativesShort: 0, coldPositivesDropped: 0 };
  return {
    schema,
    hashCollisions: () => hasher.report(),
    sourceCounts: () => ({ ...summary }),
    windows: () => clickWindows(files, config, o, rule, hasher, summary),
  };
}

async function* clickWindows(
  files: string[],
  config: DataConfig,
  o: ClicksOptions,
  rule: ReturnType<typeof parseWindowRule>,
  hasher: FieldHasher,
  summary: ClicksSummary,
): AsyncGenerator<Window> {
  Object.assign(summary, { clicks: 0, emittedClicks: 0, negatives: 0, negativesShort: 0, coldPositivesDropped: 0 });
  const D = CLICKS_DENSE.length;
  const F = CLICKS_FIELDS.length;
  const maxRows = config.maxRowsPerWindow ?? Infinity;
  const budget = new BadRowBudget(config.errorBudget);
  const history = new ClickHistory();
  const pool = new NegativePool(o.negatives.poolMinutes * 60_000);
  const k = o.negatives.perClick;
  const uniform = o.negatives.sampling === 'uniform';
  const dropCold = k > 0 && o.negatives.coldPositives === 'drop';
  const negSeed = mixSeed(o.negatives.seed, 0x6e6567);
  const subSeed = mixSeed(o.subsample.seed, 0x5ab5);
  const keepBelow = o.subsample.fraction * 2 ** 32;
  const rng = new Rng();
  const dense = new Float32Array(D);
  const cat = new Int32Array(F);
  const drawn = new Int32Array(k);
  const starts = new Int32Array(16);
  const ends = new Int32Array(16);
  const values = new Float64Array(COLUMNS.length);

  const ready: Window[] = [];
  let index = 0;
  let key: number | null = null;
  let block = new RowBlock(D, F, 1 << 16);
  let bad = new WindowBadRows();
  let rowsEmitted = 0;
  let firstRow = 0;

  const close = () => {
    if (key === null) return;
    if (block.rows > 0) {
      const range = rule.kind === 'rows' ? { start: firstRow, end: firstRow + block.rows } : timeWindowRange(rule.kind, key);
      const id = rule.kind === 'rows' ? `rows-${key}` : timeWindowId(rule.kind, key);
      ready.push(
        materializedWindow(
          { index: index++, id, start: range.start, end: range.end, rows: block.rows, badRows: bad.count, badRowSamples: bad.samples },
          block,
          config.batchSize,
        ),
      );
      bad = new WindowBadRows();
    }
    block = new RowBlock(D, F, Math.max(1024, Math.min(block.rows || 1024, maxRows)));
    key = null;
    budget.check();
  };

  /** Writes one row into the current window, cutting rows:N windows by emitted rows. */
  const push = (label: number, t: number) => {
    const kk = rule.kind === 'rows' ? Math.floor(rowsEmitted / rule.rows) : timeWindowKey(rule.kind, t);
    if (key !== null && kk !== key) close();
    if (key === null) {
      key = kk;
      firstRow = rowsEmitted;
    }
    rowsEmitted++;
    if (block.rows < maxRows) block.push(dense, cat, label);
  };

  /** The article's own features at time t, from the clicks before this one. */
  const articleFeatures = (a: number, t: number) => {
    const clicks = history.articleClicks[a];
    dense[0] = clicks ? Math.log1p(Math.max(0, t - history.articleFirst[a]) / MS.HOUR) : 0;
    dense[1] = Math.log1p(clicks);
    dense[2] = Math.log1p(pool.recentOf(a));
    cat[1] = hasher.int(1, history.articleId[a]);
  };

  let lastKey = -Infinity;
  for (const file of files) {
    const lines = new LineSplitter(file);
    let cols: Int32Array | null = null;
    let numColumns = 0;
    const badRow = (lineNo: number, reason: string) => {
      const sample: BadRowSample = { file, line: lineNo, reason };
      bad.add(sample);
      budget.recordBad(sample);
    };
    const onLine = (buf: Buffer, s: number, e: number, lineNo: number) => {
      if (s === e) return;
      if (!cols) {
        const n = splitFields(buf, s, e, 44, starts, ends);
        const names: string[] = [];
        for (let i = 0; i < n; i++) names.push(buf.toString('utf8', starts[i], ends[i]).trim());
        const missing = COLUMNS.filter((c) => !names.includes(c));
        if (n < 0 || missing.length)
          throw new DataError(
            'BAD_HEADER',
            `${file}:${lineNo}: a click log needs a header naming ${COLUMNS.join(', ')}; missing ${missing.join(', ') || '(unreadable line)'}`,
            file,
            lineNo,
          );
        cols = Int32Array.from(COLUMNS.map((c) => names.indexOf(c)));
        numColumns = n;
        return;
      }
      const n = splitFields(buf, s, e, 44, starts, ends);
      if (n !== numColumns) return badRow(lineNo, `expected ${numColumns} fields, found ${n < 0 ? 'an unreadable line' : n}`);
      for (let c = 0; c < COLUMNS.length; c++) {
        const v = parseNumber(buf, starts[cols[c]], ends[cols[c]]);
        if (!Number.isInteger(v) || v < 0 || (c !== SESSION && c !== SESSION_START && c !== TIME && v > MAX_ID))
          return badRow(lineNo, `${COLUMNS[c]}: not a non-negative integer id`);
        values[c] = v;
      }
      const t = values[TIME];
      if (t > 8.64e15) return badRow(lineNo, 'click_timestamp: not a time in ms');
      const windowKey = rule.kind === 'rows' ? 0 : timeWindowKey(rule.kind, t);
      if (windowKey < lastKey) return badRow(lineNo, 'click_timestamp earlier than the current window (rows must be sorted by time)');
      lastKey = windowKey;
      budget.recordGood();
      const clickIndex = summary.clicks++;

      const u = history.user(values[USER]);
      const a = history.article(values[ARTICLE]);
      const position = history.sessionPosition(values[SESSION], values[SESSION_START], t);
      pool.evict(t);
      const day = Math.floor(t / MS.DAY);
      const keep = o.subsample.fraction >= 1 || mixSeed(subSeed, values[USER], o.subsample.unit === 'user_day' ? day + 1 : 0) < keepBelow;
      const cold = keep && dropCold && pool.recentOf(a) === 0;
      if (cold) summary.coldPositivesDropped++;
      if (keep && !cold) {
        summary.emittedClicks++;
        // The click's user and context, shared by its negatives.
        const date = new Date(t);
        const hour = date.getUTCHours() + date.getUTCMinutes() / 60;
        const prev = history.userClicks[u];
        dense[3] = Math.log1p(prev);
        dense[4] = prev ? Math.log1p(Math.max(0, t - history.userLastTime[u]) / MS.HOUR) : 0;
        dense[5] = Math.log1p(position);
        dense[6] = Math.log1p(Math.max(0, t - values[SESSION_START]) / 60_000);
        dense[7] = Math.sin((2 * Math.PI * hour) / 24);
        dense[8] = Math.cos((2 * Math.PI * hour) / 24);
        cat[0] = hasher.int(0, values[USER]);
        cat[2] = hasher.int(2, history.userLastArticle[u]);
        for (let c = 0; c < CONTEXT.length; c++) cat[CONTEXT_FIELD + c] = hasher.int(CONTEXT_FIELD + c, values[CONTEXT[c]]);
        cat[F_HOUR] = hasher.int(F_HOUR, date.getUTCHours());
        cat[F_DOW] = hasher.int(F_DOW, date.getUTCDay());
        articleFeatures(a, t);
        push(1, t);
        // Negatives: other articles of the pool, distinct within the click, from the click's own random stream.
        rng.seedRow(negSeed, clickIndex);
        let got = 0;
        for (let j = 0; j < k; j++) {
          let pick = -1;
          for (let tries = 0; tries < DRAW_TRIES && pick < 0; tries++) {
            const c = pool.draw(rng, uniform);
            if (c < 0) break;
            if (c !== a && !drawnBefore(drawn, got, c)) pick = c;
          }
          if (pick < 0) {
            summary.negativesShort += k - j;
            break;
          }
          drawn[got++] = pick;
          articleFeatures(pick, t);
          push(0, t);
        }
        summary.negatives += got;
      }
      history.record(u, a, t);
      pool.add(a, t);
    };
    for await (const chunk of readChunks(file)) {
      lines.push(chunk, onLine);
      while (ready.length) {
        yield ready.shift()!;
        if (config.maxWindows !== undefined && index - ready.length >= config.maxWindows) return;
      }
    }
    lines.end(onLine);
    if (!cols) throw new DataError('BAD_HEADER', `${file}: no header line`, file, 1);
  }
  close();
  budget.checkEnd(config.path!);
  while (ready.length) {
    yield ready.shift()!;
    if (config.maxWindows !== undefined && index - ready.length >= config.maxWindows) return;
  }
}
