import { projectPath } from "../config/project-root.js";

/**
 * Where `npm run build` puts the dashboard's bundle and where `GET /dashboard/assets/*` reads it from. Its own
 * file so that the server imports the path without importing esbuild, a build-time tool.
 */
export const DASHBOARD_BUNDLE_DIR = projectPath("dist", "dashboard-assets");
