/** Cuts a byte stream into whole lines (without the newline), keeping a partial last line for the next chunk. */
export class LineSplitter {
  private rest: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    const data = this.rest.length > 0 ? Buffer.concat([this.rest, chunk]) : chunk;
    const lines: Buffer[] = [];
    let start = 0;
    for (let nl = data.indexOf(0x0a); nl >= 0; nl = data.indexOf(0x0a, start)) {
      lines.push(data.subarray(start, nl));
      start = nl + 1;
    }
    this.rest = Buffer.from(data.subarray(start));
    return lines;
  }

  /** What is left once the stream has ended (a last line without a newline), if anything. */
  end(): Buffer | null {
    const rest = this.rest;
    this.rest = Buffer.alloc(0);
    return rest.length > 0 ? rest : null;
  }
}
