/** Root hooks of `npm run test:e2e`: the local control plane is up for the whole run. */
import { ensureCluster, releaseCluster } from "./support/engine";

export const mochaHooks = {
  beforeAll(this: Mocha.Context) {
    this.timeout(300_000);
    ensureCluster();
  },
  afterAll(this: Mocha.Context) {
    this.timeout(120_000);
    releaseCluster();
  },
};
