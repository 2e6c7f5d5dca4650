import type { ServerResponse } from "node:http";
import { sleep } from "../shared/scenario.js";
import { writeSseEvent } from "../shared/simulator-server.js";
import type { AnthropicAnswer, AnswerBlock } from "./anthropic-answer.js";
import { errorBody } from "./anthropic-errors.js";

/** Tool arguments stream in pieces of this many characters, after the empty first `partial_json`. */
const INPUT_JSON_PIECE = 8;

/**
 * Streams an answer as the Messages API's named SSE events, in the real order: `message_start`, then per
 * block `content_block_start` / `content_block_delta`* / `content_block_stop` (a `ping` after the first
 * start), `message_delta` with the stop reason and cumulative usage, `message_stop`.
 * With `failAfterChunks`, an `event: error` (`overloaded_error`, the usual mid-stream failure) replaces the
 * rest of the stream once that many content deltas were sent, or at the latest before `message_delta`.
 * https://docs.claude.com/en/docs/build-with-claude/streaming
 */
export async function renderAnthropicStream(options: {
  response: ServerResponse;
  answer: AnthropicAnswer;
  delayMs: number;
  failAfterChunks: number | undefined;
  requestId: string;
  isClosed: () => boolean;
}): Promise<void> {
  const { response, answer, isClosed } = options;
  response.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    connection: "keep-alive",
    "request-id": options.requestId,
  });
  const send = (type: string, payload: Record<string, unknown>): boolean => {
    if (isClosed()) return false;
    writeSseEvent(response, JSON.stringify({ type, ...payload }), type);
    return true;
  };

  let contentChunks = 0;
  /** Sends one content delta, honouring the delay and the planned failure; false stops the stream. */
  const sendDelta = async (index: number, delta: Record<string, unknown>): Promise<boolean> => {
    if (options.failAfterChunks !== undefined && contentChunks >= options.failAfterChunks) {
      if (!isClosed()) writeSseEvent(response, errorBody("overloaded_error", "Overloaded", null), "error");
      return false;
    }
    await sleep(options.delayMs);
    contentChunks += 1;
    return send("content_block_delta", { index, delta });
  };

  const { usage } = answer;
  send("message_start", {
    message: {
      id: answer.id,
      type: "message",
      role: "assistant",
      model: answer.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: {
        input_tokens: usage.input_tokens,
        output_tokens: 1,
        cache_creation_input_tokens: usage.cache_creation_input_tokens,
        cache_read_input_tokens: usage.cache_read_input_tokens,
        service_tier: "standard",
      },
    },
  });

  for (const [index, block] of answer.blocks.entries()) {
    if (!send("content_block_start", { index, content_block: startBlock(block) })) return endQuietly(response);
    if (index === 0) send("ping", {});
    for (const delta of deltasOf(block)) {
      const counted = !(delta.type === "input_json_delta" && delta.partial_json === "") && delta.type !== "signature_delta";
      const sent = counted ? await sendDelta(index, delta) : send("content_block_delta", { index, delta });
      if (!sent) return endQuietly(response);
    }
    if (!send("content_block_stop", { index })) return endQuietly(response);
  }

  if (options.failAfterChunks !== undefined) {
    // Fewer content deltas than N: the failure still comes, in place of the closing events.
    if (!isClosed()) writeSseEvent(response, errorBody("overloaded_error", "Overloaded", null), "error");
    return endQuietly(response);
  }
  send("message_delta", {
    delta: { stop_reason: answer.stopReason, stop_sequence: answer.stopSequence },
    usage: {
      input_tokens: usage.input_tokens,
      cache_creation_input_tokens: usage.cache_creation_input_tokens,
      cache_read_input_tokens: usage.cache_read_input_tokens,
      output_tokens: usage.output_tokens,
      output_tokens_details: { thinking_tokens: usage.thinking_tokens },
    },
  });
  send("message_stop", {});
  endQuietly(response);
}

function endQuietly(response: ServerResponse): void {
  if (!response.writableEnded) response.end();
}

function startBlock(block: AnswerBlock): Record<string, unknown> {
  switch (block.type) {
    case "thinking":
      return { type: "thinking", thinking: "", signature: "" };
    case "text":
      return { type: "text", text: "", citations: null };
    case "tool_use":
      return { type: "tool_use", id: block.id, name: block.name, input: {}, caller: { type: "direct" } };
  }
}

type Delta =
  | { type: "thinking_delta"; thinking: string }
  | { type: "signature_delta"; signature: string }
  | { type: "text_delta"; text: string }
  | { type: "input_json_delta"; partial_json: string };

function deltasOf(block: AnswerBlock): Delta[] {
  switch (block.type) {
    case "thinking":
      return [
        ...block.chunks.map((thinking): Delta => ({ type: "thinking_delta", thinking })),
        { type: "signature_delta", signature: block.signature },
      ];
    case "text":
      return block.chunks.map((text): Delta => ({ type: "text_delta", text }));
    case "tool_use": {
      const pieces: Delta[] = [{ type: "input_json_delta", partial_json: "" }];
      for (let start = 0; start < block.inputJson.length; start += INPUT_JSON_PIECE) {
        pieces.push({ type: "input_json_delta", partial_json: block.inputJson.slice(start, start + INPUT_JSON_PIECE) });
      }
      return pieces;
    }
  }
}
