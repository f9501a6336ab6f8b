// Lint that keeps the layout honest: config/ (the domain model) → program/ (composition) → components/ (one
// ComponentResource per concern). typescript-eslint's type-aware rules catch floating promises; import-x finds
// import circles; the boundary zones forbid the arrows that would turn the picture upside down.
import tseslint from "typescript-eslint";
import importX from "eslint-plugin-import-x";

export default tseslint.config(
  {
    ignores: ["node_modules/**", "out/**", ".bench/**", "**/node_modules/**", "**/*.cjs", "**/*.js", "**/*.mjs"],
  },
  {
    files: ["**/*.ts", "**/*.mts"],
    extends: [tseslint.configs.base],
    plugins: { "import-x": importX },
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    settings: {
      "import-x/resolver": { node: { extensions: [".ts", ".mts", ".js"] } },
      "import-x/extensions": [".ts", ".mts"],
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "no-shadow-restricted-names": "error",
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
      "import-x/no-restricted-paths": [
        "error",
        {
          zones: [
            {
              target: "./components",
              from: ["./program", "./tools", "./packages", "./index.ts"],
              message: "components/ never imports the composition (program/) or the tools",
            },
            {
              target: "./config",
              from: ["./components", "./program", "./tools", "./packages", "./policies", "./index.ts"],
              message: "config/ is the domain model: it imports nothing of the project's",
            },
            {
              target: "./packages",
              from: ["./config", "./program", "./components", "./tools", "./policies", "./index.ts"],
              message: "packages/ know nothing about this platform",
            },
          ],
        },
      ],
    },
  },
);
