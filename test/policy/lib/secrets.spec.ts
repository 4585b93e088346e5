import { strict as assert } from "assert";
import { hasUrlCredentials, isSecretName, secretAssignments } from "../../../policy/lib/secrets";

describe("policy/lib/secrets", () => {
  it("recognises secret-like names", () => {
    for (const n of [
      "PASSWORD",
      "REDIS_PASSWORD",
      "api-key",
      "API_KEY",
      "GITHUB_TOKEN",
      "NEXTAUTH_SECRET",
      "requirepass",
      "passwd",
    ]) {
      assert.ok(isSecretName(n), n);
    }
    for (const n of [
      "USERNAME",
      "NODE_ENV",
      "KEYSPACE",
      "monkey",
      "PASSWORD_FILE",
      "bearer_token_file",
      "SECRET_NAME",
      "notify-keyspace-events",
    ]) {
      assert.ok(!isSecretName(n), n);
    }
  });
  it("finds credentials in URLs", () => {
    assert.ok(hasUrlCredentials("redis://:s3cret@redis:6379"));
    assert.ok(hasUrlCredentials("postgres://user:pw@db/x"));
    assert.ok(!hasUrlCredentials("redis://redis:6379"));
    assert.ok(!hasUrlCredentials("http://user@host/"));
  });
  it("finds secret assignments in config files, not references or comments", () => {
    const text = [
      "requirepass hunter2",
      "# requirepass old",
      "maxmemory 100mb",
      "password: ${REDIS_PASSWORD}",
      "token=abc",
      "bearer_token_file: /x",
    ].join("\n");
    assert.deepEqual(secretAssignments(text), ["requirepass", "token"]);
  });
  it("reads `key value` as an assignment only for directives, not prose wrapped in YAML", () => {
    const text = [
      "description: >-",
      "  Redis refuses the exporter (wrong",
      "  password or Redis down).",
      "password hunter2",
      "masterauth hunter2",
    ].join("\n");
    assert.deepEqual(secretAssignments(text), ["masterauth"]);
    assert.deepEqual(secretAssignments("password: hunter2"), ["password"]);
  });
});
