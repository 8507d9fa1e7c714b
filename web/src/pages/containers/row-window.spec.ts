import { rowWindow } from './row-window';

describe('rowWindow', () => {
  it('draws the visible rows plus the overscan on each side', () => {
    expect(rowWindow(500, 40, 0, 400, 5)).toEqual({ first: 0, end: 15 });
    expect(rowWindow(500, 40, 4000, 400, 5)).toEqual({ first: 95, end: 115 });
  });

  it('ends at the last row when scrolled to the bottom', () => {
    expect(rowWindow(500, 40, 500 * 40 - 400, 400, 5)).toEqual({ first: 485, end: 500 });
  });

  it('draws everything when the list is shorter than the viewport', () => {
    expect(rowWindow(3, 40, 0, 400, 5)).toEqual({ first: 0, end: 3 });
  });

  it('stays inside the list when the scroll position is stale (the list shrank under it)', () => {
    expect(rowWindow(10, 40, 20000, 400, 5)).toEqual({ first: 0, end: 10 });
    expect(rowWindow(100, 40, 20000, 400, 5)).toEqual({ first: 85, end: 100 });
    expect(rowWindow(0, 40, 300, 400, 5)).toEqual({ first: 0, end: 0 });
    expect(rowWindow(10, 40, -50, 400, 5)).toEqual({ first: 0, end: 10 });
  });
});
