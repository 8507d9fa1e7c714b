import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Audit } from '../audit/audit.decorator';
import { NotFoundError } from '../common/errors/app-error';
import { ConsoleAssets } from './console-assets';
import { setConsoleHeaders } from './console-headers';
import { CommonErrorCode } from '../common/errors/error-codes';
import { ConsoleErrorCode } from './console.errors';

/**
 * Serves the built browser console: the page at `/`, its files under `/console/`. The console's own
 * routes live in the URL fragment (`/#/containers/<cuid>`), so it never claims an API path and an
 * unknown path still gets the API's 404.
 */
@ApiExcludeController()
@Controller()
export class ConsoleController {
  constructor(private readonly assets: ConsoleAssets) {}

  @Get()
  @Audit('console.page')
  page(@Res() res: Response): void {
    this.send(res, 'index.html', 'no-cache');
  }

  @Get('console/:name')
  @Audit('console.asset')
  asset(@Param('name') name: string, @Res() res: Response): void {
    if (name === 'index.html') throw notFound();
    this.send(res, name, 'immutable');
  }

  private send(res: Response, name: string, cache: 'no-cache' | 'immutable'): void {
    const asset = this.assets.get(name);
    if (!asset) {
      throw this.assets.built
        ? notFound()
        : new NotFoundError(ConsoleErrorCode.CONSOLE_NOT_BUILT, 'The console is not built: run npm run build');
    }
    setConsoleHeaders(res, cache);
    res.type(asset.type).send(asset.body);
  }
}

function notFound(): NotFoundError {
  return new NotFoundError(CommonErrorCode.ROUTE_NOT_FOUND, 'No such route');
}
