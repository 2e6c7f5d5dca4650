/**
 * The operations the dashboard sends, each its own document so that one panel's failure does not blank the
 * others. Field names follow schema/schema.graphql; usage, generations and accountEvents follow the shapes of the
 * branches that add them (issue 17's usage work and the account-events work), checked against their schemas.
 */

export const SIGN_IN = /* GraphQL */ `
  query DashboardSignIn {
    viewer { id name }
    currentKey { label }
  }
`;

export const OPERATOR_ACCOUNTS = /* GraphQL */ `
  query DashboardAccounts($offset: Int!) {
    accounts(first: 100, offset: $offset) { id name }
  }
`;

export const ACCOUNT = /* GraphQL */ `
  query DashboardAccount($id: ID!) {
    account(id: $id) {
      id
      name
      balance { balance available reserved totalUsage totalPurchased }
      keys { hash label name disabled limit limitRemaining limitReset usage { daily weekly monthly total } }
    }
  }
`;

export const USAGE = /* GraphQL */ `
  query DashboardUsage($filter: UsageFilter, $groupBy: [UsageGroupBy!]) {
    usage(filter: $filter, groupBy: $groupBy) {
      day
      model
      provider
      requests
      promptTokens
      completionTokens
      reasoningTokens
      cachedTokens
      cost
      errors
      cancelled
      latencyP50Ms
      latencyP95Ms
    }
  }
`;

export const GENERATIONS = /* GraphQL */ `
  query DashboardGenerations($filter: GenerationFilter, $first: Int, $after: String) {
    generations(filter: $filter, first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          createdAt
          model
          providerSlug
          provider { name }
          key { id label name }
          streamed
          status
          error
          promptTokens
          completionTokens
          reasoningTokens
          cachedTokens
          cost
          latencyMs
          generationTimeMs
          finishReason
          cancelled
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

/** Whether the schema has the `accountEvents` subscription (live updates); asked once after sign-in. */
export const SUBSCRIPTION_FIELDS = /* GraphQL */ `
  query DashboardSubscriptionFields {
    __schema { subscriptionType { fields { name } } }
  }
`;

export const ACCOUNT_EVENTS = /* GraphQL */ `
  subscription DashboardAccountEvents($accountId: ID) {
    accountEvents(accountId: $accountId) { __typename }
  }
`;

export interface UsageRow {
  day: string | null;
  model: string | null;
  provider: string | null;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  reasoningTokens: number;
  cachedTokens: number;
  /** Exact decimal USD as a string. */
  cost: string;
  errors: number;
  cancelled: number;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
}

export interface GenerationNode {
  id: string;
  createdAt: string;
  model: string;
  providerSlug: string | null;
  provider: { name: string } | null;
  key: { id: string; label: string; name: string } | null;
  streamed: boolean;
  status: string;
  error: string | null;
  promptTokens: number;
  completionTokens: number;
  reasoningTokens: number;
  cachedTokens: number;
  /** Exact decimal USD as a string. */
  cost: string;
  latencyMs: number;
  generationTimeMs: number;
  finishReason: string | null;
  cancelled: boolean;
}

export interface AccountView {
  id: string;
  name: string;
  balance: { balance: string; available: string; reserved: string; totalUsage: string; totalPurchased: string };
  keys: Array<{
    hash: string;
    label: string;
    name: string;
    disabled: boolean;
    limit: string | null;
    limitRemaining: string | null;
    limitReset: string | null;
    usage: { daily: string; weekly: string; monthly: string; total: string };
  }>;
}
