export { e2eEnvironment, E2E_USERS, type E2eEnvironment } from './e2e-environment';
export { waitFor, WaitForTimeoutError, type WaitForOptions } from './wait-for';
