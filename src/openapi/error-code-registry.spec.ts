import 'reflect-metadata';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { INestApplication, Type } from '@nestjs/common';
import { ModulesContainer, NestFactory } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { getMetadataStorage } from 'class-validator';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ValidationError } from '../common/errors/app-error';
import { ApiErrors } from '../common/http/api-errors.decorator';
import { derivedCode } from '../common/http/validation-pipe';
import {
  ERROR_CODE_MODULES,
  NOT_ROUTE_ANSWERS,
  README_END,
  README_START,
  registeredCodes,
  renderReadmeCodes,
  withReadmeCodes,
} from './error-code-registry';

const API_RESPONSE = 'swagger/apiResponse';
const LISTED = /^Error codes: (.+)$/;

/** The codes a DTO's validation can answer with, computed as the global validation pipe does. */
function dtoCodes(dto: Type, seen = new Set<Type>()): Set<string> {
  const codes = new Set<string>(['UNKNOWN_FIELD']); // forbidNonWhitelisted: any field the DTO lacks
  if (seen.has(dto)) return codes;
  seen.add(dto);
  for (const meta of getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false)) {
    if (meta.type === 'conditionalValidation' || meta.type === 'whitelistValidation') continue;
    const context = meta.context as { code?: string } | undefined;
    codes.add(context?.code ?? derivedCode(meta.propertyName));
    if (meta.type === 'nestedValidation') {
      const nested = defaultMetadataStorage.findTypeMetadata(dto, meta.propertyName)?.typeFunction() as
        Type | undefined;
      if (nested) for (const code of dtoCodes(nested, seen)) codes.add(code);
    }
  }
  return codes;
}

function listedCodes(description: string | undefined): string[] {
  const listed = LISTED.exec(description ?? '')?.[1];
  return listed ? listed.split(',').map((c) => c.trim()) : [];
}

interface Route {
  name: string;
  documented400: string[];
  dtos: Type[];
}

/** Every controller route with the DTOs its @Body/@Query take and the 400 codes its decorators document. */
function routesOf(app: INestApplication): Route[] {
  const routes: Route[] = [];
  for (const mod of app.get(ModulesContainer).values()) {
    for (const wrapper of mod.controllers.values()) {
      const controller = wrapper.metatype as Type;
      const proto = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const handler = proto[name];
        if (typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
        if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {}) as Record<
          string,
          { index: number }
        >;
        const types = (Reflect.getMetadata('design:paramtypes', proto, name) ?? []) as Type[];
        const dtos = Object.entries(args)
          .filter(([key]) => [RouteParamtypes.BODY, RouteParamtypes.QUERY].includes(Number(key.split(':')[0])))
          .map(([, arg]) => types[arg.index])
          .filter(
            (t): t is Type =>
              t !== undefined && getMetadataStorage().getTargetValidationMetadatas(t, '', true, false).length > 0,
          );
        const responses = (Reflect.getMetadata(API_RESPONSE, handler) ?? {}) as Record<
          string,
          { description?: string }
        >;
        routes.push({
          name: `${controller.name}.${name}`,
          documented400: listedCodes(responses['400']?.description),
          dtos,
        });
      }
    }
  }
  return routes;
}

function undocumentedDtoCodes(routes: Route[]): string[] {
  const missing = new Set<string>();
  for (const route of routes) {
    for (const dto of route.dtos) {
      for (const code of dtoCodes(dto)) {
        if (!route.documented400.includes(code)) missing.add(`${route.name} (${dto.name}): ${code}`);
      }
    }
  }
  return [...missing];
}

function documentedCodes(document: OpenAPIObject): Set<string> {
  const codes = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    const code = (record.properties as { code?: { enum?: unknown } } | undefined)?.code;
    if (Array.isArray(code?.enum)) for (const c of code.enum) codes.add(String(c));
    Object.values(record).forEach(visit);
  };
  visit(document.paths);
  return codes;
}

/**
 * Files other work is rewriting now, left with their (type-checked) literal codes to keep that merge
 * simple; each literal still has to be a registered code to compile. Convert and drop them here.
 */
