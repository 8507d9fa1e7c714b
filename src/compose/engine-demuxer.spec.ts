import { EngineDemuxer, EngineStreamName } from './engine-demuxer';

const frame = (stream: number, payload: string): Buffer => {
  const body = Buffer.from(payload);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
};

function collect(chunks: Buffer[]): [EngineStreamName, string][] {
  const out: [EngineStreamName, string][] = [];
  const demuxer = new EngineDemuxer((stream, chunk) => {
    const last = out[out.length - 1];
    if (last && last[0] === stream) last[1] += chunk.toString();
    else out.push([stream, chunk.toString()]);
  });
  for (const chunk of chunks) demuxer.push(chunk);
  return out;
}

describe('EngineDemuxer', () => {
  const whole = Buffer.concat([frame(1, 'hello '), frame(1, 'world'), frame(2, 'oops'), frame(1, '!'), frame(1, '')]);

  it('splits whole frames by stream, in order', () => {
    expect(collect([whole])).toEqual([
      ['stdout', 'hello world'],
      ['stderr', 'oops'],
      ['stdout', '!'],
    ]);
  });

  it('gives the same result whatever the read boundaries, down to one byte per read', () => {
    const expected = collect([whole]);
    for (const size of [1, 2, 3, 7, 8, 9, 13]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < whole.length; i += size) chunks.push(whole.subarray(i, i + size));
      expect(collect(chunks)).toEqual(expected);
    }
  });

  it('reports the engine error stream (3) as stderr', () => {
    expect(collect([frame(3, 'exec failed')])).toEqual([['stderr', 'exec failed']]);
  });
});
