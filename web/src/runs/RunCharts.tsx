import type { SummaryRow } from "../api/types";
import { pct, plural, usd } from "../components/format";
import { clusters, numberList, nudge, seriesNames, type SeriesName } from "./chartLabels";
import { LatencyHistograms } from "./LatencyHistograms";
import { useWidth } from "./useWidth";

// A few small charts need no chart library. Labels are HTML, or SVG drawn one unit a pixel at
// the width it gets (see useWidth), so text keeps its size on a phone; each chart has a text
// alternative.

const namesOf = (rows: SummaryRow[]) => seriesNames(rows.map((r) => ({ provider: r.provider, prompt: r.prompt_label })));

/** Pass rate per prompt × model as HTML bars: the whole model name, the prompt beneath it. */
function PassRates({ rows, names }: { rows: SummaryRow[]; names: SeriesName[] }) {
  const spoken = rows.map((r, i) => `${names[i].full} ${pct(r.pass_rate)}`).join(", ");
  return (
    <figure className="chart">
      <figcaption>Pass rate by model</figcaption>
      <div className="hbars" role="img" aria-label={`Pass rate by model: ${spoken}`}>
        {rows.map((r, i) => (
          <div className="hbar" key={`${r.prompt_label}\u0000${r.provider}`} title={`${names[i].full}: ${pct(r.pass_rate)}`}>
            <span className="hbar-label">
              <span className="hbar-model">{names[i].model}</span>
              {names[i].prompt && <span className="hbar-prompt">{names[i].prompt}</span>}
            </span>
            <span className="hbar-track"><span className="hbar-fill" style={{ width: `${(r.pass_rate ?? 0) * 100}%` }} /></span>
            <span className="hbar-value">{pct(r.pass_rate)}</span>
          </div>
        ))}
      </div>
    </figure>
  );
}

const H = 190;
const PAD = { left: 42, right: 14, top: 10, bottom: 26 };
const DOT = 5;
const LINE = 14; // a label's height, px
const CHAR = 7; // a digit's width at 12 px, px

/** Cost against pass rate: numbered dots (dots on one spot share a label), the numbers listed below. */
function CostVsPass({ rows, names }: { rows: SummaryRow[]; names: SeriesName[] }) {
  const [ref, width] = useWidth(360);
  const W = Math.max(240, width);
  const maxCost = Math.max(...rows.map((r) => r.cost), 0);
  const x = (c: number) => PAD.left + (maxCost > 0 ? ((W - PAD.left - PAD.right) * c) / maxCost : 0);
  const y = (p: number) => H - PAD.bottom - (H - PAD.top - PAD.bottom) * p;
  const points = rows.map((r) => ({ x: x(r.cost), y: y(r.pass_rate ?? 0) }));
  const groups = clusters(points, DOT * 2 + 2);
  const labels = groups.map((members) => {
    const at = points[members[0]];
    const text = numberList(members.map((i) => i + 1));
    const w = text.length * CHAR;
    const left = at.x + DOT + 4 + w > W - 2; // no room on the right: put it on the left
    return { text, x: left ? at.x - DOT - 4 - w : at.x + DOT + 4, y: at.y - LINE / 2, w, at };
  });
  const dys = nudge(labels.map((l) => ({ x: l.x, y: l.y, w: l.w, h: LINE })), 0, H - PAD.bottom + LINE / 2);
  return (
    <figure className="chart">
      <figcaption>Cost against pass rate</figcaption>
      <div ref={ref} className="chart-body">
        <svg width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img"
          aria-label={`Cost against pass rate of ${plural(rows.length, "prompt × model pair")}, numbered as in the list below`}>
          {[0, 0.5, 1].map((p) => (
            <g key={p}>
              <line x1={PAD.left} x2={W - PAD.right} y1={y(p)} y2={y(p)} className={p === 0 ? "axis-line" : "grid-line"} />
              <text x={PAD.left - 6} y={y(p) + 4} textAnchor="end" className="axis">{p * 100}%</text>
            </g>
          ))}
          <line x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={H - PAD.bottom} className="axis-line" />
          <text x={PAD.left} y={H - 8} className="axis">$0</text>
          <text x={W - PAD.right} y={H - 8} textAnchor="end" className="axis">{usd(maxCost)}</text>
          {points.map((pt, i) => <circle key={i} cx={pt.x} cy={pt.y} r={DOT} className="dot" />)}
          {labels.map((l, i) => (
            <g key={l.text}>
              {dys[i] !== 0 && <line x1={l.at.x} y1={l.at.y} x2={l.x + (l.x < l.at.x ? l.w : 0)} y2={l.y + dys[i] + LINE / 2} className="leader" />}
              <text x={l.x} y={l.y + dys[i] + LINE - 3} className="value dot-label">{l.text}</text>
            </g>
          ))}
        </svg>
      </div>
      <ol className="chart-legend">
        {rows.map((r, i) => (
          <li key={`${r.prompt_label}\u0000${r.provider}`}>
            <span className="legend-no" aria-hidden="true">{i + 1}</span>
            <span className="legend-name">{names[i].full} <span className="muted">{usd(r.cost)} · {pct(r.pass_rate)}</span></span>
          </li>
        ))}
      </ol>
    </figure>
  );
}

export function RunCharts({ rows, runId, version }: { rows: SummaryRow[]; runId: string; version: number }) {
  if (rows.length === 0) return null;
  const names = namesOf(rows);
  return (
    <div className="charts">
      <PassRates rows={rows} names={names} />
      <CostVsPass rows={rows} names={names} />
      <LatencyHistograms runId={runId} version={version} />
    </div>
  );
}
