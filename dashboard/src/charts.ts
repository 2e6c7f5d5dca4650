import uPlot from "uplot";
import type { DaySeries } from "./usage-series.js";

/** Distinct colours for up to a dozen series; they repeat beyond that. */
const PALETTE = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#65a30d", "#ea580c", "#4f46e5", "#059669", "#9333ea"];

/** One chart panel: a title, a uPlot time-series chart of `series`, and a note when there is nothing to draw. */
export function renderDayChart(container: HTMLElement, options: { id: string; title: string; series: DaySeries; format: (value: number) => string }): uPlot | undefined {
  const panel = document.createElement("section");
  panel.className = "panel chart";
  panel.dataset.chart = options.id;
  const heading = document.createElement("h2");
  heading.textContent = options.title;
  panel.append(heading);
  container.append(panel);
  if (options.series.days.length === 0 || options.series.names.length === 0) {
    const empty = document.createElement("p");
    empty.className = "empty";
    empty.textContent = "No usage in this period.";
    panel.append(empty);
    return undefined;
  }
  const width = Math.max(320, Math.floor(panel.clientWidth) - 24);
  return new uPlot(
    {
      width,
      height: 220,
      series: [
        {},
        ...options.series.names.map((name, index) => ({
          label: name,
          stroke: PALETTE[index % PALETTE.length] ?? "#2563eb",
          width: 2,
          points: { show: true },
          value: (_chart: uPlot, value: number | null) => (value === null ? "—" : options.format(value)),
        })),
      ],
      axes: [{}, { values: (_chart: uPlot, values: number[]) => values.map(options.format), size: 70 }],
      scales: { x: { time: true } },
    },
    [options.series.days, ...options.series.columns] as uPlot.AlignedData,
    panel,
  );
}
