import type { NonEmptyArray } from "type-graphql";
import { CatalogUpdatedResolver } from "./catalog/catalog-updated.resolver.js";

/** Every resolver class of the schema; a feature folder adds its resolvers here. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const resolvers: NonEmptyArray<Function> = [CatalogUpdatedResolver];
