import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createFundedKey } from "../support/api-keys.js";
import type { SimulatedProviders } from "../support/simulated-providers.js";
import { startSimulatedProviders } from "../support/simulated-providers.js";
import { postJson } from "../support/sse.js";
import type { TestGateway } from "../support/test-gateway.js";
import { startTestGateway } from "../support/test-gateway.js";

/**
 * What SIGTERM and SIGINT do (src/main.ts calls exactly `gateway.close()`): stop accepting, let in-flight HTTP
 * finish, close WebSockets with 1001 (going away), then close the database.
 */
let providers: SimulatedProviders;
let gateway: TestGateway;

beforeAll(async () => {
  providers = await startSimulatedProviders();
  gateway = await startTestGateway({ env: providers.env });
});

afterAll(async () => {
  await gateway?.database.destroy();
  await providers?.close();
});

describe("graceful shutdown", () => {
  it("finishes in-flight requests, closes sockets with 1001, refuses new connections, and closes the database", async () => {
    const key = await createFundedKey(gateway, { usd: "5" });
    const socket = new WebSocket(`${gateway.url.replace("http", "ws")}/graphql`, "graphql-transport-ws");
    await new Promise((resolve) => socket.once("open", resolve));
    socket.send(JSON.stringify({ type: "connection_init", payload: {} }));
    await new Promise((resolve) => socket.once("message", resolve));
    const socketClosed = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));

    const inFlight = postJson(
      `${gateway.url}/api/v1/chat/completions`,
      { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "slow answer [[delay:600]]" }] },
      key.apiKey,
    );
    await new Promise((resolve) => setTimeout(resolve, 150));
    const closing = gateway.close();

    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(((await response.json()) as { choices: unknown[] }).choices).toHaveLength(1);
    expect(await socketClosed).toBe(1001);
    await closing;
    await expect(fetch(`${gateway.url}/healthz`)).rejects.toThrow();
    await expect(gateway.services.database.ping()).rejects.toThrow();
  });
});
