import { parseComposeJson } from './compose-json';

describe('parseComposeJson', () => {
  it('reads a JSON array', () => {
    expect(parseComposeJson('[{"Name":"a"},{"Name":"b"}]\n')).toEqual([{ Name: 'a' }, { Name: 'b' }]);
  });
  it('reads one object per line', () => {
    expect(parseComposeJson('{"Name":"a"}\n\n{"Name":"b"}\n')).toEqual([{ Name: 'a' }, { Name: 'b' }]);
  });
  it('reads empty output as no objects', () => {
    expect(parseComposeJson('  \n')).toEqual([]);
  });
  it('throws on output that is not JSON', () => {
    expect(() => parseComposeJson('oops')).toThrow();
  });
});
