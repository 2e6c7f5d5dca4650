import { createClient } from "graphql-ws";
import type { Client } from "graphql-ws";
import WebSocket from "ws";

/** POSTs a GraphQL operation over HTTP and returns the parsed body and status. */
export async function graphqlRequest<T = Record<string, unknown>>(
  baseUrl: string,
  query: string,
  options: { variables?: Record<string, unknown>; apiKey?: string } = {},
): Promise<{ status: number; data: T | null | undefined; errors: Array<{ message: string; extensions?: Record<string, unknown> }> | undefined }> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(options.apiKey === undefined ? {} : { authorization: `Bearer ${options.apiKey}` }),
    },
    body: JSON.stringify({ query, variables: options.variables }),
  });
  const body = (await response.json()) as { data?: T | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
  return { status: response.status, data: body.data, errors: body.errors };
}

/** A graphql-ws client on the gateway's `/graphql`, authenticating in connection_init when given a key. */
export function webSocketClient(baseUrl: string, apiKey?: string): Client {
  return createClient({
    url: `${baseUrl.replace(/^http/, "ws")}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: apiKey === undefined ? {} : { Authorization: `Bearer ${apiKey}` },
    retryAttempts: 0,
    lazy: true,
  });
}
