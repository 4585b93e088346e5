// test/e2e/support/images.ts imports the fixture by this path; it lives in test/support/registry-fixture.ts.
export * from "../../support/registry-fixture";
