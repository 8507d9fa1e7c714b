/**
 * The registry host an image reference would be pulled from, by Docker's rule: the first path
 * component is a registry only if it holds a `.` or a `:` or is `localhost`; otherwise Docker Hub.
 */
export function registryOf(image: string): string {
  const slash = image.indexOf('/');
  if (slash < 0) return 'docker.io';
  const first = image.slice(0, slash);
  const isRegistry = first.includes('.') || first.includes(':') || first === 'localhost';
  return isRegistry ? first.toLowerCase() : 'docker.io';
}
