import { strict as assert } from "assert";
import {
  effectiveInstruction,
  parseDockerfile,
  parseInstructions,
  substitute,
  targetStage,
  variablesFor,
} from "../../../policy/lib/dockerfile-reader";

describe("policy/lib/dockerfile-reader", () => {
  it("joins continuation lines, skips comments and heredoc bodies", () => {
    const ins = parseInstructions(
      ["FROM a", "RUN echo 1 \\", "  # inner comment", "  && echo 2", "RUN <<EOF", "USER 0", "EOF", "user 1000"].join(
        "\n",
      ),
    );
    assert.deepEqual(
      ins.map((i) => [i.keyword, i.args, i.line]),
      [
        ["FROM", "a", 1],
        ["RUN", "echo 1  && echo 2", 2],
        ["RUN", "<<EOF", 5],
        ["USER", "1000", 8],
      ],
    );
  });

  it("honours the escape directive", () => {
    const ins = parseInstructions(["# escape=`", "FROM a", "RUN dir `", "  c:\\"].join("\n"));
    assert.equal(ins[1].args, "dir  c:\\");
  });

  const df = parseDockerfile(
    [
      "ARG BASE=node:24",
      "FROM --platform=$BUILDPLATFORM ${BASE} AS Deps",
      'ENV A=1 B="two words"',
      "USER 1000",
      "HEALTHCHECK CMD true",
      "FROM deps AS runtime",
      "ARG UID=2000",
      "FROM scratch",
    ].join("\n"),
  );

  it("finds stages by name (case-insensitive) or the last one", () => {
    assert.equal(df.stages.length, 3);
    assert.equal(targetStage(df, "RUNTIME")?.index, 1);
    assert.equal(targetStage(df)?.index, 2);
    assert.equal(targetStage(df, "nope"), undefined);
  });

  it("inherits USER and HEALTHCHECK from the stage it is built FROM, not from unrelated stages", () => {
    assert.equal(effectiveInstruction(df, df.stages[1], "USER")?.args, "1000");
    assert.equal(effectiveInstruction(df, df.stages[1], "HEALTHCHECK")?.args, "CMD true");
    assert.equal(effectiveInstruction(df, df.stages[2], "USER"), undefined);
  });

  it("collects ENV and ARG values, build args overriding defaults", () => {
    const vars = variablesFor(df, df.stages[1], { UID: "3000" });
    assert.equal(vars.get("A"), "1");
    assert.equal(vars.get("B"), "two words");
    assert.equal(vars.get("UID"), "3000");
    assert.equal(variablesFor(df, df.stages[1], {}).get("UID"), "2000");
  });

  it("substitutes $VAR, ${VAR} and ${VAR:-default}, leaving unknown ones", () => {
    const vars = new Map([["U", "10"]]);
    assert.equal(substitute("$U:${U}:${G:-5}:$X", vars), "10:10:5:$X");
  });
});
