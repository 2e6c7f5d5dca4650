import { sql } from "drizzle-orm";
import type { SQL } from "drizzle-orm";
import type { PeriodStarts } from "./limit-periods.js";
import type { Amount } from "./money.js";
import { formatUsd } from "./money.js";

/**
 * The ledger's money statements, each one SQL statement built from data-modifying CTEs, so that every change
 * to a balance, its ledger entry, the key's spend and the reservation row commit together or not at all.
 *
 * Lock order: every statement locks the account's `credit_balances` row before the key's `key_spend` row
 * (the key CTE reads the balance CTE's output, which forces the order; the reservation locks both in FROM
 * order), so reservations, settlements and releases running at once on other connections do not deadlock
 * one another. The ledger service still retries a statement Postgres aborts as a deadlock, once.
 */

/**
 * Usage that counts toward the limit of key `k` (api_keys) with spend row `s` (key_spend): the counter of its
 * reset period if that period is the current one, the lifetime total when it has no reset, plus BYOK spend
 * when the key includes it. Mirrors `usageTowardLimit` in key-spend-figures.ts.
 */
export function limitUsageSql(periods: PeriodStarts): SQL {
  return sql`(case k.limit_reset
    when 'daily' then case when s.day_start >= ${periods.day}::date
      then s.usage_daily + case when k.include_byok_in_limit then s.byok_usage_daily else 0 end else 0 end
    when 'weekly' then case when s.week_start >= ${periods.week}::date
      then s.usage_weekly + case when k.include_byok_in_limit then s.byok_usage_weekly else 0 end else 0 end
    when 'monthly' then case when s.month_start >= ${periods.month}::date
      then s.usage_monthly + case when k.include_byok_in_limit then s.byok_usage_monthly else 0 end else 0 end
    else s.usage + case when k.include_byok_in_limit then s.byok_usage else 0 end
  end)`;
}

/**
 * Takes `amount` from the account's spendable balance and from the key's limit, and records the reservation,
 * in one statement (one round trip; the rows stay locked only while it runs and commits). `locked` takes
 * both rows FOR UPDATE, which under READ COMMITTED waits for concurrent writers and then reads the latest
 * committed values; both budgets are checked on those values and the updates run only when both suffice,
 * so the statement applies entirely or not at all. It returns the values it decided on, so a refusal can say
 * how much was affordable without another query. `credit_balances` comes first in FROM so its row is locked
 * before the key's, the order every other statement here uses.
 */
export function reserveStatement(options: {
  id: string;
  accountId: string;
  keyHash: string;
  amount: Amount;
  expiresAt: Date;
  periods: PeriodStarts;
}): SQL {
  const { id, accountId, keyHash, amount } = options;
  return sql`with locked as (
      select b.balance, b.reserved, k.spend_limit, k.limit_reset,
        ${limitUsageSql(options.periods)} as limit_usage, s.reserved as key_reserved
      from credit_balances as b, key_spend as s, api_keys as k
      where b.account_id = ${accountId}::uuid and s.key_hash = ${keyHash} and k.hash = s.key_hash and k.account_id = b.account_id
      for update of b, s
    ), decision as (
      select balance >= 0 and balance - reserved >= ${amount}::bigint as credits_ok,
        (spend_limit is null or spend_limit - limit_usage - key_reserved >= ${amount}::bigint) as key_ok
      from locked
    ), balance_row as (
      update credit_balances set reserved = reserved + ${amount}::bigint, updated_at = now()
      where account_id = ${accountId}::uuid and exists (select 1 from decision where credits_ok and key_ok)
      returning account_id
    ), key_row as (
      update key_spend set reserved = reserved + ${amount}::bigint, updated_at = now()
      where key_hash = ${keyHash} and exists (select 1 from balance_row)
      returning key_hash
    ), inserted as (
      insert into reservations (id, account_id, key_hash, amount, expires_at)
      select ${id}::uuid, ${accountId}::uuid, ${keyHash}, ${amount}::bigint, ${options.expiresAt.toISOString()}::timestamptz
      where exists (select 1 from balance_row)
      returning id
    )
    select l.balance, l.reserved, l.spend_limit, l.limit_reset, l.limit_usage, l.key_reserved,
           (select count(*) from key_row)::int as key_updated,
           (select count(*) from inserted)::int as inserted
    from locked as l`;
}

