/**
 * A one-reader queue that a producer fills while a consumer may or may not iterate: parts are
 * buffered, so nothing is lost when the caller only awaits the final promise (the `streamText`
 * pattern in models/).
 */
export function createPartChannel<Part>(): { push(part: Part): void; close(): void; iterable: AsyncIterable<Part> } {
  const buffered: Part[] = [];
  let wake: (() => void) | undefined;
  let closed = false;
  return {
    push(part) {
      buffered.push(part);
      wake?.();
    },
    close() {
      closed = true;
      wake?.();
    },
    iterable: {
      async *[Symbol.asyncIterator]() {
        for (let index = 0; ; index++) {
          while (index >= buffered.length && !closed) await new Promise<void>((resolve) => (wake = resolve));
          if (index >= buffered.length) return;
          yield buffered[index]!;
        }
      },
    },
  };
}
