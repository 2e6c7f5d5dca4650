import { build } from "esbuild";
import { projectPath } from "../config/project-root.js";
import { DASHBOARD_BUNDLE_DIR } from "./build-dashboard-paths.js";
import { isEntryPoint, wantsHelp } from "./entry-point.js";

/**
 * Bundles the dashboard (dashboard/src, vanilla TypeScript with uPlot and graphql-ws's client) into one
 * script and one stylesheet, minified, with no reference to any other origin: the page works offline. esbuild
 * is a build-time tool only; the server never loads it.
 */
export async function buildDashboard(outDir: string = DASHBOARD_BUNDLE_DIR): Promise<{ files: string[] }> {
  const result = await build({
    entryPoints: { dashboard: projectPath("dashboard", "src", "main.ts") },
    outdir: outDir,
    bundle: true,
    minify: true,
    format: "esm",
    target: ["es2022"],
    platform: "browser",
    legalComments: "external",
    metafile: true,
    logLevel: "warning",
  });
  return { files: Object.keys(result.metafile.outputs) };
}

if (isEntryPoint(import.meta.url) && wantsHelp(process.argv.slice(2))) {
  process.stdout.write("usage: node dist/src/cli/build-dashboard.js\n\nBundles dashboard/src into dist/dashboard-assets (npm run build runs it).\n");
} else if (isEntryPoint(import.meta.url)) {
  const { files } = await buildDashboard();
  console.log(`wrote ${files.join(", ")}`);
}
