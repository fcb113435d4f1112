// Runs queries through @zeit/cosmosdb-query (the engine of @vercel/cosmosdb-server) for the
// differential tests. Reads {"documents": [...], "cases": [{"sql": ..., "parameters": [...]}]} as JSON on
// stdin; writes one JSON array with, per case, {"result": [...]} or {"error": "..."}.
"use strict";

const query = require("@zeit/cosmosdb-query").default;

function readStdin() {
  return new Promise((resolve, reject) => {
    const chunks = [];
    process.stdin.on("data", (chunk) => chunks.push(chunk));
    process.stdin.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    process.stdin.on("error", reject);
  });
}

readStdin().then((text) => {
  const { documents, cases } = JSON.parse(text);
  const answers = cases.map(({ sql, parameters }) => {
    try {
      const { result } = query(sql).exec(documents, { parameters: parameters || [] });
      return { result };
    } catch (error) {
      return { error: `${error.name}: ${error.message}` };
    }
  });
  process.stdout.write(JSON.stringify(answers));
});
