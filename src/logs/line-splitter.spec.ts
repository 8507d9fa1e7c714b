import { LineSplitter } from './line-splitter';

describe('LineSplitter', () => {
  it('returns whole lines only, carrying a partial one into the next chunk', () => {
    const s = new LineSplitter();
    expect(s.push(Buffer.from('ab\ncd')).map(String)).toEqual(['ab']);
    expect(s.push(Buffer.from('e\n\nf')).map(String)).toEqual(['cde', '']);
    expect(String(s.end())).toBe('f');
    expect(s.end()).toBeNull();
  });
});
