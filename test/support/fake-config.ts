import type { AppConfig } from '../../src/common/config/app-config';

/** An AppConfig for unit specs: only the fields a spec reads need to be given. */
export function fakeConfig(values: Partial<Record<keyof AppConfig, unknown>> = {}): AppConfig {
  return {
    dockerBin: 'docker',
    composeTimeoutMs: 5_000,
    composeProjectsDir: '/srv/projects',
    defaultUserUid: '1000:1000',
    uid: 1000,
    gid: 1000,
    authMaxFailures: 3,
    authWindowMs: 60_000,
    authBackoffMaxMs: 300_000,
    trustedProxies: '',
    allowedOrigins: [],
    auditRotation: { maxBytes: 104_857_600, maxFiles: 10 },
    auditFailureWindowMs: 60_000,
    appUser: 'admin',
    appPass: 'secret',
    isDevelopment: false,
    ...values,
  } as unknown as AppConfig;
}
