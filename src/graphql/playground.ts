import { readFile } from "node:fs/promises";
import type { ApolloServerPlugin } from "@apollo/server";
import type { FastifyInstance } from "fastify";

import { projectPath } from "../config/project-root.js";

/**
 * The GraphiQL IDE's files, served from node_modules so the playground works with no internet. React's UMD
 * builds are not in its package exports, so they are addressed as files rather than resolved as modules.
 */
const ASSETS: Record<string, { module: string; type: string }> = {
  "react.production.min.js": { module: "react/umd/react.production.min.js", type: "text/javascript" },
  "react-dom.production.min.js": { module: "react-dom/umd/react-dom.production.min.js", type: "text/javascript" },
  "graphiql.min.js": { module: "graphiql/graphiql.min.js", type: "text/javascript" },
  "graphiql.min.css": { module: "graphiql/graphiql.min.css", type: "text/css" },
  // graphql-ws's browser build (global `graphqlWs`): the IDE runs subscriptions through it.
  "graphql-ws.min.js": { module: "graphql-ws/umd/graphql-ws.min.js", type: "text/javascript" },
};

export const PLAYGROUND_ASSET_PREFIX = "/graphql/assets/";

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8" />
<title>LLM Gateway · GraphQL</title>
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
<link rel="stylesheet" href="${PLAYGROUND_ASSET_PREFIX}graphiql.min.css" />
</head>
<body>
<div id="graphiql">Loading the GraphQL IDE…</div>
<script src="${PLAYGROUND_ASSET_PREFIX}react.production.min.js"></script>
<script src="${PLAYGROUND_ASSET_PREFIX}react-dom.production.min.js"></script>
<script src="${PLAYGROUND_ASSET_PREFIX}graphiql.min.js"></script>
<script src="${PLAYGROUND_ASSET_PREFIX}graphql-ws.min.js"></script>
<script>
  // The headers editor starts with a blank "Bearer " for the user to complete; until a key is typed in, the
  // header is left out rather than sent as an invalid credential.
  const withoutBlankAuthorization = (input, init) => {
    const headers = new Headers(init && init.headers);
    if (/^Bearer\\s*$/i.test(headers.get("authorization") || "")) headers.delete("authorization");
    return window.fetch(input, Object.assign({}, init, { headers }));
  };
  const httpFetcher = GraphiQL.createFetcher({ url: window.location.origin + "/graphql", fetch: withoutBlankAuthorization });
  // Subscriptions go over graphql-ws on the same path. The socket authenticates once, in connection_init, with
  // the Authorization header of the Headers tab; a changed header opens a new socket.
  const webSocketUrl = (window.location.protocol === "https:" ? "wss://" : "ws://") + window.location.host + "/graphql";
  let socket;
  let socketAuthorization;
  const socketFor = (authorization) => {
    if (socket !== undefined && socketAuthorization === authorization) return socket;
    if (socket !== undefined) socket.dispose();
    socketAuthorization = authorization;
    socket = graphqlWs.createClient({ url: webSocketUrl, lazy: true, retryAttempts: 0, connectionParams: authorization ? { Authorization: authorization } : {} });
    return socket;
  };
  const authorizationOf = (headers) => {
    const entry = Object.entries(headers || {}).find(([name]) => name.toLowerCase() === "authorization");
    return entry === undefined || /^Bearer\\s*$/i.test(String(entry[1])) ? undefined : String(entry[1]);
  };
  const isSubscription = (params, opts) => {
    const definitions = (opts && opts.documentAST && opts.documentAST.definitions) || [];
    const operations = definitions.filter((definition) => definition.kind === "OperationDefinition");
    const chosen = operations.find((operation) => !params.operationName || (operation.name && operation.name.value === params.operationName));
    return chosen !== undefined ? chosen.operation === "subscription" : /^\\s*subscription\\b/m.test(params.query || "");
  };
  const fetcher = (params, opts) => {
    if (!isSubscription(params, opts)) return httpFetcher(params, opts);
    const payload = { query: params.query, variables: params.variables, operationName: params.operationName };
    return socketFor(authorizationOf(opts && opts.headers)).iterate(payload);
  };
  const defaultQuery = "# Set your key in the Headers tab below: {\\"Authorization\\": \\"Bearer sk-...\\"}\\n" +
    "query Models {\\n  models(first: 5, sort: PRICE_LOW_TO_HIGH) {\\n    totalCount\\n    edges { node { id name pricing { prompt completion } } }\\n  }\\n}\\n";
  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(GraphiQL, {
      fetcher,
      defaultQuery,
      defaultEditorToolsVisibility: "headers",
      defaultHeaders: JSON.stringify({ Authorization: "Bearer " }, null, 2),
      shouldPersistHeaders: true,
    }),
  );
</script>
</body>
</html>`;

/**
 * Serves GraphiQL as Apollo's landing page: a browser's `GET /graphql` (Accept: text/html) gets the IDE, with
 * the headers editor open so the Authorization header is one click away.
 */
export function playgroundLandingPagePlugin(): ApolloServerPlugin {
  return {
    async serverWillStart() {
      return {
        async renderLandingPage() {
          return { html: PAGE };
        },
      };
    },
  };
}

/** Registers the static asset route the playground page loads its scripts and styles from. */
export function registerPlaygroundAssets(app: FastifyInstance): void {
  app.get<{ Params: { file: string } }>(`${PLAYGROUND_ASSET_PREFIX}:file`, async (request, reply) => {
    const asset = ASSETS[request.params.file];
    if (asset === undefined) return reply.callNotFound();
    const body = await readFile(projectPath("node_modules", asset.module));
    return reply.type(asset.type).header("cache-control", "public, max-age=86400").send(body);
  });
}
