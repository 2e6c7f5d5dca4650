import type { FastifyBaseLogger } from "fastify";
import type { Config } from "../config/config.js";
import { reservationRenewMs } from "../config/config.js";
import type { Database } from "../db/client.js";
import type { AutoTopUpService } from "../billing/auto-top-up-service.js";
import { createAutoTopUpService } from "../billing/auto-top-up-service.js";
import type { BillingSweeper } from "../billing/billing-sweeper.js";
import { createBillingSweeper } from "../billing/billing-sweeper.js";
import type { Clock } from "../billing/clock.js";
import { systemClock } from "../billing/clock.js";
import type { CreditService } from "../billing/credit-service.js";
import { createCreditService } from "../billing/credit-service.js";
import { InProcessPaymentProvider } from "../billing/in-process-payment-provider.js";
import type { LedgerQueries } from "../billing/ledger-queries.js";
import { createLedgerQueries } from "../billing/ledger-queries.js";
import type { LedgerService } from "../billing/ledger-service.js";
import { createLedgerService } from "../billing/ledger-service.js";
import type { PaymentProvider } from "../billing/payment-provider.js";
import { parseFeeSchedule } from "../billing/platform-fee.js";
import type { AccountService } from "./account-service.js";
import { createAccountService } from "./account-service.js";
import type { Authenticator } from "./authenticator.js";
import { createAuthenticator } from "./authenticator.js";
import type { KeyService } from "./key-service.js";
import { createKeyService } from "./key-service.js";
import type { KeyChangeBus } from "./key-change-bus.js";
import { createKeyChangeBus } from "./key-change-bus.js";
import type { PubSub } from "../pubsub/pub-sub.js";
import type { LimitPeriodWatcher } from "../billing/limit-period-watcher.js";
import { createLimitPeriodWatcher } from "../billing/limit-period-watcher.js";
import { NO_ACCOUNT_EVENTS, createAccountEventPublisher } from "../events/account-events.js";

/** Accounts, keys, authentication and every billing service, wired together once per process. */
export interface AccountServices {
  authenticator: Authenticator;
  accounts: AccountService;
  keys: KeyService;
  ledger: LedgerService;
  ledgerQueries: LedgerQueries;
  credits: CreditService;
  autoTopUp: AutoTopUpService;
  paymentProvider: PaymentProvider;
  sweeper: BillingSweeper;
  /** Announces key limits starting over at UTC midnight, Monday and the 1st (to this instance's subscribers). */
  limitPeriods: LimitPeriodWatcher;
  /** Key and account changes told to every instance (only when built with a PubSub). */
  keyChanges?: KeyChangeBus;
}

/**
 * Builds the account and billing services from configuration. The gateway and the CLI both use it, so they
 * apply the same fees and rules. Tests inject a clock and a payment provider.
 */
export function createAccountServices(options: {
  db: Database;
  /** Sessions that do not wait for the disk, for holds (see `DatabaseHandle.relaxed`); defaults to `db`. */
  relaxedDb?: Database;
  config: Config;
  clock?: Clock;
  paymentProvider?: PaymentProvider;
  logger?: FastifyBaseLogger;
  /** Where account events, key and account changes are published (the gateway's); without it, nowhere (the CLI). */
  pubSub?: PubSub;
}): AccountServices {
  const { db, config } = options;
  const clock = options.clock ?? systemClock;
  const paymentProvider = options.paymentProvider ?? new InProcessPaymentProvider();
  const feeSchedule = parseFeeSchedule({
    rate: config.PLATFORM_FEE_RATE,
    minimum: config.PLATFORM_FEE_MINIMUM_USD,
    tiers: config.VOLUME_DISCOUNT_TIERS,
  });
  const authenticator = createAuthenticator({ db, clock, managementKey: config.MANAGEMENT_KEY, cacheTtlMs: config.KEY_CACHE_TTL_MS });
  const events = options.pubSub === undefined ? NO_ACCOUNT_EVENTS : createAccountEventPublisher(options.pubSub);
  const keyChanges = options.pubSub === undefined ? undefined : createKeyChangeBus({ pubSub: options.pubSub, authenticator, events, logger: options.logger });
  const autoTopUp = createAutoTopUpService({
    db,
    clock,
    paymentProvider,
    feeSchedule,
    maxFailures: config.AUTO_TOP_UP_MAX_FAILURES,
    retryBaseMs: config.AUTO_TOP_UP_RETRY_BASE_MS,
    logger: options.logger,
    events,
  });
  const ledger = createLedgerService({
    db,
    ...(options.relaxedDb === undefined ? {} : { relaxedDb: options.relaxedDb }),
    clock,
    reservationTtlMs: config.RESERVATION_TTL_MS,
    maxTopUpFailures: config.AUTO_TOP_UP_MAX_FAILURES,
    onTopUpClaimed: (accountId) => void autoTopUp.runClaimed(accountId),
    events,
  });
  return {
    authenticator,
    accounts: createAccountService({ db, onAccountChanged: (accountId, state) => (keyChanges === undefined ? authenticator.invalidateAccount(accountId) : keyChanges.accountChanged(accountId, state)) }),
    keys: createKeyService({ db, clock, onKeyChanged: (change) => (keyChanges === undefined ? authenticator.invalidate(change.hash) : keyChanges.keyChanged(change)) }),
    ledger,
    ledgerQueries: createLedgerQueries({ db }),
    credits: createCreditService({ db, clock, paymentProvider, feeSchedule, events }),
    autoTopUp,
    paymentProvider,
    ...(keyChanges === undefined ? {} : { keyChanges }),
    limitPeriods: createLimitPeriodWatcher({ db, clock, events, ...(options.logger === undefined ? {} : { logger: options.logger }) }),
    sweeper: createBillingSweeper({ ledger, autoTopUp, intervalMs: config.BILLING_SWEEP_MS, renewEveryMs: reservationRenewMs(config), logger: options.logger }),
  };
}
