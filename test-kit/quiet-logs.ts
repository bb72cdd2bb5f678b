// Jest setup file: apps created in tests log HTTP request lines through pino straight to
// stdout, past jest's console capture. Tests that read logs set LOG_LEVEL and a
// LOG_DESTINATION of their own; child processes get the environment their tests give them.
process.env.LOG_LEVEL ??= 'silent';
