import "reflect-metadata";
import { writeFileSync } from "node:fs";
import { printSchema } from "graphql";
import { projectPath } from "../config/project-root.js";
import { buildGatewaySchema } from "../graphql/schema.js";
import { createInProcessPubSub } from "../pubsub/in-process-pub-sub.js";
import { isEntryPoint, wantsHelp } from "./entry-point.js";

/** Writes schema/schema.graphql from the type-graphql classes; run by `npm run build`. */
export async function printGatewaySchema(): Promise<string> {
  const pubSub = createInProcessPubSub();
  const schema = await buildGatewaySchema(pubSub);
  await pubSub.close();
  return `${printSchema(schema)}\n`;
}

if (isEntryPoint(import.meta.url) && wantsHelp(process.argv.slice(2))) {
  process.stdout.write("usage: node dist/src/cli/emit-schema.js\n\nWrites schema/schema.graphql from the type-graphql classes (npm run build runs it).\n");
} else if (isEntryPoint(import.meta.url)) {
  const text = await printGatewaySchema();
  writeFileSync(projectPath("schema", "schema.graphql"), text);
  console.log(`wrote schema/schema.graphql (${text.length} bytes)`);
}
