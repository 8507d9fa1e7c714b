/**
 * The framework's own floor for `GET /containers` (prints figures; not a test):
 *   npx ts-node --transpile-only bench/framework-floor.ts [--seconds 5] [--rounds 3]
 * Needs wrk (`bash scripts/provision-docker.sh bench`); no Docker. Each server answers a fixed,
 * pre-serialised page of 50 containers (what the listing sends, memoised) on loopback, in a process of
 * its own, under the listing bench's load (`wrk -t2 -c16`), servers alternating, median of the rounds:
 * plain node:http, Express 5, and Nest 11 on Express with one global guard and 0, 1 or 5 global
 * no-op interceptors. It tells how much of the listing's target the stack leaves to the service's own
 * work (lifecycle-bench.ts measures the service itself).
 */
import 'reflect-metadata';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { CanActivate, Controller, Get, Header, Injectable, Module, NestInterceptor } from '@nestjs/common';
import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR, NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import type { Observable } from 'rxjs';
import { parseWrk } from './wrk';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SERVERS = ['node:http', 'express', 'nest, 0 interceptors', 'nest, 1 interceptor', 'nest, 5 interceptors'];

const PAGE = JSON.stringify({
  containers: Array.from({ length: 50 }, (_, i) => ({
    cuid: `c${String(i).padStart(24, '0')}`,
    name: `bench-${i}`,
    image: 'cm-test-python:bookworm',
    status: 'created',
    env: { MODE: 'bench' },
    tags: { team: 'bench' },
    resources: { cpus: 1, memory_mb: 256, pids: 256 },
    ports: [],
    created_at: '2026-12-07T12:00:00.000Z',
    ttl_s: null,
    expires_at: null,
    idle_stop_s: null,
    idle_stop_at: null,
  })),
  next_cursor: 'bench',
});

@Controller('containers')
class PageController {
  @Get()
  @Header('Content-Type', 'application/json; charset=utf-8')
  list(): string {
    return PAGE;
  }
}

@Injectable()
class PassGuard implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

@Injectable()
class PassInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle();
  }
}

async function serve(kind: string): Promise<number> {
  if (kind === 'node:http') {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
      res.end(PAGE);
    }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    return (server.address() as AddressInfo).port;
  }
  if (kind === 'express') {
    const app = express();
    app.disable('x-powered-by');
    app.set('etag', false);
    app.get('/containers', (_req, res) => {
      res.type('json').send(PAGE);
    });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return (server.address() as AddressInfo).port;
  }
  const interceptors = Number(/(\d+) interceptor/.exec(kind)?.[1] ?? 0);
  // One class per interceptor: Nest keeps one instance per provider class, as the service has five.
  const providers = [
    { provide: APP_GUARD, useClass: PassGuard },
    ...Array.from({ length: interceptors }, () => ({
      provide: APP_INTERCEPTOR,
      useClass: class extends PassInterceptor {},
    })),
  ];
  @Module({ controllers: [PageController], providers })
  class FloorModule {}
  const app = await NestFactory.create<NestExpressApplication>(FloorModule, { logger: false });
  app.disable('x-powered-by');
  app.set('etag', false);
  await app.listen(0, '127.0.0.1');
  return (app.getHttpServer().address() as AddressInfo).port;
}

async function measure(kind: string, seconds: number) {
  const child = spawn(process.execPath, [...process.execArgv, __filename, '--serve', kind], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const [line] = (await once(child.stdout, 'data')) as [Buffer];
    const port = Number(line.toString().trim());
    const url = `http://127.0.0.1:${port}/containers`;
    await promisify(execFile)('wrk', ['-t1', '-c4', '-d1s', url]); // warm the JIT
    const { stdout } = await promisify(execFile)('wrk', ['-t2', '-c16', `-d${seconds}s`, '--latency', url]);
    return parseWrk(stdout);
  } finally {
    child.kill();
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function main(): Promise<void> {
  const serveAt = process.argv.indexOf('--serve');
  if (serveAt > 0) {
    process.stdout.write(`${await serve(process.argv[serveAt + 1] ?? '')}\n`);
    return;
  }
  const seconds = arg('seconds', 5);
  const rounds = arg('rounds', 3);
  const results = new Map<string, { p50: number; rps: number }[]>(SERVERS.map((s) => [s, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? SERVERS : [...SERVERS].reverse();
    for (const kind of order) {
      const r = await measure(kind, seconds);
      if (r.errors) console.log(`  ${kind}, round ${round + 1}: ${r.errors}`);
      results.get(kind)!.push(r);
    }
  }
  console.log(
    `\nGET /containers, a fixed ${PAGE.length}-byte page, wrk -t2 -c16, ${seconds} s × ${rounds} rounds (medians):`,
  );
  console.log('| server | p50 | requests/s |');
  console.log('| --- | --- | --- |');
  for (const [kind, rs] of results) {
    console.log(
      `| ${kind} | ${median(rs.map((r) => r.p50)).toFixed(2)} ms | ${median(rs.map((r) => r.rps)).toFixed(0)} |`,
    );
  }
}

void main();
