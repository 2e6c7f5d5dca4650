import { GatewayError, invalidRequest } from "../core/errors.js";
import type { ChatRequest } from "./chat-request.js";

/** The zod path as OpenAI names fields: `messages[1].content`. */
export function fieldName(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((name, key) => (typeof key === "number" ? `${name}[${key}]` : name === "" ? String(key) : `${name}.${String(key)}`), "");
}

/**
 * The requested model ids in fallback order, each once: what every face (chat, messages, embeddings) routes by.
 * Refuses a request that names none, with the same 400 on each face.
 */
export function requestedModels(ids: ReadonlyArray<string | undefined>): string[] {
  const models = ids.filter((id): id is string => id !== undefined).filter((id, index, all) => all.indexOf(id) === index);
  if (models.length === 0) throw invalidRequest("No model given: set model (or models)", "model");
  return models;
}

/** The 400 of a body its schema refused, naming the field as OpenAI does (`messages[1].content`). */
export function invalidBody(issue: { path: ReadonlyArray<PropertyKey>; message: string } | undefined): GatewayError {
  const field = issue === undefined ? undefined : fieldName(issue.path);
  return invalidRequest(`Invalid ${field ?? "request"}: ${issue?.message ?? "malformed"}`, field);
}

/** A parsed chat request, its optional `user` set only when given: the last step of the chat and messages parsers. */
export function chatRequest(parts: Omit<ChatRequest, "user"> & { user: string | undefined }): ChatRequest {
  const { user, ...rest } = parts;
  return user === undefined ? rest : { ...rest, user };
}
