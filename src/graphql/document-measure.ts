import type { DocumentNode, FragmentDefinitionNode, SelectionSetNode } from "graphql";
import { Kind } from "graphql";

/**
 * What an operation would cost to validate and run, measured in ONE pass over the document: each fragment is
 * measured once and its result reused wherever it is spread, so "fragments 9 deep × 10 spreads" (10^9 fields
 * once expanded, from under 1 KB of text) is measured in microseconds instead of being walked field by field.
 * graphql-js validation (OverlappingFieldsCanBeMerged, the complexity estimator) walks the expansion, so the
 * caller checks this measure against its limits BEFORE validation runs.
 */
export interface DocumentMeasure {
  /** Selections (fields, spreads, inline fragments) once every fragment spread is expanded; saturates at `cap`. */
  selections: number;
  /** Aliased fields once expanded; saturates at `cap`. */
  aliases: number;
  /** Deepest nesting of fields, not counting introspection (`__schema`, `__type`), which graphql-js bounds itself. */
  depth: number;
  /** A fragment that spreads itself, directly or through others; nothing else is measured then. */
  cycle: string | undefined;
}

interface Totals {
  selections: number;
  aliases: number;
  depth: number;
}

/** A cycle found while measuring: unwinds the recursion at once. */
class FragmentCycle extends Error {
  constructor(readonly fragment: string) {
    super(`Cannot spread fragment "${fragment}" within itself`);
  }
}

/**
 * Measures every operation of `document` together (what graphql-js validates). Counts saturate at `cap` so an
 * explosion never overflows to Infinity; a count equal to `cap` means "at least this many".
 */
export function measureDocument(document: DocumentNode, cap: number): DocumentMeasure {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const measured = new Map<string, Totals>();
  const inProgress = new Set<string>();
  const add = (a: number, b: number): number => Math.min(cap, a + b);

  const measureFragment = (name: string): Totals => {
    const known = measured.get(name);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    // An unknown fragment is left to graphql-js's KnownFragmentNames rule.
    if (fragment === undefined) return { selections: 0, aliases: 0, depth: 0 };
    if (inProgress.has(name)) throw new FragmentCycle(name);
    inProgress.add(name);
    const totals = measureSelectionSet(fragment.selectionSet);
    inProgress.delete(name);
    measured.set(name, totals);
    return totals;
  };

  const measureSelectionSet = (selectionSet: SelectionSetNode | undefined): Totals => {
    const totals: Totals = { selections: 0, aliases: 0, depth: 0 };
    if (selectionSet === undefined) return totals;
    for (const selection of selectionSet.selections) {
      totals.selections = add(totals.selections, 1);
      let inner: Totals;
      if (selection.kind === Kind.FIELD) {
        inner = measureSelectionSet(selection.selectionSet);
        if (selection.alias !== undefined) totals.aliases = add(totals.aliases, 1);
        const introspection = selection.name.value.startsWith("__");
        totals.depth = Math.max(totals.depth, introspection ? 0 : 1 + inner.depth);
      } else {
        inner = selection.kind === Kind.INLINE_FRAGMENT ? measureSelectionSet(selection.selectionSet) : measureFragment(selection.name.value);
        totals.depth = Math.max(totals.depth, inner.depth);
      }
      totals.selections = add(totals.selections, inner.selections);
      totals.aliases = add(totals.aliases, inner.aliases);
    }
    return totals;
  };

  const result: DocumentMeasure = { selections: 0, aliases: 0, depth: 0, cycle: undefined };
  try {
    for (const definition of document.definitions) {
      // Fragments are measured where they are spread; an unused one is still validated, so it counts once too.
      const totals =
        definition.kind === Kind.OPERATION_DEFINITION
          ? measureSelectionSet(definition.selectionSet)
          : definition.kind === Kind.FRAGMENT_DEFINITION
            ? measureFragment(definition.name.value)
            : undefined;
      if (totals === undefined) continue;
      result.selections = add(result.selections, totals.selections);
      result.aliases = add(result.aliases, totals.aliases);
      if (definition.kind === Kind.OPERATION_DEFINITION) result.depth = Math.max(result.depth, totals.depth);
    }
  } catch (error) {
    if (error instanceof FragmentCycle) return { ...result, cycle: error.fragment };
    throw error;
  }
  return result;
}
