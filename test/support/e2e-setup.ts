// Real containers take seconds to create and start; the default 5 s would make e2e tests flaky.
jest.setTimeout(120_000);
