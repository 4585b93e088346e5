// Flat config: typescript-eslint's recommended rules over every TypeScript file of the program.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  // .engine/ holds the built engine and the local cluster's state (buildkitd's snapshots include whole apps).
  { ignores: ["node_modules/**", "out/**", ".engine/**", "policy/node_modules/**", "test/fixtures/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Plain CommonJS scripts (the TypeScript loader): Node globals, require allowed.
    files: ["**/*.js"],
    languageOptions: { sourceType: "commonjs", globals: globals.node },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
);
