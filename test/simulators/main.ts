import { startAnthropicSimulator } from "./anthropic/anthropic-simulator.js";
import { startGeminiSimulator } from "./gemini/gemini-simulator.js";
import { startOpenAISimulator } from "./openai/openai-simulator.js";

/**
 * `npm run simulate`: starts the three SIMULATED upstreams (OpenAI, Anthropic, Gemini wire formats) on local
 * ports so a newcomer can try the whole gateway offline. They are simulators: answers are canned text, token
 * counts are estimates, nothing reaches a real provider. Prints the environment to start the gateway with.
 */
const HELP = `usage: npm run simulate

Starts simulated OpenAI (SIM_OPENAI_PORT, default 4010), Anthropic (SIM_ANTHROPIC_PORT, 4011) and Gemini
(SIM_GEMINI_PORT, 4012) upstreams on 127.0.0.1 and prints the environment to point the gateway at them.`;
if (process.argv.slice(2).some((argument) => argument === "--help" || argument === "-h")) {
  console.log(HELP);
  process.exit(0);
}
const port = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const keys = { openai: "sk-simulated-openai", anthropic: "sk-ant-simulated", gemini: "simulated-gemini-key" };

const [openai, anthropic, gemini] = await Promise.all([
  startOpenAISimulator({ port: port("SIM_OPENAI_PORT", 4010), apiKey: keys.openai }),
  startAnthropicSimulator({ port: port("SIM_ANTHROPIC_PORT", 4011), apiKey: keys.anthropic }),
  startGeminiSimulator({ port: port("SIM_GEMINI_PORT", 4012), apiKey: keys.gemini }),
]);

console.log(`Simulated upstreams are running (these are SIMULATORS, not real providers):
  OpenAI Chat Completions  ${openai.url}/v1
  Anthropic Messages       ${anthropic.url}/v1
  Google Gemini            ${gemini.url}/v1beta

Start the gateway against them in another terminal:

  OPENAI_API_KEY=${keys.openai} OPENAI_BASE_URL=${openai.url}/v1 \\
  ANTHROPIC_API_KEY=${keys.anthropic} ANTHROPIC_BASE_URL=${anthropic.url}/v1 \\
  GEMINI_API_KEY=${keys.gemini} GEMINI_BASE_URL=${gemini.url}/v1beta \\
  MANAGEMENT_KEY=sk-mgmt-local-try-out-0123456789 npm start

Directives in a user message steer the simulated answer: [[words:50]] [[delay:100]] [[reasoning]]
[[error:429]] [[fail-after:3]] [[echo]] (see test/simulators/shared/scenario.ts). Ctrl-C stops them.`);

const stop = (): void => {
  void Promise.all([openai.close(), anthropic.close(), gemini.close()]).then(() => process.exit(0));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
