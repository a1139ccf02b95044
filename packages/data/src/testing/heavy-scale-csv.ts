// A fixture like a newcomer's impression log: raw dense columns in milliseconds and counts (10^3–10^6), daily
// windows, and labels that depend on the logs of those columns plus user and item effects. Read raw, such columns
// drive a model's logits into saturation; that is what data.denseScaling's default must prevent.
import { Rng } from '../random/rng.js';

export const HEAVY_SCALE_MAPPING = {
  label: 'label',
  time: 'ts',
  dense: ['duration_ms', 'play_ms', 'followers'],
  categorical: ['user', 'item'],
};

/** CSV text (with header) of `days` × `rowsPerDay` rows starting 2023-11-14 00:00 UTC; deterministic in `seed`. */
export function heavyScaleCsv(days: number, rowsPerDay: number, seed = 1): string {
  const rng = new Rng(seed);
  const users = Array.from({ length: 200 }, () => rng.gaussian());
  const items = Array.from({ length: 400 }, () => rng.gaussian());
  const lines = ['ts,user,item,duration_ms,play_ms,followers,label'];
  const t0 = Date.UTC(2023, 10, 14) / 1000;
  for (let d = 0; d < days; d++)
    for (let i = 0; i < rowsPerDay; i++) {
      const ts = t0 + d * 86_400 + Math.floor((i * 86_400) / rowsPerDay);
      const u = Math.floor(rng.next() ** 2 * users.length);
      const v = Math.floor(rng.next() ** 1.5 * items.length);
      const logDur = 9.6 + 1.2 * rng.gaussian();
      const logPlay = logDur - 0.8 + 0.8 * rng.gaussian();
      const logFollowers = 7 + 2.5 * rng.gaussian();
      const z = -1 - 0.9 * (logDur - 9.6) + 0.6 * (logPlay - logDur + 0.8) + 0.25 * (logFollowers - 7) + 0.8 * users[u] + 0.6 * items[v];
      const y = rng.next() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
      lines.push(`${ts},${u},${v},${Math.round(Math.exp(logDur))},${Math.round(Math.exp(logPlay))},${Math.round(Math.exp(logFollowers))},${y}`);
    }
  return lines.join('\n') + '\n';
}
