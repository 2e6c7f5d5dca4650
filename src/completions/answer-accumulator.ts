import type { FinishReason } from "../core/finish-reason.js";
import type { GeneratedContent } from "../core/language-model.js";
import type { StreamPart } from "../core/stream-parts.js";
import { assertNever } from "../core/stream-parts.js";
import type { Usage } from "../core/usage.js";
import type { GatewayError } from "../core/errors.js";

/**
 * Output bytes counted as one token when a stream's chunks are big (Gemini sends many tokens a chunk): few
 * tokens are longer, so an honest answer is not over-counted, while a chunk stuffed with tokens still counts.
 */
const OUTPUT_BYTES_PER_TOKEN = 8;

/** The output text a part carries (deltas only: a whole tool call repeats its deltas). */
function outputText(part: StreamPart): string | undefined {
  return part.type === "text-delta" || part.type === "reasoning-delta" || part.type === "tool-input-delta" ? part.delta : undefined;
}

/**
 * Collects a streamed answer as it passes through: the content so far, the usage and finish reason when they
 * arrive, and a count of the output so far (the token count when a stream is cut before the provider reports
 * usage, and what the stream's output allowance is checked against): one token per delta, as providers send
 * about one, or one per {@link OUTPUT_BYTES_PER_TOKEN} bytes of output when that is more.
 */
export class AnswerAccumulator {
  readonly content: GeneratedContent[] = [];
  usage: Usage | undefined;
  finishReason: FinishReason | undefined;
  error: GatewayError | undefined;
  upstreamId: string | undefined;
  contentDeltas = 0;
  reasoningDeltas = 0;
  /** UTF-8 bytes of every text, reasoning and tool-argument delta. */
  outputBytes = 0;
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

  /** The output counted so far, in tokens. */
  get outputTokens(): number {
    return this.outputTokensWith(undefined);
  }

  /** The output that would be counted once `part` is added too (it is not added). */
  outputTokensWith(part: StreamPart | undefined): number {
    const text = part === undefined ? undefined : outputText(part);
    const deltas = this.contentDeltas + this.reasoningDeltas + (text === undefined ? 0 : 1);
    const bytes = this.outputBytes + (text === undefined ? 0 : Buffer.byteLength(text, "utf8"));
    return Math.max(deltas, Math.ceil(bytes / OUTPUT_BYTES_PER_TOKEN));
  }

  add(part: StreamPart): void {
    const text = outputText(part);
    if (text !== undefined) this.outputBytes += Buffer.byteLength(text, "utf8");
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
