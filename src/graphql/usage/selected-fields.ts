import type { GraphQLResolveInfo, SelectionSetNode } from "graphql";

/**
 * Whether any of `names` is selected directly under the resolved field (through inline fragments and fragment
 * spreads too), so a resolver can skip work nobody asked for, such as the latency histogram of `usage`.
 */
export function selectsAnyField(info: GraphQLResolveInfo, names: readonly string[]): boolean {
  const seen = new Set<string>();
  const visit = (selectionSet: SelectionSetNode | undefined): boolean => {
    if (selectionSet === undefined) return false;
    for (const selection of selectionSet.selections) {
      if (selection.kind === "Field" && names.includes(selection.name.value)) return true;
      if (selection.kind === "InlineFragment" && visit(selection.selectionSet)) return true;
      if (selection.kind === "FragmentSpread" && !seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        if (visit(info.fragments[selection.name.value]?.selectionSet)) return true;
      }
    }
    return false;
  };
  return info.fieldNodes.some((node) => visit(node.selectionSet));
}
