import { registerEnumType } from "type-graphql";
import type { EndpointVariant } from "../../catalog/catalog-snapshot.js";
import { toEndpointVariant } from "../../catalog/catalog-snapshot.js";

/** Which endpoints of a model a listing stands for; every variant but `STANDARD` is listed with its `:variant` suffix. */
export enum ModelVariant {
  STANDARD = "standard",
  FREE = "free",
  ONLINE = "online",
  THINKING = "thinking",
  EXTENDED = "extended",
}

registerEnumType(ModelVariant, {
  name: "ModelVariant",
  description:
    "A model's endpoints are grouped by variant: STANDARD (listed as author/slug), FREE (author/slug:free, zero prices), ONLINE (author/slug:online, web search built in), THINKING (author/slug:thinking, reasoning on by default) or EXTENDED (author/slug:extended, a longer context).",
});

const BY_VARIANT: Record<EndpointVariant, ModelVariant> = {
  standard: ModelVariant.STANDARD,
  free: ModelVariant.FREE,
  online: ModelVariant.ONLINE,
  thinking: ModelVariant.THINKING,
  extended: ModelVariant.EXTENDED,
};

export function toModelVariant(variant: EndpointVariant | string): ModelVariant {
  return BY_VARIANT[toEndpointVariant(variant)];
}
