import { createOpenAIChatModelFactory } from "../openai/openai-chat-model.js";
import type { LanguageModelFactory } from "../shared/provider-settings.js";
import { OPENAI_COMPATIBLE_VENDORS, type OpenAICompatibleVendor } from "./vendors.js";

/**
 * The OpenAI adapter, configured for one compatible vendor: same wire format, the vendor's quirks taken from
 * its dialect in `vendors.ts`.
 */
export function createOpenAICompatibleModelFactory(vendor: OpenAICompatibleVendor): LanguageModelFactory {
  return createOpenAIChatModelFactory(vendor.dialect);
}

/** The vendor with this slug, or `undefined`. */
export function findOpenAICompatibleVendor(slug: string): OpenAICompatibleVendor | undefined {
  return OPENAI_COMPATIBLE_VENDORS.find((vendor) => vendor.slug === slug);
}