/**
 * The key's spend counters after a charge of `cost` (and `byok` bring-your-own-key spend): lifetime totals
 * grow, and each period counter starts over when its period changed. Frees `freed` of the key's reserved
 * amount. Runs only once the balance row was updated (`balance_row`), keeping the lock order.
 */
function keySpendUpdateSql(options: { keyHash: string; periods: PeriodStarts; cost: SQL; byok: SQL; freed: SQL }): SQL {
  const { periods, cost, byok, freed } = options;
  return sql`update key_spend set
        reserved = reserved - ${freed},
        usage = usage + ${cost},
        byok_usage = byok_usage + ${byok},
        usage_daily = (case when day_start >= ${periods.day}::date then usage_daily else 0 end) + ${cost},
        byok_usage_daily = (case when day_start >= ${periods.day}::date then byok_usage_daily else 0 end) + ${byok},
        day_start = greatest(day_start, ${periods.day}::date),
        usage_weekly = (case when week_start >= ${periods.week}::date then usage_weekly else 0 end) + ${cost},
        byok_usage_weekly = (case when week_start >= ${periods.week}::date then byok_usage_weekly else 0 end) + ${byok},
        week_start = greatest(week_start, ${periods.week}::date),
        usage_monthly = (case when month_start >= ${periods.month}::date then usage_monthly else 0 end) + ${cost},
        byok_usage_monthly = (case when month_start >= ${periods.month}::date then byok_usage_monthly else 0 end) + ${byok},
        month_start = greatest(month_start, ${periods.month}::date),
        updated_at = now()
      where key_hash = ${options.keyHash} and exists (select 1 from balance_row)
      returning key_hash`;
}

/** Claims the account's auto top-up when the balance just written (`balance_row`) fell below its threshold. */
function autoTopUpClaimSql(options: { accountId: string; now: string; maxTopUpFailures: number }): SQL {
  return sql`update auto_top_ups set claimed_at = ${options.now}::timestamptz, updated_at = now()
      where account_id = ${options.accountId}::uuid and enabled and amount > 0 and claimed_at is null
        and failures < ${options.maxTopUpFailures}
        and (next_attempt_at is null or next_attempt_at <= ${options.now}::timestamptz)
        and threshold > (select balance from balance_row)
      returning account_id`;
}

/**
 * Settles a reservation in one statement: deletes it (if the sweeper has not already), charges `cost` to the
 * balance (which may go negative only when `cost` exceeds what was reserved), frees the reserved amount,
 * adds the cost to the key's period counters (starting a counter over when its period changed), writes one
 * `usage` ledger entry (none for a zero cost), and claims the account's auto top-up if the new balance is
 * below its threshold. A second settlement of the same reservation fails on the ledger's unique index.
 */
export function settleStatement(options: {
  /** The reservation's id as its holder knows it; the ledger entry carries it (a second settlement fails on it). */
  reservationId: string;
  /** The row holding its funds now, when renewal replaced it after a reclaim; defaults to `reservationId`. */
  rowId?: string;
  accountId: string;
  keyHash: string;
  cost: Amount;
  byokUsage: Amount;
  periods: PeriodStarts;
  now: Date;
  maxTopUpFailures: number;
  generationId: string | null;
  model: string | null;
  description: string;
  metadata: Record<string, unknown> | null;
}): SQL {
  const { cost, byokUsage: byok, periods } = options;
  const now = options.now.toISOString();
  return sql`with released as (
      delete from reservations where id = ${options.rowId ?? options.reservationId}::uuid returning amount
    ), balance_row as (
      update credit_balances set
        balance = balance - ${cost}::bigint,
        usage = usage + ${cost}::bigint,
        reserved = reserved - coalesce((select amount from released), 0),
        updated_at = now()
      where account_id = ${options.accountId}::uuid
      returning balance
    ), key_row as (
      ${keySpendUpdateSql({ keyHash: options.keyHash, periods, cost: sql`${cost}::bigint`, byok: sql`${byok}::bigint`, freed: sql`coalesce((select amount from released), 0)` })}
    ), entry as (
      insert into ledger_entries (account_id, type, amount, balance_after, key_hash, reservation_id, generation_id, model, description, metadata)
      select ${options.accountId}::uuid, 'usage', -${cost}::bigint, balance, ${options.keyHash}, ${options.reservationId}::uuid,
        ${options.generationId}, ${options.model}, ${options.description}, ${options.metadata === null ? null : JSON.stringify(options.metadata)}::jsonb
      from balance_row
      where ${cost}::bigint <> 0
      returning id
    ), top_up as (
      ${autoTopUpClaimSql({ accountId: options.accountId, now, maxTopUpFailures: options.maxTopUpFailures })}
    )
    select (select balance from balance_row) as balance,
           (select amount from released) as released,
           (select count(*) from key_row)::int as key_updated,
           (select id from entry) as entry_id,
           (select count(*) from top_up)::int as top_up_claimed`;
}

