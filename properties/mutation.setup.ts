// Budgets for mutation testing (jest.mutation.config.ts): small, fixed seeds.
process.env.RMAPCHECK_SEQ_RUNS ??= "150";
process.env.RMAPCHECK_CONC_RUNS ??= "400";
process.env.RMAPCHECK_FIND_RUNS ??= "1500";
