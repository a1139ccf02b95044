// The filter and group-by menus list ~60 config paths; grouped by config section, with the parameters that vary
// across the runs first and readable labels ("budget" under "pruning"), they can be scanned.

export interface ParamOption {
  value: string;
  label: string;
}

export interface ParamGroup {
  label: string;
  options: ParamOption[];
}

/** "paradigm.refresh.fineTuneTarget" → "refresh › fine tune target" (the section is the group's label). */
export function paramLabel(path: string, dropSection = true): string {
  const parts = path.split('.');
  const shown = dropSection && parts.length > 1 ? parts.slice(1) : parts;
  return shown.map((p) => p.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase()).join(' › ');
}

/** Varying parameters first (full paths as labels), then every parameter by its config section. */
export function paramMenu(all: readonly string[], varying: readonly string[]): ParamGroup[] {
  const groups: ParamGroup[] = [];
  const vary = all.filter((p) => varying.includes(p));
  if (vary.length) groups.push({ label: 'Varies across these runs', options: vary.map((p) => ({ value: p, label: paramLabel(p, false) })) });
  const bySection = new Map<string, ParamOption[]>();
  for (const p of all) {
    if (vary.includes(p)) continue;
    const section = p.includes('.') ? p.slice(0, p.indexOf('.')) : 'run';
    const list = bySection.get(section) ?? [];
    list.push({ value: p, label: paramLabel(p) });
    bySection.set(section, list);
  }
  for (const [section, options] of [...bySection.entries()].sort(([a], [b]) => a.localeCompare(b))) groups.push({ label: `${section} (same in every run)`, options });
  return groups;
}
