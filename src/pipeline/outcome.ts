/** A file the run did not analyze (or analyzed only in part), with a one-line reason. */
export interface Skipped {
  /** Display path (relative to the scan root when inside it). */
  file: string;
  reason: string;
  /** `warning`: the file was left out; `note`: it was analyzed, with a caveat (e.g. invalid UTF-8 replaced). */
  severity?: 'warning' | 'note';
  line?: number;
}
