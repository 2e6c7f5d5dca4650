import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { ErrorObject, ValidateFunction } from "ajv/dist/2020.js";
import addFormatsImport from "ajv-formats";
import type { FormatsPlugin } from "ajv-formats";
import { parse as parseYaml } from "yaml";
import { projectPath } from "../../src/config/project-root.js";

/**
 * Contract validation for tests: the bodies the gateway emits are checked against the published OpenAPI
 * descriptions of OpenRouter and OpenAI, kept outside the repository in `../shared/contracts/` (see its
 * README). A fresh clone outside the team has no such folder, so every helper here degrades to "skip, and
 * say why" instead of failing: call {@link contractsAvailable} to decide, or use the `expect…` helpers,
 * which validate when they can and print the reason once when they cannot.
 *
 * Validators follow the contracts README's Ajv recipe (JSON Schema 2020-12, `strict: false`, the custom
 * `unixtime` format, OpenAPI 3.0 `nullable: true` rewritten) and are compiled once per schema per process:
 * the OpenAI description alone is 87k lines, so the parsed documents are cached too.
 */

/** Which published description to validate against. */
export type ContractName = "openrouter" | "openai";

const CONTRACT_FILES: Record<ContractName, string> = {
  openrouter: "openrouter-openapi.yaml",
  openai: "openai-openapi.yaml",
};

/** Where our own routes are mounted: stripped from paths before they are matched to the description's paths. */
const MOUNT_PREFIXES: Record<ContractName, readonly string[]> = {
  openrouter: ["/api/v1"],
  openai: ["/api/v1", "/v1"],
};

const HTTP_METHODS = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);

/**
 * The folder holding the contracts; a non-empty `CONTRACTS_DIR` overrides `../shared/contracts` next to the
 * repository (set it in a git worktree elsewhere, or the contract checks skip for want of the files).
 */
export function contractsDirectory(): string {
  const configured = process.env.CONTRACTS_DIR;
  return configured === undefined || configured === "" ? projectPath("..", "shared", "contracts") : configured;
}

/** Why contract validation cannot run here, or undefined when both descriptions are present. */
export function contractsSkipReason(): string | undefined {
  const directory = contractsDirectory();
  const missing = Object.values(CONTRACT_FILES).filter((file) => !existsSync(join(directory, file)));
  if (missing.length === 0) return undefined;
  return `contract validation skipped: ${missing.join(" and ")} not found in ${directory} (the shared contracts folder is not part of the repository)`;
}

let reasonPrinted = false;

/**
 * True when the contract files exist. When they do not, prints the reason once (so a skipped validation is
 * visible in the test output) and returns false; use it with `describe.skipIf(!contractsAvailable())`.
 */
export function contractsAvailable(): boolean {
  const reason = contractsSkipReason();
  if (reason !== undefined && !reasonPrinted) {
    reasonPrinted = true;
    console.warn(`[contract] ${reason}`);
  }
  return reason === undefined;
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * OpenAPI 3.0's `nullable: true` (still present in the OpenAI 3.1 file) means "or null"; JSON Schema has no
 * such keyword and Ajv refuses it without a `type`, so it becomes `type: [t, "null"]` or `anyOf [.., null]`.
 */
function rewriteNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteNullable);
  if (!isObject(node)) return node;
  for (const key of Object.keys(node)) node[key] = rewriteNullable(node[key]);
  if (node.nullable === true) {
    delete node.nullable;
    if (typeof node.type === "string") {
      node.type = [node.type, "null"];
      if (Array.isArray(node.enum) && !node.enum.includes(null)) node.enum.push(null);
    } else if (node.type === undefined) {
      const copy = { ...node };
      for (const key of Object.keys(node)) delete node[key];
      node.anyOf = [copy, { type: "null" }];
    }
  } else if ("nullable" in node && typeof node.nullable === "boolean") {
    delete node.nullable;
  }
  return node;
}

