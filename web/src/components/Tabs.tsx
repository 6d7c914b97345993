import type { KeyboardEvent } from "react";

/** ARIA tabs: Left/Right move between tabs, the selected one is the only tab stop. */
export function Tabs({ label, tabs, value, onChange }: {
  label: string;
  tabs: readonly (readonly [string, string])[];
  value: string;
  onChange: (id: string) => void;
}) {
  function onKey(e: KeyboardEvent<HTMLDivElement>) {
    const i = tabs.findIndex(([id]) => id === value);
    const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
    if (!step) return;
    const next = tabs[(i + step + tabs.length) % tabs.length][0];
    onChange(next);
    e.currentTarget.querySelector<HTMLElement>(`[data-tab="${next}"]`)?.focus();
  }
  return (
    <div className="tabs" role="tablist" aria-label={label} onKeyDown={onKey}>
      {tabs.map(([id, text]) => (
        <button key={id} type="button" role="tab" data-tab={id} aria-selected={id === value}
          tabIndex={id === value ? 0 : -1} onClick={() => onChange(id)}>
          {text}
        </button>
      ))}
    </div>
  );
}
