import type { Writable } from 'node:stream';
import { maskSecrets } from '../secrets.js';
import type { AirbyteMessage } from './messages.js';

const FLUSH_THRESHOLD_BYTES = 64 * 1024;

/**
 * The only writer of stdout. Messages are serialised one per line into a small buffer that is
 * flushed at 64 KiB and whenever the caller asks, and every flush waits for the stream to drain:
 * a slow reader of stdout slows the sync down instead of growing memory. Every byte passes the
 * secret mask on its way out.
 */
export class Emitter {
  private chunks: string[] = [];
  private bufferedBytes = 0;

  constructor(private readonly out: Writable = process.stdout) {}

  /** Queues one message; resolves once any flush it triggered has drained. */
  async emit(message: AirbyteMessage): Promise<void> {
    await this.emitText(`${JSON.stringify(message)}\n`);
  }

  /** Queues whole lines already serialised, each ending in a newline (the record hot path renders its own). */
  async emitText(text: string): Promise<void> {
    this.chunks.push(text);
    this.bufferedBytes += text.length;
    if (this.bufferedBytes >= FLUSH_THRESHOLD_BYTES) await this.flush();
  }

  /** Queues a message without waiting: for log lines raised from synchronous code. */
  emitNow(message: AirbyteMessage): void {
    const line = `${JSON.stringify(message)}\n`;
    this.chunks.push(line);
    this.bufferedBytes += line.length;
  }

  async flush(): Promise<void> {
    if (this.chunks.length === 0) return;
    // A page of records usually arrives as one chunk: written as it is, not copied by a join.
    const text = maskSecrets(this.chunks.length === 1 ? (this.chunks[0] as string) : this.chunks.join(''));
    this.chunks = [];
    this.bufferedBytes = 0;
    if (!this.out.write(text)) {
      await new Promise<void>((resolve, reject) => {
        const onDrain = (): void => {
          this.out.off('error', onError);
          resolve();
        };
        const onError = (error: Error): void => {
          this.out.off('drain', onDrain);
          reject(error);
        };
        this.out.once('drain', onDrain);
        this.out.once('error', onError);
      });
    }
  }
}