/** Every `format` named anywhere in the document, so unknown vendor formats can be accepted instead of warned about. */
function collectFormats(node: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(node)) for (const item of node) collectFormats(item, into);
  else if (isObject(node)) {
    if (typeof node.format === "string") into.add(node.format);
    for (const value of Object.values(node)) collectFormats(value, into);
  }
  return into;
}

/** Makes `#/components/...` references absolute so an inline operation schema compiled on its own still resolves them. */
function absolutizeRefs(node: unknown, schemaId: string): unknown {
  if (Array.isArray(node)) return node.map((item) => absolutizeRefs(item, schemaId));
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] = key === "$ref" && typeof value === "string" && value.startsWith("#/") ? `${schemaId}${value}` : absolutizeRefs(value, schemaId);
  }
  return out;
}

interface PathEntry {
  template: string;
  pattern: RegExp;
  parameterCount: number;
  item: JsonObject;
}

interface LoadedContract {
  name: ContractName;
  schemaId: string;
  ajv: Ajv2020;
  paths: PathEntry[];
  validators: Map<string, ValidateFunction>;
}

const loaded = new Map<ContractName, LoadedContract>();

// ajv-formats is CommonJS with `exports.default`; depending on the loader the default import is the plugin or the module.
const addFormats: FormatsPlugin =
  (addFormatsImport as unknown as { default?: FormatsPlugin }).default ?? (addFormatsImport as unknown as FormatsPlugin);

function loadContract(name: ContractName): LoadedContract {
  const cached = loaded.get(name);
  if (cached !== undefined) return cached;
  const reason = contractsSkipReason();
  if (reason !== undefined) throw new Error(reason);
  const document: unknown = parseYaml(readFileSync(join(contractsDirectory(), CONTRACT_FILES[name]), "utf8"), {
    maxAliasCount: -1,
  });
  if (!isObject(document) || !isObject(document.components) || !isObject(document.paths)) {
    throw new Error(`${CONTRACT_FILES[name]} is not an OpenAPI document with paths and components`);
  }
  rewriteNullable(document);
  const schemaId = `${name}.json`;
  const ajv = new Ajv2020({ strict: false, allErrors: true, logger: false });
  addFormats(ajv);
  ajv.addFormat("unixtime", true);
  for (const format of collectFormats(document.components, collectFormats(document.paths, new Set()))) {
    if (ajv.formats[format] === undefined) ajv.addFormat(format, true);
  }
  ajv.addSchema({ $id: schemaId, components: document.components });

  const paths: PathEntry[] = Object.entries(document.paths)
    .filter((entry): entry is [string, JsonObject] => isObject(entry[1]))
    .map(([template, item]) => {
      const parameterCount = (template.match(/\{[^}]+\}/g) ?? []).length;
      const source = template
        .split(/(\{[^}]+\})/)
        .map((part) => (part.startsWith("{") ? "([^/]+)" : part.replace(/[.*+?^$()|[\]\\]/g, "\\$&")))
        .join("");
      return { template, pattern: new RegExp(`^${source}$`), parameterCount, item };
    })
    .sort((a, b) => a.parameterCount - b.parameterCount);

  const contract: LoadedContract = { name, schemaId, ajv, paths, validators: new Map() };
  loaded.set(name, contract);
  return contract;
}

