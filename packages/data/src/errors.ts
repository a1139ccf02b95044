// Errors of data streams: every one says which file and line (when there is one) and why, with a stable code.

export type DataErrorCode =
  | 'FILE_NOT_FOUND'
  | 'EMPTY_FILE'
  | 'UNSUPPORTED_COMPRESSION'
  | 'CORRUPT_COMPRESSION'
  | 'LINE_TOO_LONG'
  | 'WINDOW_TOO_LARGE'
  | 'ERROR_BUDGET_EXCEEDED'
  | 'NO_VALID_ROWS'
  | 'BAD_HEADER'
  | 'BAD_OPTIONS'
  | 'READ_FAILED';

export class DataError extends Error {
  constructor(
    readonly code: DataErrorCode,
    message: string,
    readonly file?: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'DataError';
  }
}
