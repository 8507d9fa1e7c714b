import type { OpenAPIObject } from '@nestjs/swagger';
import type {
  OperationObject,
  ParameterObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { SIGNAL_NAMES } from '../terminal/signals';
import { MAX_COLS, MAX_ROWS, OUTPUT_FORMATS, TERMINAL_MODES } from '../terminal/terminal-query';
import { codeList, describeCodes } from '../common/http/api-errors.decorator';
import { errorSchema } from './error-codes-doc';
import { CommonErrorCode, type ErrorCode } from '../common/errors/error-codes';
import { ContainersErrorCode } from '../containers/containers.errors';
import { TerminalErrorCode } from '../terminal/terminal-errors';

const PROTOCOL = `Upgrades to a WebSocket (same Basic credentials, \`Authorization\` header). The container must be running.

After the upgrade every message is one JSON text frame, except output with \`output=binary\`: then each
chunk of output is one binary message, its first byte the stream (1 stdout, 2 stderr, as Docker numbers
them), the rest the raw bytes; \`exit\` and \`error\` stay JSON text.

- Client → server: \`TerminalClientFrame\`: \`{"type":"stdin","data","encoding":"utf8"|"base64"}\`,
  \`{"type":"resize","cols","rows"}\`, \`{"type":"signal","name":"INT"}\` (delivered inside the container to the
  foreground job; in \`attach\` to boot.py), \`{"type":"close"}\` (in \`attach\` it only detaches).
- Server → client: \`TerminalServerFrame\`: \`{"type":"stdout"|"stderr","data","encoding"}\` (utf8 whenever the
  bytes are valid UTF-8, never splitting a character; base64 otherwise; on a pty stderr is merged into stdout),
  \`{"type":"exit","code"}\` after the last output, then close (1000) once the session's processes are gone, and
  \`{"type":"error","error":{…ErrorBodyDto…}}\` (e.g. \`INVALID_JSON\` for a bad frame: the session goes on).

Close codes: 1000 normal, 1001 shutdown, 1013 session limit, 1009 frame over 1 MiB. A refused upgrade is a
plain HTTP answer with the error schema, before any socket exists. The 101 answer's body schema below is the
server's frame; the client's frame is \`x-client-frame\` (OpenAPI has no notion of messages after an upgrade).`;

const SERVER_FRAME: SchemaObject = {
  description: 'One JSON text frame from the server',
  oneOf: [
    {
      type: 'object',
      required: ['type', 'data', 'encoding'],
      properties: {
        type: { type: 'string', enum: ['stdout', 'stderr'] },
        data: { type: 'string' },
        encoding: { type: 'string', enum: ['utf8', 'base64'] },
      },
    },
    {
      type: 'object',
      required: ['type', 'code'],
      properties: { type: { type: 'string', enum: ['exit'] }, code: { type: 'integer' } },
    },
    {
      type: 'object',
      required: ['type', 'error'],
      properties: { type: { type: 'string', enum: ['error'] }, error: { $ref: '#/components/schemas/ErrorBodyDto' } },
    },
  ],
};

const CLIENT_FRAME: SchemaObject = {
  description: 'One JSON text frame from the client',
  oneOf: [
    {
      type: 'object',
      required: ['type', 'data'],
      properties: {
        type: { type: 'string', enum: ['stdin'] },
        data: { type: 'string' },
        encoding: { type: 'string', enum: ['utf8', 'base64'], default: 'utf8' },
      },
    },
    {
      type: 'object',
      required: ['type', 'cols', 'rows'],
      properties: {
        type: { type: 'string', enum: ['resize'] },
        cols: { type: 'integer', minimum: 1, maximum: MAX_COLS },
        rows: { type: 'integer', minimum: 1, maximum: MAX_ROWS },
      },
    },
    {
      type: 'object',
      required: ['type', 'name'],
      properties: { type: { type: 'string', enum: ['signal'] }, name: { type: 'string', enum: [...SIGNAL_NAMES] } },
    },
    { type: 'object', required: ['type'], properties: { type: { type: 'string', enum: ['close'] } } },
  ],
};

const query = (name: string, schema: SchemaObject, description: string): ParameterObject => ({
  name,
  in: 'query',
  required: false,
  schema,
  description,
});

const PARAMETERS: ParameterObject[] = [
  { name: 'cuid', in: 'path', required: true, schema: { type: 'string' } },
  query(
    'mode',
    { type: 'string', enum: [...TERMINAL_MODES], default: 'shell' },
    '`shell`: an interactive shell on a pty; `attach`: boot.py (recent output, then live; ends with its exit ' +
      'code); `exec`: runs `cmd` with `sh -c` and ends with its exit code',
  ),
  query('cmd', { type: 'string', maxLength: 16384 }, 'The command of `exec` (`cmd` alone implies `mode=exec`)'),
  query('cols', { type: 'integer', minimum: 1, maximum: MAX_COLS, default: 80 }, 'Initial width'),
  query('rows', { type: 'integer', minimum: 1, maximum: MAX_ROWS, default: 24 }, 'Initial height'),
  query('tail', { type: 'integer', minimum: 0, maximum: 10000, default: 100 }, '`attach`: past lines to replay'),
  query(
    'tty',
    { type: 'string', enum: ['true', 'false'], default: 'true' },
    '`exec` only: `false` runs without a pty (byte-exact output, stdout and stderr apart)',
  ),
  query(
    'output',
    { type: 'string', enum: [...OUTPUT_FORMATS], default: 'json' },
    '`binary`: output as binary messages (a stream byte, 1 stdout or 2 stderr, then the raw bytes); ' +
      'no UTF-8 check, no JSON text: the fastest way to move bulk output',
  ),
];

const refusal = (codes: ErrorCode | readonly ErrorCode[]) => ({
  description: describeCodes(codes),
  content: { 'application/json': { schema: errorSchema(codeList(codes).join(', ')) } },
});

/**
 * The terminal is a WebSocket, not a Nest route, so nothing in the controllers describes it. It is
 * added as the GET that it is (an upgrade), with the frames as component schemas.
 */
export function documentTerminal(document: OpenAPIObject): OpenAPIObject {
  const schemas = (document.components ??= {}).schemas ?? (document.components.schemas = {});
  schemas.TerminalServerFrame = SERVER_FRAME;
  schemas.TerminalClientFrame = CLIENT_FRAME;
  document.paths['/ws/{cuid}'] = {
    get: <OperationObject>{
      operationId: 'openTerminal',
      summary: 'Open a terminal on a running container (WebSocket: shell, attach to boot.py, or exec)',
      description: PROTOCOL,
      tags: ['terminal'],
      parameters: PARAMETERS,
      'x-client-frame': { $ref: '#/components/schemas/TerminalClientFrame' },
      responses: {
        '101': {
          description: 'Switching Protocols: the socket is open; frames as described above',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/TerminalServerFrame' } } },
        },
        '400': refusal([
          TerminalErrorCode.INVALID_MODE,
          TerminalErrorCode.INVALID_TTY,
          TerminalErrorCode.INVALID_OUTPUT_FORMAT,
          TerminalErrorCode.TTY_REQUIRES_EXEC_MODE,
          TerminalErrorCode.INVALID_TERMINAL_SIZE,
          TerminalErrorCode.CMD_REQUIRES_EXEC_MODE,
          TerminalErrorCode.MISSING_CMD,
          TerminalErrorCode.CMD_TOO_LONG,
          TerminalErrorCode.INVALID_CMD,
        ]),
        '401': refusal([CommonErrorCode.AUTH_REQUIRED, CommonErrorCode.INVALID_CREDENTIALS]),
        '403': refusal(CommonErrorCode.ORIGIN_NOT_ALLOWED),
        '404': refusal(ContainersErrorCode.CONTAINER_NOT_FOUND),
        '429': refusal(CommonErrorCode.TOO_MANY_ATTEMPTS),
        '431': refusal(TerminalErrorCode.TOO_MANY_HEADERS),
      },
    },
  };
  return document;
}
