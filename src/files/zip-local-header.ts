export const SIG_LOCAL = 0x04034b50;
export const LOCAL_SIZE = 30;

/** The fixed part of a local file header (the name and extra field follow it). */
export interface LocalHeader {
  flags: number;
  method: number;
  dosTime: number;
  dosDate: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  nameLength: number;
  extraLength: number;
}

/** Reads the 30 fixed bytes at `at`; undefined when they do not start with the local signature. */
export function readLocalHeader(buffer: Buffer, at = 0): LocalHeader | undefined {
  if (buffer.length - at < LOCAL_SIZE || buffer.readUInt32LE(at) !== SIG_LOCAL) return undefined;
  return {
    flags: buffer.readUInt16LE(at + 6),
    method: buffer.readUInt16LE(at + 8),
    dosTime: buffer.readUInt16LE(at + 10),
    dosDate: buffer.readUInt16LE(at + 12),
    crc32: buffer.readUInt32LE(at + 14),
    compressedSize: buffer.readUInt32LE(at + 18),
    uncompressedSize: buffer.readUInt32LE(at + 22),
    nameLength: buffer.readUInt16LE(at + 26),
    extraLength: buffer.readUInt16LE(at + 28),
  };
}
