import type { Config } from "jest";
import base from "./jest.config";

// The property suite with small fixed-seed budgets, for Stryker (npm run mutation):
// every surviving mutant is a gap in the properties or an equivalent mutant.
const config: Config = {
  ...base,
  setupFiles: ["<rootDir>/properties/mutation.setup.ts"],
  testPathIgnorePatterns: ["/node_modules/", "mutants.test.ts", "docs.test.ts"],
};

export default config;
