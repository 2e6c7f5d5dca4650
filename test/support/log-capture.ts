import { Writable } from "node:stream";
import type { RequestLogFacts } from "../../src/http/request-log.js";

/** One request's log line as a test reads it: the facts the request log notes, plus pino's own fields. */
export interface RequestLogLine extends RequestLogFacts {
  msg: string;
  route?: string;
  status?: number;
}

/**
 * A log destination for `startTestGateway({ logDestination })` that keeps everything the gateway logged, so a
 * test can read its request lines and search the whole text for what must never be logged.
 */
export function captureLog(): { destination: Writable; text(): string; requestLines(route: string): RequestLogLine[] } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString("utf8"));
      done();
    },
  });
  const text = (): string => chunks.join("");
  return {
    destination,
    text,
    requestLines: (route) =>
      text()
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => JSON.parse(line) as RequestLogLine)
        .filter((line) => line.msg === "request" && line.route === route),
  };
}
