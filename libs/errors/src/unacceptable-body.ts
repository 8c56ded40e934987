/** A request body refused before validation (empty, not JSON, nested too deep): 400 BODY.UNACCEPTABLE. */
export class UnacceptableBodyError extends Error {
  readonly statusCode = 400;
}
