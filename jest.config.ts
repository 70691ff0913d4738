import type { Config } from "jest";

// Property suites run with fixed seeds in CI (see properties/config.ts); the
// timeout is generous because CI machines are noisy, never a speed assertion.
const config: Config = {
  preset: "ts-jest",
  testEnvironment: "node",
  roots: ["<rootDir>/properties"],
  testMatch: ["**/*.test.ts"],
  testTimeout: 600_000,
  // Every core: jest's default leaves one to its main process, which on a
  // 2-core CI machine runs every suite on one worker while a core idles.
  maxWorkers: "100%",
  transform: {
    "^.+\\.ts$": ["ts-jest", { diagnostics: { warnOnly: false } }],
  },
};

export default config;