/** Frees a reservation without charging; returns the released amount (no row when it was already gone). */
export function releaseStatement(reservationId: string): SQL {
  return sql`with released as (
      delete from reservations where id = ${reservationId}::uuid returning account_id, key_hash, amount
    ), balance_row as (
      update credit_balances as b set reserved = b.reserved - r.amount, updated_at = now()
      from released as r where b.account_id = r.account_id
      returning b.account_id
    ), key_row as (
      update key_spend as s set reserved = s.reserved - r.amount, updated_at = now()
      from released as r where s.key_hash = r.key_hash and exists (select 1 from balance_row)
      returning s.key_hash
    )
    select amount, (select count(*) from key_row)::int as key_updated from released`;
}

/**
 * Deletes up to `limit` reservations past their expiry (optionally of one account) and gives their amounts
 * back to the balances and keys, in one statement. Rows being settled right now are skipped (SKIP LOCKED).
 */
export function reclaimStatement(options: { now: Date; accountId?: string; limit: number }): SQL {
  const accountFilter = options.accountId === undefined ? sql`` : sql`and account_id = ${options.accountId}::uuid`;
  return sql`with expired as (
      delete from reservations where id in (
        select id from reservations
        where expires_at <= ${options.now.toISOString()}::timestamptz ${accountFilter}
        order by expires_at limit ${options.limit}
        for update skip locked
      )
      returning account_id, key_hash, amount
    ), per_account as (
      select account_id, sum(amount)::bigint as total from expired group by account_id
    ), per_key as (
      select key_hash, sum(amount)::bigint as total from expired group by key_hash
    ), balance_rows as (
      update credit_balances as b set reserved = b.reserved - p.total, updated_at = now()
      from per_account as p where b.account_id = p.account_id
      returning b.account_id
    ), key_rows as (
      update key_spend as s set reserved = s.reserved - p.total, updated_at = now()
      from per_key as p where s.key_hash = p.key_hash and exists (select 1 from balance_rows)
      returning s.key_hash
    )
    select (select count(*) from expired)::int as count,
           (select coalesce(sum(amount), 0) from expired)::bigint as total,
           (select count(*) from key_rows)::int as keys`;
}

/**
 * Pushes the expiry of the reservations an instance still uses (its requests in flight and its leases) to
 * `expiresAt`, and returns the ids it found. An id not returned is gone: settled meanwhile, or reclaimed by
 * the sweep because its owner could not renew it in time (a pause, a lost database connection). The expiry
 * only moves forward. Rows being reclaimed right now are waited for, then missed, which is the truth.
 */
export function renewStatement(options: { ids: readonly string[]; expiresAt: Date }): SQL {
  return sql`update reservations set expires_at = greatest(expires_at, ${options.expiresAt.toISOString()}::timestamptz)
    where id = any(${`{${options.ids.join(",")}}`}::uuid[])
    returning id`;
}

