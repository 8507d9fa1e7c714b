import { mkdtempSync, promises as fs, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { linesBackward } from './lines-backward';

describe('linesBackward', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'lines-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function read(content: string, chunk: number, end?: number): Promise<[string, number][]> {
    const file = path.join(dir, 'f');
    writeFileSync(file, content);
    const handle = await fs.open(file, 'r');
    const out: [string, number][] = [];
    for await (const line of linesBackward(handle, end ?? Buffer.byteLength(content), chunk))
      out.push([line.text, line.start]);
    await handle.close();
    return out;
  }

  it('yields lines last first with their start offsets, whatever the chunk size', async () => {
    const content = 'one\ntwo\n\nthree-long-line\nfour\n';
    const expected: [string, number][] = [
      ['four', 25],
      ['three-long-line', 9],
      ['two', 4],
      ['one', 0],
    ];
    for (const chunk of [1, 2, 3, 5, 7, 64]) expect(await read(content, chunk)).toEqual(expected);
  });

  it('continues from a start offset it returned, and keeps multi-byte characters whole across chunks', async () => {
    const content = 'ä€1\nß€2\n€€3\n';
    const all = await read(content, 3);
    expect(all.map(([t]) => t)).toEqual(['€€3', 'ß€2', 'ä€1']);
    expect((await read(content, 2, all[1]![1])).map(([t]) => t)).toEqual(['ä€1']);
  });

  it('yields a last line without a newline as it is (the caller skips what does not parse)', async () => {
    expect(await read('a\nb', 4)).toEqual([
      ['b', 2],
      ['a', 0],
    ]);
  });
});
