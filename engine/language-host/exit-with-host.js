// Preloaded (`node -r`) into every program and plugin the language host starts: exits when the host that
// started it is gone (reparented), as a child of Pulumi's own host dies with it. A host killed with
// SIGKILL cannot kill its children itself, and a program left running keeps waiting on an engine that
// is gone.
"use strict";
const host = process.ppid;
setInterval(() => {
  if (process.ppid !== host) process.exit(1);
}, 500).unref();
