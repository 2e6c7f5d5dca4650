/** USD for a label: the Decimal string as the API gives it, prefixed; exact (never re-rounded through a float). */
export function usdText(decimal: string | null): string {
  if (decimal === null) return "no limit";
  return decimal.startsWith("-") ? `-$${decimal.slice(1)}` : `$${decimal}`;
}

/** A chart axis figure for USD (drawing only). */
export function usdAxis(value: number): string {
  return `$${value.toPrecision(3).replace(/\.?0+$/, "")}`;
}

/** Counts with thousands separators. */
export function countText(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

export function msText(value: number | null): string {
  return value === null ? "—" : `${Math.round(value)} ms`;
}

/** Sets an element's text (never HTML: values come from the API and may be anything a user typed). */
export function cell(tag: keyof HTMLElementTagNameMap, text: string, className?: string): HTMLElement {
  const element = document.createElement(tag);
  element.textContent = text;
  if (className !== undefined) element.className = className;
  return element;
}
