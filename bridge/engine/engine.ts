/**
 * The PHP engine interface. The bridge builds a CGI request; an engine runs it.
 * php-wasm in worker threads today; a FastCGI (native php-fpm) engine fits the same shape.
 */
export interface CgiRequest {
  /** Full CGI environment, becomes `$_SERVER` (SCRIPT_FILENAME, REQUEST_URI, HTTP_* …). */
  env: Record<string, string>;
  body: Uint8Array;
  /** Correlates log lines. */
  requestId: string;
}

export interface CgiResponse {
  status: number;
  /**
   * Lower-case names, every value kept (`set-cookie` as a list), as PHP sent them: the bridge's
   * response-header rule (bridge/response-headers.ts) decides what is sent. Read only its own entries.
   */
  headers: Record<string, string[]>;
  /** Header lines PHP sent that are not `name: value` (dropped and logged by the bridge). */
  badHeaderLines?: string[];
  /** PHP's header block could not be read at all: the bridge answers 502, never cacheable. */
  headerBlockUnreadable?: boolean;
  body: Uint8Array;
  /** Text PHP wrote to stderr / its error log during the request. */
  errors: string;
  exitCode: number;
  /** Files the request created, changed or deleted under the watched uploads directory (relative to it). */
  touched?: { path: string; op: 'write' | 'delete' }[];
  /**
   * Set when PHP answered early (`fastcgi_finish_request()`): the script is still running and
   * this settles when it ends — with its errors, exit code and uploads — or rejects with an
   * EngineError when it is stopped (its deadline still holds). Until then its runtime is busy.
   */
  completion?: Promise<CgiCompletion>;
}

export type CgiCompletion = Pick<CgiResponse, 'errors' | 'exitCode' | 'touched'>;

export interface EngineStats {
  workers: number;
  busy: number;
  queued: number;
  requests: number;
  rotations: number;
  restarts: number;
}

export interface PhpEngine {
  /**
   * Runs one request. `deadline` is an epoch-ms instant: past it, PHP is stopped and the
   * promise rejects with an EngineError of code `ETIMEDOUT`.
   */
  handle(request: CgiRequest, deadline: number): Promise<CgiResponse>;
  stats(): EngineStats;
  close(): Promise<void>;
}

export type EngineErrorCode =
  | 'ETIMEDOUT' // deadline passed; worker terminated and replaced → 504
  | 'EBUSY' // pool and queue full (fail-fast) → 503
  | 'ECRASHED' // PHP runtime crashed / worker died → 502
  | 'ECLOSED' // engine shut down → 503
  | 'EBOOT'; // PHP failed to start → 500 / init error

export class EngineError extends Error {
  readonly code: EngineErrorCode;
  /** Uploads the request had touched before it was stopped (see CgiResponse.touched). */
  touched?: CgiResponse['touched'];
  constructor(code: EngineErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EngineError';
    this.code = code;
  }
}
