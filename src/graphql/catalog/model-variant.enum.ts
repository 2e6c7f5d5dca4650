import { registerEnumType } from "type-graphql";
import type { EndpointVariant } from "../../catalog/catalog-snapshot.js";

/** Which endpoints of a model a listing stands for; `FREE` is listed with the `:free` suffix. */
export enum ModelVariant {
  STANDARD = "standard",
  FREE = "free",
}

registerEnumType(ModelVariant, {
  name: "ModelVariant",
  description: "A model's endpoints are grouped by variant: STANDARD (listed as author/slug) or FREE (author/slug:free, zero prices).",
});

export function toModelVariant(variant: EndpointVariant | string): ModelVariant {
  return variant === "free" ? ModelVariant.FREE : ModelVariant.STANDARD;
}
