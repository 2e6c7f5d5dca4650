import type { FinishReason } from "../core/finish-reason.js";
import type { GeneratedContent } from "../core/language-model.js";
import type { StreamPart } from "../core/stream-parts.js";
import { assertNever } from "../core/stream-parts.js";
import type { Usage } from "../core/usage.js";
import type { GatewayError } from "../core/errors.js";

/**
 * Collects a streamed answer as it passes through: the content so far, the usage and finish reason when they
 * arrive, and how many content deltas were seen (the fallback token count when a stream is cut before the
 * provider reports usage: providers send about one token per delta).
 */
export class AnswerAccumulator {
  readonly content: GeneratedContent[] = [];
  usage: Usage | undefined;
  finishReason: FinishReason | undefined;
  error: GatewayError | undefined;
  upstreamId: string | undefined;
  contentDeltas = 0;
  reasoningDeltas = 0;
  firstContentAt: number | undefined;

  constructor(private readonly clock: () => number) {}

  private appendText(type: "text" | "reasoning", delta: string, signature?: string): void {
    const last = this.content[this.content.length - 1];
    const target: Extract<GeneratedContent, { type: "text" | "reasoning" }> =
      last !== undefined && last.type === type ? (last as Extract<GeneratedContent, { type: "text" | "reasoning" }>) : { type, text: "" };
    if (target !== last) this.content.push(target);
    target.text += delta;
    if (signature !== undefined && target.type === "reasoning") target.signature = signature;
  }

  add(part: StreamPart): void {
    switch (part.type) {
      case "stream-start":
        break;
      case "response-metadata":
        if (part.id !== undefined) this.upstreamId = part.id;
        break;
      case "text-delta":
        this.firstContentAt ??= this.clock();
        this.contentDeltas += 1;
        this.appendText("text", part.delta);
        break;
      case "reasoning-delta":
        this.firstContentAt ??= this.clock();
        this.reasoningDeltas += 1;
        this.appendText("reasoning", part.delta, part.signature);
        break;
      case "tool-input-start":
      case "tool-input-delta":
        this.firstContentAt ??= this.clock();
        if (part.type === "tool-input-delta") this.contentDeltas += 1;
        break;
      case "tool-call":
        this.content.push({ type: "tool-call", toolCallId: part.toolCallId, toolName: part.toolName, input: part.input, ...(part.signature === undefined ? {} : { signature: part.signature }) });
        break;
      case "finish":
        this.usage = part.usage;
        this.finishReason = part.finishReason;
        break;
      case "error":
        this.error = part.error;
        break;
      default:
        assertNever(part);
    }
  }

  /** Whether anything has been produced for the caller yet (content, reasoning or a tool call). */
  get hasOutput(): boolean {
    return this.firstContentAt !== undefined;
  }
}

/** True for parts that carry output to the caller (as opposed to metadata). */
export function isOutputPart(part: StreamPart): boolean {
  return (
    part.type === "text-delta" ||
    part.type === "reasoning-delta" ||
    part.type === "tool-input-start" ||
    part.type === "tool-input-delta" ||
    part.type === "tool-call"
  );
}
