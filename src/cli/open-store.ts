/** Opening the collect server's store for a command, with its own words when it cannot be opened. */
import { StoreError } from '../server/sqlite';
import { openStore, type Store, type StoreOptions } from '../server/store';
import type { IO } from './io';

/** The store, or undefined once the reason is on stderr (the command then exits 1). */
export function openStoreFor(command: string, file: string, options: StoreOptions, io: IO): Store | undefined {
  try {
    return openStore(file, options);
  } catch (e) {
    if (e instanceof StoreError) { io.err.write(`measureplan ${command}: ${e.message}\n${e.hint ?? ''}\n`); return undefined; }
    throw e;
  }
}
