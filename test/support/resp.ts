import * as net from "net";

type Reply = string | number | null | Reply[] | Error;

/** A minimal RESP2 client for specs: one command at a time, replies parsed. */
export class RespClient {
  private buffer = Buffer.alloc(0);
  private waiting: Array<(r: Reply) => void> = [];

  private constructor(private readonly socket: net.Socket) {
    socket.on("data", (d) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      this.drain();
    });
  }

  static connect(port: number, host = "127.0.0.1"): Promise<RespClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, host, () => resolve(new RespClient(socket)));
      socket.once("error", reject);
    });
  }

  command(...args: Array<string | number>): Promise<Reply> {
    const parts = args.map(String);
    const payload = `*${parts.length}\r\n` + parts.map((p) => `$${Buffer.byteLength(p)}\r\n${p}\r\n`).join("");
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.socket.write(payload);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private drain(): void {
    for (;;) {
      const parsed = parse(this.buffer, 0);
      if (!parsed) return;
      this.buffer = this.buffer.subarray(parsed.end);
      this.waiting.shift()?.(parsed.value);
    }
  }
}

function parse(buf: Buffer, at: number): { value: Reply; end: number } | undefined {
  const eol = buf.indexOf("\r\n", at);
  if (eol < 0) return undefined;
  const line = buf.toString("utf8", at + 1, eol);
  const next = eol + 2;
  switch (String.fromCharCode(buf[at])) {
    case "+":
      return { value: line, end: next };
    case "-":
      return { value: new Error(line), end: next };
    case ":":
      return { value: Number(line), end: next };
    case "$": {
      const len = Number(line);
      if (len < 0) return { value: null, end: next };
      if (buf.length < next + len + 2) return undefined;
      return { value: buf.toString("utf8", next, next + len), end: next + len + 2 };
    }
    case "*": {
      const n = Number(line);
      const items: Reply[] = [];
      let pos = next;
      for (let i = 0; i < n; i++) {
        const item = parse(buf, pos);
        if (!item) return undefined;
        items.push(item.value);
        pos = item.end;
      }
      return { value: items, end: pos };
    }
    default:
      throw new Error(`bad RESP reply: ${line}`);
  }
}
