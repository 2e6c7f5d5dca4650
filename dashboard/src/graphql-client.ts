/** A GraphQL error as the gateway formats it: a message and `extensions.code`. */
export interface GraphQLErrorPayload {
  message: string;
  extensions?: { code?: string };
}

/** Thrown when the gateway answers with errors (or not with GraphQL at all); `code` is the first error's code. */
export class DashboardQueryError extends Error {
  readonly code: string | undefined;

  constructor(message: string, code: string | undefined) {
    super(message);
    this.code = code;
  }
}

/**
 * POSTs one operation to the gateway's own `/graphql` with the signed-in key. The dashboard reads nothing
 * else, so everything it shows is available to any GraphQL client.
 */
export async function runQuery<T>(key: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  let body: { data?: T; errors?: GraphQLErrorPayload[] };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new DashboardQueryError(`The gateway answered ${response.status} without GraphQL`, undefined);
  }
  const first = body.errors?.[0];
  if (first !== undefined) throw new DashboardQueryError(first.message, first.extensions?.code);
  if (body.data === undefined) throw new DashboardQueryError("The gateway answered without data", undefined);
  return body.data;
}
