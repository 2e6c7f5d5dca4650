import { registerEnumType } from "type-graphql";
import type { ModelListSort } from "../../catalog/model-query.js";

/** Orders of `models`; the values are `listModels`' sort names, so no mapping table can drift. */
export enum ModelSort {
  PRICE_LOW_TO_HIGH = "price_low_to_high",
  PRICE_HIGH_TO_LOW = "price_high_to_low",
  CONTEXT_HIGH_TO_LOW = "context_high_to_low",
  NEWEST = "newest",
  NAME = "name",
}

/** Compile-time check that every GraphQL sort is a query sort and back. */
const sameSorts: [`${ModelSort}`] extends [ModelListSort] ? ([ModelListSort] extends [`${ModelSort}`] ? true : never) : never = true;
void sameSorts;

registerEnumType(ModelSort, {
  name: "ModelSort",
  description: "How to order models; ties are broken by model id, so pages never overlap.",
  valuesConfig: {
    PRICE_LOW_TO_HIGH: { description: "Top endpoint's prompt + completion price per token, cheapest first." },
    PRICE_HIGH_TO_LOW: { description: "Top endpoint's prompt + completion price per token, dearest first." },
    CONTEXT_HIGH_TO_LOW: { description: "Longest context first." },
    NEWEST: { description: "Latest release first (the default)." },
    NAME: { description: "Display name, A to Z." },
  },
});
