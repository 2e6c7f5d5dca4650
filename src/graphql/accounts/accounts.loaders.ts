import DataLoader from "dataloader";
import type { KeyView } from "../../accounts/key-view.js";
import type { BalanceFigures } from "../../billing/ledger-service.js";
import type { GatewayServices } from "../../app/services.js";
import type { AutoTopUpRow } from "../../db/schema/index.js";

/**
 * Per-operation DataLoaders of account fields: a page of accounts asks for balances, keys and top-up settings
 * in one statement each. Keys are account ids that a resolver already checked against the caller's scope.
 */
export interface AccountLoaders {
  balance: DataLoader<string, BalanceFigures>;
  keys: DataLoader<string, KeyView[]>;
  autoTopUp: DataLoader<string, AutoTopUpRow>;
}

export function createAccountLoaders(services: GatewayServices): AccountLoaders {
  return {
    balance: new DataLoader((ids) => services.ledger.loadBalances(ids)),
    keys: new DataLoader((ids) => services.keys.loadByAccount(ids)),
    autoTopUp: new DataLoader((ids) => services.autoTopUp.loadSettings(ids)),
  };
}
