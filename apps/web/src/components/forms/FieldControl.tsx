'use client';
// One config field, rendered from its schema description: label, control, inline explanation, and the schema's errors.
import { useEffect, useState } from 'react';
import type { FieldSpec } from '../../lib/config-form/fields.js';
import { parseNumberList } from '../../lib/config-form/fields.js';
import { helpFor, labelFor } from '../../lib/config-form/help.js';

export const fieldId = (path: string) => `f-${path.replace(/[^\w-]/g, '-')}`;

export interface FieldProps {
  spec: FieldSpec;
  value: unknown;
  onChange: (v: unknown) => void;
  errors: string[] | undefined;
  paradigmKind?: string;
  /** The control's id; fieldId(spec.path) by default. */
  id?: string;
}

function bounds(spec: Extract<FieldSpec, { kind: 'number' }>): string | null {
  const parts: string[] = [];
  if (spec.min !== undefined) parts.push(`${spec.minExclusive ? '>' : '≥'} ${spec.min}`);
  if (spec.max !== undefined) parts.push(`${spec.maxExclusive ? '<' : '≤'} ${spec.max}`);
  if (spec.integer) parts.push('integer');
  return parts.length ? parts.join(', ') : null;
}

/** A text box for a list, keeping what the person types until it parses. */
function ListInput({ id, value, onChange, parse, describedBy, invalid, placeholder }: {
  id: string;
  value: unknown;
  onChange: (v: unknown) => void;
  parse: (text: string) => unknown | null;
  describedBy: string;
  invalid: boolean;
  placeholder?: string;
}) {
  const show = (v: unknown) => (Array.isArray(v) ? v.join(', ') : v === undefined || v === null ? '' : String(v));
  const [text, setText] = useState(show(value));
  const [bad, setBad] = useState(false);
  useEffect(() => {
    // Follow outside changes (a loaded YAML file) without fighting the person's typing.
    if (parse(text) === null || JSON.stringify(parse(text)) !== JSON.stringify(value)) setText(show(value));
  }, [JSON.stringify(value)]);
  return (
    <>
      <input
        id={id}
        type="text"
        value={text}
        placeholder={placeholder}
        aria-describedby={describedBy}
        aria-invalid={invalid || bad || undefined}
        onChange={(e) => {
          setText(e.target.value);
          const v = parse(e.target.value);
          setBad(v === null);
          if (v !== null) onChange(v);
        }}
      />
      {bad ? <p className="field-error">Write numbers separated by commas, e.g. 512, 256, 64.</p> : null}
    </>
  );
}

export function FieldControl({ spec, value, onChange, errors, paradigmKind, id = fieldId(spec.path) }: FieldProps) {
  const help = helpFor(spec.path, paradigmKind);
  const helpId = `${id}-help`;
  const errId = `${id}-err`;
  const invalid = !!errors?.length;
  const describedBy = [help || spec.kind === 'number' ? helpId : '', invalid ? errId : ''].filter(Boolean).join(' ');
  const shown = value === undefined ? spec.defaultValue : value;
  const label = (
    <label htmlFor={id}>
      {labelFor(spec.key)} {spec.optional ? null : <span aria-hidden="true">*</span>} <span className="path">{spec.path}</span>
    </label>
  );
  let control: React.ReactNode;
  switch (spec.kind) {
    case 'number':
      control = (
        <input
          id={id}
          type="number"
          inputMode="decimal"
          step={spec.integer ? 1 : 'any'}
          min={spec.min !== undefined && !spec.minExclusive ? spec.min : undefined}
          max={spec.max !== undefined && !spec.maxExclusive ? spec.max : undefined}
          value={shown === undefined || shown === null ? '' : String(shown)}
          required={!spec.optional}
          aria-describedby={describedBy || undefined}
          aria-invalid={invalid || undefined}
          onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
        />
      );
      break;
    case 'enum':
      control = (
        <select id={id} value={shown === undefined ? '' : String(shown)} aria-describedby={describedBy || undefined} aria-invalid={invalid || undefined} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}>
          {spec.optional && spec.defaultValue === undefined ? <option value="">—</option> : null}
          {spec.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      );
      break;
    case 'boolean':
      return (
        <div className="field">
          <span className="field-inline">
            <input id={id} type="checkbox" checked={shown === true} aria-describedby={describedBy || undefined} onChange={(e) => onChange(e.target.checked)} />
            {label}
          </span>
          {help ? (
            <p id={helpId} className="help">
              {help}
            </p>
          ) : null}
          {invalid ? (
            <p id={errId} className="field-error">
              {errors!.join('; ')}
            </p>
          ) : null}
        </div>
      );
    case 'string':
      control = (
        <input
          id={id}
          type="text"
          value={shown === undefined || shown === null ? '' : String(shown)}
          required={!spec.optional}
          aria-describedby={describedBy || undefined}
          aria-invalid={invalid || undefined}
          onChange={(e) => onChange(e.target.value === '' && spec.optional ? undefined : e.target.value)}
        />
      );
      break;
    case 'numberList':
      control = <ListInput id={id} value={shown} onChange={onChange} parse={parseNumberList} describedBy={describedBy} invalid={invalid} placeholder="e.g. 512, 256, 64" />;
      break;
    case 'numberOrList':
      control = (
        <ListInput
          id={id}
          value={shown}
          onChange={onChange}
          parse={(t) => {
            const l = parseNumberList(t);
            return l === null ? null : l.length === 1 ? l[0] : l;
          }}
          describedBy={describedBy}
          invalid={invalid}
        />
      );
      break;
    case 'stringList':
      control = (
        <input
          id={id}
          type="text"
          value={Array.isArray(shown) ? shown.join(', ') : ''}
          aria-describedby={describedBy || undefined}
          aria-invalid={invalid || undefined}
          onChange={(e) =>
            onChange(
              e.target.value
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean),
            )
          }
        />
      );
      break;
    default:
      control = (
        <textarea
          id={id}
          rows={3}
          defaultValue={shown === undefined ? '' : JSON.stringify(shown)}
          aria-describedby={describedBy || undefined}
          aria-invalid={invalid || undefined}
          onChange={(e) => {
            try {
              onChange(e.target.value.trim() === '' ? undefined : JSON.parse(e.target.value));
            } catch {
              // Keep the last valid value until the JSON parses.
            }
          }}
        />
      );
  }
  const range = spec.kind === 'number' ? bounds(spec) : null;
  return (
    <div className="field">
      {label}
      {control}
      {help || range ? (
        <p id={helpId} className="help">
          {help}
          {help && range ? ' ' : ''}
          {range ? <span className="mono">({range})</span> : null}
        </p>
      ) : null}
      {invalid ? (
        <p id={errId} className="field-error">
          {errors!.join('; ')}
        </p>
      ) : null}
    </div>
  );
}
