/** The orders file cannot be used at all (no time or value column, nothing in it, not a CSV). */
export class OrdersError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
  }
}
