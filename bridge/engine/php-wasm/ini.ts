/**
 * Builds the php.ini text a runtime boots with. php-wasm reads one ini file; PHP lets a later
 * line win, so we append ours, then the user's, then overrides, after php-wasm's defaults.
 * Raw text (not parsed entries) keeps PHP's own ini semantics: constants, `&`/`~`, sections.
 */
import { readFileSync } from 'node:fs';
import { EngineError } from '../engine.ts';

export interface IniSources {
  /** lamphp's php.ini. */
  iniFile: string;
  /** The user's ini, applied after ours. */
  userIniFile?: string;
  overrides?: Record<string, string>;
  /** Settings the engine owns (session.save_path). Applied last. */
  enforced: Record<string, string>;
}

export function buildIniText(sources: IniSources): string {
  const parts = [readIni(sources.iniFile)];
  if (sources.userIniFile) parts.push(readIni(sources.userIniFile));
  const lines = Object.entries({ ...sources.overrides, ...sources.enforced }).map(([k, v]) => iniLine(k, v));
  // A section header in a user file would scope what follows; reset to the global section.
  parts.push('[PHP]\n' + lines.join('\n'));
  return parts.join('\n') + '\n';
}

/** One `key = value` line; values PHP would misread unquoted are quoted. */
export function iniLine(key: string, value: string): string {
  if (!/^[\w.\-]+$/.test(key)) throw new EngineError('EBOOT', `Invalid php.ini key "${key}".`);
  // Plain words, numbers, paths and expressions such as `E_ALL & ~E_NOTICE` stay raw.
  if (/^[\w.\/:,@+\- &|~^!()]*$/.test(value) && value === value.trim()) return `${key} = ${value}`;
  if (/["\n\r]/.test(value)) throw new EngineError('EBOOT', `php.ini value for "${key}" cannot contain quotes or newlines.`);
  return `${key} = "${value}"`;
}

function readIni(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (cause) {
    throw new EngineError('EBOOT', `Cannot read php.ini file ${file}: ${(cause as Error).message}`, { cause });
  }
}
