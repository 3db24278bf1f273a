/**
 * The part of PapaParse (papaparse, MIT) that the CSV importer uses. Declared here instead of installing
 * @types/papaparse, because that package pulls Node's type definitions into runtime/data, which must
 * type-check without them (it runs in a browser worker too).
 */
declare module 'papaparse' {
  export interface ParseError {
    readonly type: 'Quotes' | 'Delimiter' | 'FieldMismatch';
    readonly code: string;
    readonly message: string;
    readonly row?: number;
    readonly index?: number;
  }
  export interface ParseMeta {
    readonly delimiter: string;
    readonly linebreak: string;
    readonly aborted: boolean;
    /** Characters consumed so far: in step mode, the end of the row just parsed. */
    readonly cursor: number;
  }
  export interface ParseStepResult {
    readonly data: string[];
    readonly errors: ParseError[];
    readonly meta: ParseMeta;
  }
  export interface ParseParser {
    abort(): void;
  }
  export interface ParseConfig {
    delimiter?: string;
    newline?: string;
    quoteChar?: string;
    escapeChar?: string;
    header?: false;
    dynamicTyping?: false;
    skipEmptyLines?: boolean | 'greedy';
    delimitersToGuess?: string[];
    step: (results: ParseStepResult, parser: ParseParser) => void;
  }
  interface PapaStatic {
    parse(input: string, config: ParseConfig): void;
  }
  const Papa: PapaStatic;
  export default Papa;
}
