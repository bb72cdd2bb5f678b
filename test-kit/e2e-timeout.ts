// e2e tests wait on a real local cloud (with their own deadlines inside, via waitFor).
jest.setTimeout(60_000);
