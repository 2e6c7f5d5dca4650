import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { printGatewaySchema } from "../../src/cli/emit-schema.js";
import { projectPath } from "../../src/config/project-root.js";

/**
 * `schema/schema.graphql` is the committed contract of the GraphQL API, emitted by `npm run build`. This fails
 * when a resolver or type changed without regenerating it, so the schema diff shows up in review.
 */
describe("schema/schema.graphql", () => {
  it("matches the schema the code builds (run `npm run build` and commit the file when this fails)", async () => {
    const committed = readFileSync(projectPath("schema", "schema.graphql"), "utf8");
    expect(await printGatewaySchema()).toBe(committed);
  });

  it("carries the catalog surface with exact decimals, never Float prices", async () => {
    const schema = await printGatewaySchema();
    expect(schema).toContain("scalar Decimal");
    const models = /\n {2}models\(([^)]*)\): ModelConnection!/.exec(schema)?.[1] ?? "";
    for (const argument of ["after: String", "filter: ModelFilter", "first: Int = 20", "sort: ModelSort"]) expect(models).toContain(argument);
    expect(schema).toMatch(/model\(id: String!\): Model\n/);
    expect(schema).toMatch(/providers: \[Provider!\]!/);
    const pricing = /type Pricing \{[^}]*\}/.exec(schema)?.[0] ?? "";
    expect(pricing).toContain("promptPerMillion: Decimal!");
    expect(pricing).not.toContain("Float");
  });
});
