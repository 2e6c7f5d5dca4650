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
  const autoTopUp = createAutoTopUpService({
    db,
    clock,
    paymentProvider,
    feeSchedule,
    maxFailures: config.AUTO_TOP_UP_MAX_FAILURES,
    retryBaseMs: config.AUTO_TOP_UP_RETRY_BASE_MS,
    logger: options.logger,
  });
  const ledger = createLedgerService({
    db,
    ...(options.relaxedDb === undefined ? {} : { relaxedDb: options.relaxedDb }),
    clock,
    reservationTtlMs: config.RESERVATION_TTL_MS,
    maxTopUpFailures: config.AUTO_TOP_UP_MAX_FAILURES,
    onTopUpClaimed: (accountId) => void autoTopUp.runClaimed(accountId),
  });
  return {
    authenticator,
    accounts: createAccountService({ db, onAccountChanged: (accountId) => authenticator.invalidateAccount(accountId) }),
    keys: createKeyService({ db, clock, onKeyChanged: (hash) => authenticator.invalidate(hash) }),
    ledger,
    ledgerQueries: createLedgerQueries({ db }),
    credits: createCreditService({ db, clock, paymentProvider, feeSchedule }),
    autoTopUp,
    paymentProvider,
    sweeper: createBillingSweeper({ ledger, autoTopUp, intervalMs: config.BILLING_SWEEP_MS, renewEveryMs: reservationRenewMs(config), logger: options.logger }),
  };
}
