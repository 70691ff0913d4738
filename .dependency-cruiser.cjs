/**
 * The layering rules of docs/architecture.md, enforced by `npm run lint:deps`
 * (part of `npm test`). A broken rule fails with the rule's name.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "engine-knows-no-kernel",
      comment: "runtime/ is the interleaving engine: it imports nothing outside runtime/ (and Node's own modules).",
      severity: "error",
      from: { path: "^runtime/" },
      to: { pathNot: ["^runtime/", "^node:", "^(fs|path|os|util|worker_threads)$"], dependencyTypesNot: ["core"] },
    },
    {
      name: "model-is-pure",
      comment: "model/ is the reference model: it imports only model/ (never the implementation it judges, the engine or the checker).",
      severity: "error",
      from: { path: "^model/" },
      to: { pathNot: "^model/" },
    },
    {
      name: "impl-is-the-kernel",
      comment: "impl/ mirrors the kernel: it runs on the engine (runtime/) and imports nothing of the model, the checker, the CLI, the bench or the tests.",
      severity: "error",
      from: { path: "^impl/" },
      to: { path: "^(model|checker|cli|bench|properties)/" },
    },
    {
      name: "checker-is-below-its-users",
      comment: "checker/ imports no CLI, bench or test code.",
      severity: "error",
      from: { path: "^checker/" },
      to: { path: "^(cli|bench|properties)/" },
    },
    {
      name: "cli-through-the-entry-point",
      comment: "cli/ talks to the checker only through checker/index.ts.",
      severity: "error",
      from: { path: "^cli/" },
      to: { path: "^(runtime|impl|model|properties|bench)/|^checker/(?!index\\.ts$)" },
    },
    {
      name: "bench-through-the-entry-point",
      comment: "bench/ talks to the checker only through checker/index.ts.",
      severity: "error",
      from: { path: "^bench/" },
      to: { path: "^(runtime|impl|model|properties|cli)/|^checker/(?!index\\.ts$)" },
    },
    {
      name: "no-circular",
      comment: "No import cycles at run time (a type-only import, such as impl/kvm.ts naming the Symbols type, is not one).",
      severity: "error",
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "node_modules|^\\.stryker|^reports" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    moduleSystems: ["cjs", "es6"],
  },
};
