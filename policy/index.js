// Entry point of the pack as the Pulumi CLI loads it (package.json "main"). @pulumi/pulumi's
// run-policy-pack type-checks every TypeScript file it loads through ts-node (typeCheck: true, ~3-4 s
// at every preview); type checking is `npm run typecheck`'s job, so the pack's TypeScript is loaded
// transpile-only with the project's cached loader instead, exactly as the offline preview loads it.
require("../tools/ts-register.js");
module.exports = require("./index.ts");
// With NODE_COMPILE_CACHE set, Node writes the code it compiled when it exits; the CLI ends the pack
// with a signal, so it never would. Written now, every module loaded so far starts warm next time.
require("module").flushCompileCache?.();
