/** Two projects: unit specs beside the source (runner faked), e2e against the real app and Docker engine. */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: true }];

module.exports = {
  // Over every file of src/, loaded by a spec or not, so an untested module shows as 0% instead of hiding.
  // A global option: Jest ignores coverage settings inside `projects`.
  collectCoverageFrom: ['<rootDir>/src/**/*.ts', '!<rootDir>/src/**/*.spec.ts', '!<rootDir>/src/**/*.d.ts'],
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      rootDir: '.',
      testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/web/src/**/*.spec.ts', '<rootDir>/clients/**/src/**/*.spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      rootDir: '.',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      // The swarm suite needs the cluster scripts/swarm/up.sh brings up: its own project, `npm run test:swarm`.
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/cluster/'],
      transform: { '^.+\\.ts$': tsJest },
      setupFilesAfterEnv: ['<rootDir>/test/support/e2e-setup.ts'],
    },
    {
      displayName: 'cluster',
      testEnvironment: 'node',
      rootDir: '.',
      testMatch: ['<rootDir>/test/cluster/**/*.e2e-spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
      setupFilesAfterEnv: ['<rootDir>/test/support/e2e-setup.ts'],
    },
  ],
};
