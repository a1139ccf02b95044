// Errors with stable codes so that API boundaries (GraphQL, CLI) can map them without parsing messages.
export type EngineErrorCode =
  | 'BAD_SHAPE'
  | 'BAD_OPTIMIZER'
  | 'BAD_DEVICE'
  | 'BAD_PARAMS'
  | 'BAD_BATCH'
  | 'BAD_CHECKPOINT'
  | 'DISPOSED';

export class EngineError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}
