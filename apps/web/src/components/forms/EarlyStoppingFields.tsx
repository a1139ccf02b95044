'use client';
// The sweep's early-stopping rule, applied by the workers at window boundaries: none, the median rule, or ASHA-style
// successive halving, on the running mean of ΔNE % or of serving NE. Problems the shared schema finds show beside the
// field (earlyStopping.<field>).
import type { Issues } from '../../lib/config-form/state.js';

export interface EarlyStoppingState {
  rule: '' | 'median' | 'asha';
  metric: 'deltaNe' | 'ne';
  minWindow: number;
  minPeers: number;
  reductionFactor: number;
}

export const NO_EARLY_STOPPING: EarlyStoppingState = { rule: '', metric: 'deltaNe', minWindow: 2, minPeers: 3, reductionFactor: 3 };

/** The sweep config's `earlyStopping` for a chosen rule (ASHA alone takes a reduction factor). */
export function earlyStoppingOf(s: EarlyStoppingState): Record<string, unknown> {
  const base = { rule: s.rule, metric: s.metric, minWindow: s.minWindow, minPeers: s.minPeers };
  return s.rule === 'asha' ? { ...base, reductionFactor: s.reductionFactor } : base;
}

export function EarlyStoppingFields({ value, onChange, issues }: { value: EarlyStoppingState; onChange: (v: EarlyStoppingState) => void; issues: Issues }) {
  const err = (k: string) => issues[`earlyStopping.${k}`] ?? (k === 'rule' ? issues.earlyStopping : undefined);
  const num = (k: 'minWindow' | 'minPeers' | 'reductionFactor', label: string, min: number, help: string) => (
    <div className="field">
      <label htmlFor={`es-${k}`}>{label}</label>
      <input id={`es-${k}`} type="number" min={min} step={1} value={value[k]} onChange={(e) => onChange({ ...value, [k]: Number(e.target.value) })} aria-invalid={!!err(k) || undefined} />
      <p className="help">{help}</p>
      {err(k) ? <p className="field-error">{err(k)!.join('; ')}</p> : null}
    </div>
  );
  return (
    <fieldset className="early-stopping">
      <legend>Early stopping</legend>
      <div className="form-grid">
        <div className="field">
          <label htmlFor="es-rule">Rule</label>
          <select id="es-rule" value={value.rule} onChange={(e) => onChange({ ...value, rule: e.target.value as EarlyStoppingState['rule'] })}>
            <option value="">none</option>
            <option value="median">median rule</option>
            <option value="asha">ASHA (successive halving)</option>
          </select>
          <p className="help">
            {value.rule === 'median'
              ? 'a run is stopped at a window when its running figure is worse than the median of its peers at that window'
              : value.rule === 'asha'
                ? 'rungs at windows minWindow·η^i: a run reaching a rung goes on only if it is in the best 1/η recorded there'
                : 'every run goes to its last window'}
          </p>
          {err('rule') ? <p className="field-error">{err('rule')!.join('; ')}</p> : null}
        </div>
        {value.rule ? (
          <>
            <div className="field">
              <label htmlFor="es-metric">On the running mean of</label>
              <select id="es-metric" value={value.metric} onChange={(e) => onChange({ ...value, metric: e.target.value as 'deltaNe' | 'ne' })}>
                <option value="deltaNe">ΔNE % (serving vs dense)</option>
                <option value="ne">serving NE</option>
              </select>
            </div>
            {num('minWindow', 'From window', value.rule === 'asha' ? 1 : 0, value.rule === 'asha' ? 'the first rung' : 'never stop before this window')}
            {num('minPeers', 'Peers needed', 1, 'runs of the sweep that reached the window before the rule may stop one')}
            {value.rule === 'asha' ? num('reductionFactor', 'Reduction factor η', 2, 'each rung keeps the best 1/η') : null}
          </>
        ) : null}
      </div>
    </fieldset>
  );
}
