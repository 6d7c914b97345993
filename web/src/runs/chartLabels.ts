// Short, unambiguous names for the series of a run's charts, and dots that share a spot.

/** "openrouter:openai/gpt-4o-mini" → "gpt-4o-mini"; "local:echo" → "echo". */
function bare(label: string): string {
  return label.replace(/^openrouter:/, "").replace(/^local:/, "").replace(/^[^/]+\//, "");
}

/** Each model label's short name: without provider prefix and vendor, unless two models would
 * then read the same ("openai/gpt-4o" and "azure/gpt-4o" keep their vendors). */
export function shortModels(labels: string[]): Map<string, string> {
  const unique = [...new Set(labels)];
  const count = new Map<string, number>();
  for (const l of unique) count.set(bare(l), (count.get(bare(l)) ?? 0) + 1);
  return new Map(unique.map((l) => [l, (count.get(bare(l)) ?? 0) > 1 ? l.replace(/^openrouter:/, "") : bare(l)]));
}

export interface SeriesName {
  /** The model, short. */
  model: string;
  /** The prompt, when the run has more than one; else null. */
  prompt: string | null;
  /** "model · prompt" (or the model alone): for tooltips and spoken text. */
  full: string;
}

/** Names of prompt × model series; the prompt only when the run compares several prompts. */
export function seriesNames(rows: { provider: string; prompt: string }[]): SeriesName[] {
  const models = shortModels(rows.map((r) => r.provider));
  const many = new Set(rows.map((r) => r.prompt)).size > 1;
  return rows.map((r) => {
    const model = models.get(r.provider) ?? r.provider;
    const prompt = many ? r.prompt : null;
    return { model, prompt, full: prompt ? `${model} · ${prompt}` : model };
  });
}

/** Groups of point indices lying within `radius` of each other (chained), in input order, so
 * dots drawn on the same spot get one shared label instead of a smear of overlapping ones. */
export function clusters(points: { x: number; y: number }[], radius: number): number[][] {
  const group = points.map((_, i) => i);
  const find = (i: number): number => (group[i] === i ? i : (group[i] = find(group[i])));
  for (let i = 0; i < points.length; i++) {
    for (let j = 0; j < i; j++) {
      if (Math.hypot(points[i].x - points[j].x, points[i].y - points[j].y) <= radius) group[find(i)] = find(j);
    }
  }
  const out = new Map<number, number[]>();
  points.forEach((_, i) => {
    const root = find(i);
    out.set(root, [...(out.get(root) ?? []), i]);
  });
  return [...out.values()];
}

/** [1, 2, 3, 5] → "1–3, 5": the numbers of the dots in one spot. */
export function numberList(numbers: number[]): string {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j - i >= 2 ? `${sorted[i]}–${sorted[j]}` : sorted.slice(i, j + 1).join(", "));
    i = j;
  }
  return parts.join(", ");
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

const overlaps = (a: Box, b: Box) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/** Vertical offsets that keep labels from covering each other: each label, in order, takes the
 * nearest free place, alternately below and above its spot, staying within [top, bottom]. */
export function nudge(boxes: Box[], top: number, bottom: number): number[] {
  const placed: Box[] = [];
  return boxes.map((box) => {
    for (let step = 0; step < 2 * boxes.length + 1; step++) {
      const dy = step === 0 ? 0 : (step % 2 ? 1 : -1) * Math.ceil(step / 2) * box.h;
      const moved = { ...box, y: box.y + dy };
      if (moved.y < top || moved.y + moved.h > bottom) continue;
      if (placed.every((p) => !overlaps(p, moved))) {
        placed.push(moved);
        return dy;
      }
    }
    placed.push(box);
    return 0; // no free place: leave it where it belongs
  });
}