/** `/api/v1/models?x=1` or `http://host/api/v1/models` → `/models`. */
function normalizePath(contract: LoadedContract, path: string): string {
  let pathname = path;
  if (/^https?:\/\//.test(pathname)) pathname = new URL(pathname).pathname;
  pathname = pathname.split("?")[0] ?? pathname;
  for (const prefix of MOUNT_PREFIXES[contract.name]) {
    if (pathname === prefix || pathname.startsWith(`${prefix}/`)) {
      pathname = pathname.slice(prefix.length);
      break;
    }
  }
  return pathname === "" ? "/" : pathname;
}

function findOperation(contract: LoadedContract, path: string, method: string): { template: string; operation: JsonObject } {
  const pathname = normalizePath(contract, path);
  const entry = contract.paths.find((candidate) => candidate.template === pathname) ?? contract.paths.find((candidate) => candidate.pattern.test(pathname));
  if (entry === undefined) throw new Error(`${contract.name} contract describes no path matching ${pathname}`);
  const verb = method.toLowerCase();
  const operation = HTTP_METHODS.has(verb) ? entry.item[verb] : undefined;
  if (!isObject(operation)) throw new Error(`${contract.name} contract describes no ${method.toUpperCase()} ${entry.template}`);
  return { template: entry.template, operation };
}

function compile(contract: LoadedContract, key: string, schema: () => unknown): ValidateFunction {
  const cached = contract.validators.get(key);
  if (cached !== undefined) return cached;
  const validator = contract.ajv.compile(absolutizeRefs(schema(), contract.schemaId) as JsonObject);
  contract.validators.set(key, validator);
  return validator;
}

function describeErrors(errors: readonly ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((error) => {
    const where = error.instancePath === "" ? "(root)" : error.instancePath;
    const json = JSON.stringify(error.params);
    const params = json === "{}" ? "" : ` ${json.length > 160 ? `${json.slice(0, 157)}...` : json}`;
    return `${where} ${error.message ?? "is invalid"}${params} [${error.schemaPath}]`;
  });
}

function run(validator: ValidateFunction, body: unknown): string[] {
  return validator(body) ? [] : describeErrors(validator.errors);
}

/** Options for response validation. */
export interface ResponseValidationOptions {
  /**
   * The response's media type; `application/json` by default. For `text/event-stream` pass one parsed `data:`
   * payload: the description models each event as `{ data: <chunk> }`, so the payload is wrapped before checking.
   */
  contentType?: string;
}

function validateResponse(
  name: ContractName,
  request: { path: string; method: string; status: number | string },
  body: unknown,
  options: ResponseValidationOptions,
): string[] {
  const contract = loadContract(name);
  const { template, operation } = findOperation(contract, request.path, request.method);
  const responses = isObject(operation.responses) ? operation.responses : {};
  const status = String(request.status);
  const statusKey = [status, `${status[0] ?? ""}XX`, "default"].find((candidate) => isObject(responses[candidate]));
  if (statusKey === undefined) return [`${request.method.toUpperCase()} ${template} describes no ${status} response`];
  const response = responses[statusKey] as JsonObject;
  const contentType = options.contentType ?? "application/json";
  const content = isObject(response.content) ? response.content[contentType] : undefined;
  if (!isObject(content) || content.schema === undefined) {
    return [`${request.method.toUpperCase()} ${template} ${statusKey} describes no ${contentType} body`];
  }
  const validator = compile(contract, `response ${request.method.toLowerCase()} ${template} ${statusKey} ${contentType}`, () => content.schema);
  return run(validator, contentType === "text/event-stream" ? { data: body } : body);
}

/**
 * Checks a response body from our OpenRouter-compatible API against OpenRouter's description of the same
 * operation and status. `path` may be our route (`/api/v1/models/openai/gpt-4o/endpoints`, query string and
 * origin allowed) or the description's template (`/models/{author}/{slug}/endpoints`).
 *
 * @returns every violation as `"<instance path> <message> [<schema path>]"`; empty when the body conforms.
 * @throws when the contracts are absent (check {@link contractsAvailable} first) or the operation is not described.
 */
export function validateOpenRouterResponse(
  path: string,
  method: string,
  status: number | string,
  body: unknown,
  options: ResponseValidationOptions = {},
): string[] {
  return validateResponse("openrouter", { path, method, status }, body, options);
}

/** Like {@link validateOpenRouterResponse}, against the OpenAI description (`/v1/chat/completions`, `/v1/models`, ...). */
export function validateOpenAIResponse(
  path: string,
  method: string,
  status: number | string,
  body: unknown,
  options: ResponseValidationOptions = {},
): string[] {
  return validateResponse("openai", { path, method, status }, body, options);
}

function validateRequest(name: ContractName, path: string, method: string, body: unknown): string[] {
  const contract = loadContract(name);
  const { template, operation } = findOperation(contract, path, method);
  const requestBody = isObject(operation.requestBody) ? operation.requestBody : undefined;
  const content = isObject(requestBody?.content) ? requestBody.content["application/json"] : undefined;
  if (!isObject(content) || content.schema === undefined) return [`${method.toUpperCase()} ${template} describes no JSON request body`];
  return run(compile(contract, `request ${method.toLowerCase()} ${template}`, () => content.schema), body);
}

/** Checks a request body (e.g. what a client sends us, or a fixture) against OpenRouter's description. */
export function validateOpenRouterRequest(path: string, method: string, body: unknown): string[] {
  return validateRequest("openrouter", path, method, body);
}

/** Checks a request body against OpenAI's description. */
export function validateOpenAIRequest(path: string, method: string, body: unknown): string[] {
  return validateRequest("openai", path, method, body);
}

function validateSchema(name: ContractName, schemaName: string, body: unknown): string[] {
  const contract = loadContract(name);
  const validator = contract.validators.get(`schema ${schemaName}`) ?? contract.ajv.getSchema(`${contract.schemaId}#/components/schemas/${schemaName}`);
  if (validator === undefined) throw new Error(`${name} contract has no schema named ${schemaName}`);
  contract.validators.set(`schema ${schemaName}`, validator);
  return run(validator, body);
}

/** Checks a value against one of OpenAI's component schemas, e.g. `CreateChatCompletionResponse`, `ErrorResponse`, `ListModelsResponse`. */
export function validateOpenAISchema(schemaName: string, body: unknown): string[] {
  return validateSchema("openai", schemaName, body);
}

/** Checks a value against one of OpenRouter's component schemas, e.g. `Model`, `PublicEndpoint`, `ChatResult`. */
export function validateOpenRouterSchema(schemaName: string, body: unknown): string[] {
  return validateSchema("openrouter", schemaName, body);
}

function assertNoErrors(what: string, errors: string[]): void {
  if (errors.length === 0) return;
  const shown = errors.slice(0, 25).map((error) => `  - ${error}`);
  if (errors.length > shown.length) shown.push(`  … and ${errors.length - shown.length} more`);
  throw new Error(`${what} violates the contract:\n${shown.join("\n")}`);
}

/**
 * Throws (failing the test) when the body violates OpenRouter's description; does nothing but print the skip
 * reason once when the contracts are absent. For tests that assert behaviour and also want contract checks.
 */
export function expectOpenRouterResponse(
  path: string,
  method: string,
  status: number | string,
  body: unknown,
  options: ResponseValidationOptions = {},
): void {
  if (!contractsAvailable()) return;
  assertNoErrors(`${method.toUpperCase()} ${path} ${status}`, validateOpenRouterResponse(path, method, status, body, options));
}

/** Like {@link expectOpenRouterResponse}, against the OpenAI description. */
export function expectOpenAIResponse(
  path: string,
  method: string,
  status: number | string,
  body: unknown,
  options: ResponseValidationOptions = {},
): void {
  if (!contractsAvailable()) return;
  assertNoErrors(`${method.toUpperCase()} ${path} ${status}`, validateOpenAIResponse(path, method, status, body, options));
}

/** Throws when the value violates the named OpenAI component schema; skips (printing why) without contracts. */
export function expectOpenAISchema(schemaName: string, body: unknown): void {
  if (!contractsAvailable()) return;
  assertNoErrors(`OpenAI ${schemaName}`, validateOpenAISchema(schemaName, body));
}

/** Throws when the value violates the named OpenRouter component schema; skips (printing why) without contracts. */
export function expectOpenRouterSchema(schemaName: string, body: unknown): void {
  if (!contractsAvailable()) return;
  assertNoErrors(`OpenRouter ${schemaName}`, validateOpenRouterSchema(schemaName, body));
}
