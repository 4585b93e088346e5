// bench:e2e's floor: what the SDK costs a preview for any Node.js pack (its start, then a Remediate and an
// Analyze call per resource). Plain JavaScript, like policy/index.js, and it writes Node's compile cache
// the same way (the CLI kills packs, so Node never writes it at exit).
"use strict";
const { PolicyPack } = require("@pulumi/policy");

new PolicyPack("moontv-empty-pack", {
  policies: [
    {
      name: "nothing",
      description: "Checks nothing.",
      enforcementLevel: "advisory",
      validateResource: () => {},
    },
  ],
});
require("module").flushCompileCache?.();
