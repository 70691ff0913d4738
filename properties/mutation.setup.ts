// Budgets for mutation testing (jest.mutation.config.ts): small, fixed seeds.
process.env.RMAPCHECK_SEQ_RUNS ??= "150";
process.env.RMAPCHECK_CONC_RUNS ??= "400";