/** One usage charge against a lease: its cost and what the ledger entry says about it. */
export interface LeaseCharge {
  cost: Amount;
  /** A bring-your-own-key generation's upstream price: counted on the key's BYOK spend, not charged. */
  byokUsage?: Amount;
  generationId: string | null;
  model: string | null;
  provider: string | null;
  description: string;
}

/**
 * Charges several usages against one long-lived reservation (an instance's lease on an account's balance) in
 * one statement: the reservation shrinks by what was charged (and is removed once spent), the balance and the key's
 * counters take the total, and each usage gets its own ledger entry (with the generation id, and the running
 * balance in order), so the ledger reads exactly as if each request had been settled alone. The charges
 * travel as one JSON parameter with costs as strings, so no amount passes through a float. Claims the
 * account's auto top-up like a settlement does.
 */
export function chargeLeaseStatement(options: {
  reservationId: string;
  accountId: string;
  keyHash: string;
  charges: readonly LeaseCharge[];
  periods: PeriodStarts;
  now: Date;
  maxTopUpFailures: number;
}): SQL {
  const { periods } = options;
  const now = options.now.toISOString();
  const charges = JSON.stringify(
    options.charges.map((charge, index) => ({
      cost: charge.cost.toString(),
      byok: (charge.byokUsage ?? 0n).toString(),
      byok_usd: charge.byokUsage === undefined ? null : formatUsd(charge.byokUsage),
      generation_id: charge.generationId,
      model: charge.model,
      provider: charge.provider,
      description: charge.description,
      ord: index,
    })),
  );
  return sql`with charges as (
      select c.cost::bigint as cost, c.byok::bigint as byok, c.byok_usd, c.generation_id, c.model, c.provider, c.description, c.ord
      from json_to_recordset(${charges}::json) as c(cost text, byok text, byok_usd text, generation_id text, model text, provider text, description text, ord int)
    ), total as (
      select coalesce(sum(cost), 0)::bigint as amount, coalesce(sum(byok), 0)::bigint as byok from charges
    ), before as (
      -- The lease as this statement's snapshot saw it, before any change below.
      select id, amount from reservations where id = ${options.reservationId}::uuid
    ), lease_kept as (
      update reservations as r set amount = r.amount - (select amount from total)
      from before where r.id = before.id and before.amount > (select amount from total)
      returning (select amount from total) as freed
    ), lease_spent as (
      -- A reservation's amount must stay positive: a lease charged in full is removed.
      delete from reservations as r using before
      where r.id = before.id and before.amount <= (select amount from total)
      returning before.amount as freed
    ), lease as (
      select freed from lease_kept union all select freed from lease_spent
    ), balance_row as (
      update credit_balances set
        balance = balance - (select amount from total),
        usage = usage + (select amount from total),
        reserved = reserved - coalesce((select freed from lease), 0),
        updated_at = now()
      where account_id = ${options.accountId}::uuid
      returning balance
    ), key_row as (
      ${keySpendUpdateSql({ keyHash: options.keyHash, periods, cost: sql`(select amount from total)`, byok: sql`(select byok from total)`, freed: sql`coalesce((select freed from lease), 0)` })}
    ), entries as (
      insert into ledger_entries (account_id, type, amount, balance_after, key_hash, reservation_id, generation_id, model, description, metadata)
      select ${options.accountId}::uuid, 'usage', -c.cost,
        (select balance from balance_row) + (select amount from total) - sum(c.cost) over (order by c.ord),
        ${options.keyHash}, null, c.generation_id, c.model, c.description,
        jsonb_build_object('provider', c.provider, 'lease_id', ${options.reservationId}::text)
          || case when c.byok_usd is null then '{}'::jsonb else jsonb_build_object('is_byok', true, 'upstream_inference_cost_usd', c.byok_usd) end
      from charges as c
      where c.cost <> 0 and exists (select 1 from balance_row)
      returning id
    ), top_up as (
      ${autoTopUpClaimSql({ accountId: options.accountId, now, maxTopUpFailures: options.maxTopUpFailures })}
    )
    select (select balance from balance_row) as balance,
           (select count(*) from entries)::int as entries,
           (select count(*) from key_row)::int as key_updated,
           (select count(*) from top_up)::int as top_up_claimed`;
}
