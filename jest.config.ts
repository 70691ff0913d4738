import type { Config } from "jest";

// Property suites run with fixed seeds in CI (see properties/config.ts); the
// timeout is generous because CI machines are noisy, never a speed assertion.
const config: Config = {
  preset: "ts-jest",
  testEnvironment: "node",
  roots: ["<rootDir>/properties"],
  testMatch: ["**/*.test.ts"],
  testTimeout: 600_000,
  transform: {
    "^.+\\.ts$": ["ts-jest", { diagnostics: { warnOnly: false } }],
  },
};

export default config;
