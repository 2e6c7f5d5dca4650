/**
 * Writing the Prometheus text format (0.0.4) for the families the gateway keeps itself (see series-families.ts).
 * https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
 */

/** A label value as the format quotes it: backslash, double quote and line feed escaped. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** HELP text escapes backslash and line feed only. */
export function escapeHelp(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

/** A sample value: the format's spellings for the infinities and NaN, the shortest round-trip decimal otherwise. */
export function formatSampleValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}

/** `{a="x",b="y"}` for label names and values in the same order; "" when there are none. */
export function formatLabels(names: readonly string[], values: readonly string[], extra?: { name: string; value: string }): string {
  const parts = names.map((name, index) => `${name}="${escapeLabelValue(values[index] ?? "")}"`);
  if (extra !== undefined) parts.push(`${extra.name}="${escapeLabelValue(extra.value)}"`);
  return parts.length === 0 ? "" : `{${parts.join(",")}}`;
}
