import OpenAI from "openai";
import { createFundedKey } from "./api-keys.js";
import type { FundedKey } from "./api-keys.js";
import { startSimulatedProviders } from "./simulated-providers.js";
import type { SimulatedProviders } from "./simulated-providers.js";
import { startTestGateway } from "./test-gateway.js";
import type { TestGateway } from "./test-gateway.js";

/** The tool the simulators call when a request offers tools: they answer `get_weather({"city":"example"})`. */
export const weatherTool: OpenAI.Chat.Completions.ChatCompletionFunctionTool = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Current weather for a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

/** The three simulated upstreams, a gateway on them, a funded key, and the official `openai` SDK pointed at it. */
export interface OpenAISdkHarness {
  providers: SimulatedProviders;
  gateway: TestGateway;
  key: FundedKey;
  client: OpenAI;
  stop(): Promise<void>;
}

/** Starts everything an SDK-level test needs; the client never retries, so errors arrive as they are. */
export async function startOpenAISdkHarness(): Promise<OpenAISdkHarness> {
  const providers = await startSimulatedProviders();
  const gateway = await startTestGateway({ env: providers.env });
  const key = await createFundedKey(gateway, { usd: "100" });
  const client = new OpenAI({ baseURL: `${gateway.url}/api/v1`, apiKey: key.apiKey, maxRetries: 0 });
  return {
    providers,
    gateway,
    key,
    client,
    stop: async () => {
      await gateway.stop();
      await providers.close();
    },
  };
}
