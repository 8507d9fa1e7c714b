import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { documentWriteRefusals } from '../common/http/write-refusals-doc';
import { documentCluster } from './cluster-doc';
import { documentErrorCodes } from './error-codes-doc';
import { operationIdOf } from './operation-ids';
import { documentTerminal } from './terminal-doc';

/**
 * The document `GET /openapi.json` serves and the TypeScript client is generated from. Built from the
 * controllers' decorators, then completed with what lives outside any controller: the write refusals
 * of the express middleware, cluster mode's fields and codes, the error codes as schema enums, and the WebSocket terminal.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Container Manager')
    .setDescription(
      'Run and drive Docker Compose v2 containers over REST and WebSocket. Every error answer has the ' +
        'schema `ErrorBodyDto`; each operation lists the stable `code` values it can answer with.',
    )
    .setVersion('1')
    .setLicense('UNLICENSED', 'https://spdx.org/licenses/')
    .addServer('/', 'This service (same origin as the document)')
    .addBasicAuth()
    .addSecurityRequirements('basic')
    .build();
  const document = SwaggerModule.createDocument(app, config, { operationIdFactory: operationIdOf });
  return documentTerminal(documentErrorCodes(documentCluster(documentWriteRefusals(document))));
}
