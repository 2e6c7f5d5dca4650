import { createClient } from "graphql-ws";
import { runQuery } from "./graphql-client.js";
import { ACCOUNT_EVENTS, SUBSCRIPTION_FIELDS } from "./queries.js";

/**
 * Live updates from the `accountEvents` subscription, where the schema has it: each event asks the page to
 * refresh (at most once a second). An API key watches its own account (`accountId` null); the management key
 * watches the account the operator chose. Returns what the page tells the user, and a stop function.
 */
export async function startLiveUpdates(key: string, accountId: string | null, onEvent: () => void): Promise<{ status: string; stop: () => void }> {
  const schema = await runQuery<{ __schema: { subscriptionType: { fields: Array<{ name: string }> } | null } }>(key, SUBSCRIPTION_FIELDS);
  const fields = schema.__schema.subscriptionType?.fields.map((field) => field.name) ?? [];
  if (!fields.includes("accountEvents")) return { status: "Live updates: not offered by this gateway (no accountEvents subscription)", stop: () => {} };
  const client = createClient({
    url: `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/graphql`,
    connectionParams: { Authorization: `Bearer ${key}` },
  });
  let timer: number | undefined;
  const unsubscribe = client.subscribe(
    { query: ACCOUNT_EVENTS, variables: accountId === null ? {} : { accountId } },
    {
      next: () => {
        timer ??= window.setTimeout(() => {
          timer = undefined;
          onEvent();
        }, 1000);
      },
      error: () => {},
      complete: () => {},
    },
  );
  return {
    status: "Live updates: on",
    stop: () => {
      unsubscribe();
      void client.dispose();
    },
  };
}
