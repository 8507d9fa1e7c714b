/**
 * Routes name their operationId in `@ApiOperation`; this is only the fallback for a route that does
 * not, and it still reads as a method name (`EventsController.stream` → `streamEvents`) instead of
 * Nest's default `EventsController_stream`, which generated clients turn into awkward names.
 */
export function operationIdOf(controllerKey: string, methodKey: string): string {
  const subject = controllerKey.replace(/Controller$/, '');
  return `${methodKey.replace(/\W/g, '')}${subject.charAt(0).toUpperCase()}${subject.slice(1)}`;
}
