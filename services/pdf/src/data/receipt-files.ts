import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { receiptFileName } from '@shop/contracts/receipts';

/**
 * Receipts on disk, one file per order named after it. A write goes to a
 * temporary file in the same directory, then is renamed over the final name:
 * rename is atomic on one filesystem, so a reader (or a crash) never sees
 * half a receipt, and a redelivery replaces the file instead of adding one.
 */
export class ReceiptFiles {
  readonly directory: string;

  constructor(directory: string) {
    this.directory = resolve(directory);
  }

  async ensureDirectory(): Promise<void> {
    await mkdir(this.directory, { recursive: true });
  }

  fileName(orderId: string): string {
    return receiptFileName(orderId);
  }

  pathOf(orderId: string): string {
    return join(this.directory, this.fileName(orderId));
  }

  async write(orderId: string, pdf: Buffer): Promise<void> {
    const temporary = `${this.pathOf(orderId)}.tmp-${randomBytes(6).toString('hex')}`;
    try {
      await writeFile(temporary, pdf, { flush: true });
      await rename(temporary, this.pathOf(orderId));
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  async exists(orderId: string): Promise<boolean> {
    return stat(this.pathOf(orderId)).then(
      (stats) => stats.isFile(),
      () => false,
    );
  }
}
