import type { Socket } from "node:net";
import type { Config } from "../../src/config/config.js";
import type { FundedKey } from "./api-keys.js";
import { createFundedKey } from "./api-keys.js";
import type { SimulatedProviders } from "./simulated-providers.js";
import { startSimulatedProviders } from "./simulated-providers.js";
import type { TestGateway } from "./test-gateway.js";
import { startTestGateway } from "./test-gateway.js";

/** The simulated upstreams, a gateway aimed at them, and one funded API key: what most stream tests start with. */
export interface SimulatedGateway {
  providers: SimulatedProviders;
  gateway: TestGateway;
  key: FundedKey;
  /** Stops the gateway, then the simulators. */
  stop(): Promise<void>;
}

/**
 * Starts the three simulators, a test gateway with `config` on the provider environment `env` makes of them
 * (`providers.env` when not given), and a key funded with `usd`.
 */
export async function startSimulatedGateway(options: {
  usd: string;
  config?: Partial<Record<keyof Config, string>>;
  env?: (providers: SimulatedProviders) => Record<string, string>;
}): Promise<SimulatedGateway> {
  const providers = await startSimulatedProviders();
  const env = options.env === undefined ? providers.env : options.env(providers);
  const gateway = await startTestGateway({ env, ...(options.config === undefined ? {} : { config: options.config }) });
  const key = await createFundedKey(gateway, { usd: options.usd });
  return {
    providers,
    gateway,
    key,
    async stop() {
      await gateway.stop();
      await providers.close();
    },
  };
}

/**
 * The gateway's side of each open connection, kept as they open and close: back-pressure tests read how much
 * the gateway holds buffered for a client. {@link ServerSockets.of} finds the one serving a client's local port.
 */
export interface ServerSockets {
  of(clientLocalPort: number | undefined): Socket | undefined;
}

export function trackServerSockets(gateway: TestGateway): ServerSockets {
  const sockets = new Set<Socket>();
  gateway.app.server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  return { of: (clientLocalPort) => [...sockets].find((socket) => socket.remotePort === clientLocalPort) };
}
