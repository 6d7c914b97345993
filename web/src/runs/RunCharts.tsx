import type { SummaryRow } from "../api/types";
import { pct, usd } from "../components/format";
import { LatencyHistograms } from "./LatencyHistograms";

// Hand-drawn SVG: a few small charts need no chart library. Each has a text alternative.
const W = 400;
const ROW = 22;
const LEFT = 140;

const label = (r: SummaryRow, many: boolean) => (many ? `${r.provider} · ${r.prompt_label}` : r.provider);
const cut = (s: string) => { const t = s.replace(/^openrouter:/, ""); return t.length > 24 ? `…${t.slice(-23)}` : t; };

function Bars({ title, rows, value, text, max }: { title: string; rows: SummaryRow[]; value: (r: SummaryRow) => number; text: (r: SummaryRow) => string; max: number }) {
  const many = new Set(rows.map((r) => r.prompt_label)).size > 1;
  const h = rows.length * ROW + 10;
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${h}`} role="img" aria-label={`${title}: ${rows.map((r) => `${label(r, many)} ${text(r)}`).join(", ")}`}>
        {rows.map((r, i) => {
          const w = max > 0 ? ((W - LEFT - 110) * value(r)) / max : 0;
          return (
            <g key={i} transform={`translate(0 ${i * ROW + 5})`}>
              <text x={LEFT - 6} y={14} textAnchor="end" className="axis">{cut(label(r, many))}</text>
              <rect x={LEFT} y={3} width={Math.max(1, w)} height={ROW - 8} className="bar-fill" />
              <text x={LEFT + w + 4} y={14} className="value">{text(r)}</text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

function CostVsPass({ rows }: { rows: SummaryRow[] }) {
  const many = new Set(rows.map((r) => r.prompt_label)).size > 1;
  const maxCost = Math.max(...rows.map((r) => r.cost), 1e-9);
  const H = 180;
  const x = (c: number) => 40 + ((W - 60) * c) / maxCost;
  const y = (p: number) => H - 25 - (H - 40) * p;
  return (
    <figure className="chart">
      <figcaption>Cost against pass rate</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Cost against pass rate: ${rows.map((r) => `${label(r, many)} ${usd(r.cost)} at ${pct(r.pass_rate)}`).join("; ")}`}>
        <line x1={40} y1={H - 25} x2={W - 10} y2={H - 25} className="axis-line" />
        <line x1={40} y1={10} x2={40} y2={H - 25} className="axis-line" />
        <text x={36} y={y(1) + 4} textAnchor="end" className="axis">100%</text>
        <text x={36} y={y(0) + 4} textAnchor="end" className="axis">0%</text>
        <text x={W - 10} y={H - 8} textAnchor="end" className="axis">{usd(maxCost)}</text>
        <text x={40} y={H - 8} className="axis">$0</text>
        {rows.map((r, i) => {
          // Labels of dots on the right half go on their left, so none runs off the chart.
          const left = x(r.cost) > W / 2;
          return (
            <g key={i}>
              <circle cx={x(r.cost)} cy={y(r.pass_rate ?? 0)} r={5} className="dot" />
              <text x={x(r.cost) + (left ? -8 : 8)} y={y(r.pass_rate ?? 0) + 4} textAnchor={left ? "end" : "start"} className="value">
                {cut(label(r, many))}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

export function RunCharts({ rows, runId, version }: { rows: SummaryRow[]; runId: string; version: number }) {
  if (rows.length === 0) return null;
  return (
    <div className="charts">
      <Bars title="Pass rate by model" rows={rows} value={(r) => r.pass_rate ?? 0} text={(r) => pct(r.pass_rate)} max={1} />
      <CostVsPass rows={rows} />
      <LatencyHistograms runId={runId} version={version} />
    </div>
  );
}