const LITERALS_PENDING = new Set([
  'terminal/terminal-upgrade.ts',
  'terminal/terminal-upgrade-router.ts',
  'terminal/process-factory.ts',
  'files/download.service.ts',
]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

describe('error-code registry', () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'cm-codes-'));
  let app: INestApplication;
  let document: OpenAPIObject;

  beforeAll(async () => {
    Object.assign(process.env, {
      ENV_FILE: path.join(scratch, 'none.env'),
      APP_USER: 'codes',
      APP_PASS: 'error-code-registry-spec',
      COMPOSE_PROJECTS_DIR: path.join(scratch, 'projects'),
      LOG_DIR: path.join(scratch, 'logs'),
      STATE_DIR: path.join(scratch, 'state'),
    });
    const { AppModule } = await import('../app.module');
    const { buildOpenApiDocument } = await import('./openapi-document');
    app = await NestFactory.create(AppModule, { logger: false, bodyParser: false });
    document = buildOpenApiDocument(app);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('holds each code once, in SCREAMING_SNAKE, in exactly one module', () => {
    const all = registeredCodes();
    expect(all.length).toBeGreaterThan(100);
    const owners = new Map<string, string[]>();
    for (const { module, code } of all) owners.set(code, [...(owners.get(code) ?? []), module]);
    expect([...owners].filter(([, mods]) => mods.length > 1)).toEqual([]);
    expect(all.filter(({ code }) => !/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/.test(code))).toEqual([]);
    for (const [module, codes] of Object.entries(ERROR_CODE_MODULES)) {
      for (const [key, value] of Object.entries(codes)) expect(`${module}.${key}`).toBe(`${module}.${value as string}`);
    }
  });

  it('documents every code a route can answer with on some route, and none that no route answers with', () => {
    const documented = documentedCodes(document);
    const registered = new Set(registeredCodes().map((c) => c.code as string));
    expect([...documented].filter((code) => !registered.has(code))).toEqual([]);
    const exempt = new Set(Object.keys(NOT_ROUTE_ANSWERS));
    expect([...exempt].filter((code) => !registered.has(code))).toEqual([]);
    expect([...registered].filter((code) => !exempt.has(code) && !documented.has(code))).toEqual([]);
    expect([...exempt].filter((code) => documented.has(code))).toEqual([]);
  });

  it("lists every code a route's DTOs can fail with among the route's documented 400 codes", () => {
    const routes = routesOf(app);
    expect(routes.filter((r) => r.dtos.length > 0).length).toBeGreaterThan(10);
    const registered = new Set(registeredCodes().map((c) => c.code as string));
    const unregistered = routes
      .flatMap((r) => r.dtos.flatMap((d) => [...dtoCodes(d)]))
      .filter((c) => !registered.has(c));
    expect(unregistered).toEqual([]);
    expect(undocumentedDtoCodes(routes)).toEqual([]);
  });

  it('finds a DTO code a route does not document (the check can fail)', () => {
    const stop = routesOf(app).find((r) => r.name === 'LifecycleController.stop');
    expect(stop?.dtos.map((d) => d.name)).toEqual(['StopQueryDto', 'StopQueryDto']);
    expect(undocumentedDtoCodes([{ ...stop!, documented400: ['INVALID_TIMEOUT'] }])).toEqual([
      'LifecycleController.stop (StopQueryDto): UNKNOWN_FIELD',
    ]);
  });

  it("leaves no code as a bare string in src/: raising sites use their module's constants", () => {
    const registered = new Set(registeredCodes().map((c) => c.code as string));
    const bare: string[] = [];
    for (const file of sourceFiles(path.resolve(__dirname, '..'))) {
      const rel = path.relative(path.resolve(__dirname, '..'), file);
      if (/(\.spec|\.d)\.ts$|errors\.ts$|error-codes\.ts$/.test(rel) || LITERALS_PENDING.has(rel)) continue;
      // A schema's `example:` shows a code, it raises none.
      const text = readFileSync(file, 'utf8').replace(/example: '[A-Z0-9_]+'/g, '');
      for (const [, code] of text.matchAll(/['"`]([A-Z][A-Z0-9_]*)['"`]/g)) {
        if (registered.has(code!)) bare.push(`${rel}: ${code}`);
      }
    }
    expect(bare).toEqual([]);
  });

  it('does not compile a code no module registered (tsc checks the @ts-expect-error lines)', () => {
    // @ts-expect-error 'NO_SUCH_CODE' is in no module's errorCodes(...)
    const err = new ValidationError('NO_SUCH_CODE', 'never raised');
    // @ts-expect-error nor may a route document one
    const decorator = ApiErrors({ 400: ['NO_SUCH_CODE'] });
    expect([err.code, typeof decorator]).toEqual(['NO_SUCH_CODE', 'function']);
  });

  it("keeps the README's code list as the registry renders it (npm run docs:error-codes rewrites it)", () => {
    const readme = readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
    expect(readme.split(README_START).length).toBe(2);
    expect(readme.split(README_END).length).toBe(2);
    expect(withReadmeCodes(readme)).toBe(readme);
    expect(renderReadmeCodes()).toContain('`PATH_OUTSIDE_MOUNT`');
  });
});
