import { startAnthropicSimulator } from "../simulators/anthropic/anthropic-simulator.js";
import { startGeminiSimulator } from "../simulators/gemini/gemini-simulator.js";
import { startOpenAISimulator } from "../simulators/openai/openai-simulator.js";
import type { RunningSimulator } from "../simulators/shared/simulator-server.js";

/** The three simulated upstreams and the provider environment that points the gateway at them. */
export interface SimulatedProviders {
  openai: RunningSimulator;
  anthropic: RunningSimulator;
  gemini: RunningSimulator;
  /** OPENAI_*, ANTHROPIC_*, GEMINI_* and, for failover tests, compatible vendors aimed at the OpenAI simulator. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export const SIMULATOR_KEYS = { openai: "sk-sim-openai", anthropic: "sk-ant-sim", gemini: "gemini-sim-key" } as const;

/** A port nothing listens on: connecting fails at once, which the router treats as a retryable failure. */
export const DEAD_BASE_URL = "http://127.0.0.1:9/v1";

export async function startSimulatedProviders(): Promise<SimulatedProviders> {
  const [openai, anthropic, gemini] = await Promise.all([
    startOpenAISimulator({ apiKey: SIMULATOR_KEYS.openai }),
    startAnthropicSimulator({ apiKey: SIMULATOR_KEYS.anthropic }),
    startGeminiSimulator({ apiKey: SIMULATOR_KEYS.gemini }),
  ]);
  return {
    openai,
    anthropic,
    gemini,
    env: {
      OPENAI_API_KEY: SIMULATOR_KEYS.openai,
      OPENAI_BASE_URL: `${openai.url}/v1`,
      ANTHROPIC_API_KEY: SIMULATOR_KEYS.anthropic,
      ANTHROPIC_BASE_URL: `${anthropic.url}/v1`,
      GEMINI_API_KEY: SIMULATOR_KEYS.gemini,
      GEMINI_BASE_URL: `${gemini.url}/v1beta`,
    },
    close: async () => {
      await Promise.all([openai.close(), anthropic.close(), gemini.close()]);
    },
  };
}

/**
 * The provider environment of the Llama 3.3 70B routing tests: `providers.env`, DeepInfra (its cheapest
 * endpoint) at `deepInfra` (a dead port, or a fault upstream in front of the simulator), and Groq (next by
 * price) served by the OpenAI simulator, so failover lands on a working endpoint.
 */
export function llamaRoutingEnv(providers: SimulatedProviders, deepInfra: { baseUrl: string; apiKey: string }): Record<string, string> {
  return {
    ...providers.env,
    DEEPINFRA_API_KEY: deepInfra.apiKey,
    DEEPINFRA_BASE_URL: deepInfra.baseUrl,
    GROQ_API_KEY: SIMULATOR_KEYS.openai,
    GROQ_BASE_URL: `${providers.openai.url}/v1`,
  };
}

/**
 * {@link llamaRoutingEnv} with DeepInfra, Llama 3.3 70B's cheapest endpoint, unreachable: every request for the
 * model fails over to Groq (next by price), which the OpenAI simulator serves.
 */
export function deadDeepInfraEnv(providers: SimulatedProviders): Record<string, string> {
  return llamaRoutingEnv(providers, { baseUrl: DEAD_BASE_URL, apiKey: "dead" });
}
