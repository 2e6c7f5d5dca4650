/** A zod issue as far as the path goes and its message. */
export interface PathIssue {
  path: PropertyKey[];
  message: string;
  code?: string;
  errors?: PathIssue[][];
}

/**
 * The most precise issue behind a failed union (a content that is neither a string nor valid blocks): the
 * branch that got furthest, so a 400 names e.g. `messages[0].content[0].source.media_type`, not just `content`.
 * One copy for every face's request parser.
 */
export function deepestIssue(issue: PathIssue): PathIssue {
  if (issue.code !== "invalid_union" || issue.errors === undefined) return issue;
  let best: PathIssue = issue;
  for (const branch of issue.errors) {
    for (const inner of branch) {
      const candidate = deepestIssue({ ...inner, path: [...issue.path, ...inner.path] });
      if (candidate.path.length > best.path.length) best = candidate;
    }
  }
  return best;
}
