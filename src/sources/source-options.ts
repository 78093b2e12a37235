/** How csv and jsonl records become documents. */
export interface RowOptions {
  /**
   * Field whose value is the row's key (and so, with the path, its document id). Rows without it
   * are keyed by their 1-based line (jsonl) or spreadsheet row number (csv, header = row 1).
   * Default `'id'`.
   */
  idField?: string;
  /** Field holding the title. Rows without it are titled `<file name> #<row key>`. Default `'title'`. */
  titleField?: string;
  /**
   * Fields that make up the text. One field: its value as is. Several: `field: value` lines, in
   * this order, empty values left out. Default (undefined): the `text` field when the record has
   * one, otherwise every field except the id and title fields, as `field: value` lines.
   */
  textFields?: string[];
}

/** Options for `listSourceFiles` and `readSourceFile`; defaults in `DEFAULT_SOURCE_OPTIONS`. */
export interface SourceOptions {
  /**
   * Globs (picomatch, `dot: true`) a file's path relative to the folder being walked must match
   * one of to be listed. Default: none, meaning every file with a supported extension. Not
   * applied to files named directly.
   */
  include?: string[];
  /**
   * Globs that exclude files and prune folders, matched like `include`. Replaces the default, so
   * extend it explicitly: `exclude: [...DEFAULT_SOURCE_OPTIONS.exclude, 'drafts/**']`. Default:
   * dotfiles, dot-folders (`.git`, `.obsidian`) and `node_modules`.
   */
  exclude?: string[];
  /** Files larger than this many bytes fail with `E_SOURCE_TOO_LARGE`. Default 50 MiB. */
  maxFileBytes?: number;
  /** How csv and jsonl records become documents; see `RowOptions`. */
  rows?: RowOptions;
  /**
   * How long reading one file may take before it fails with `E_SOURCE_TIMEOUT` (the rest are still
   * read). A guard against a parser that never finishes on a hostile file, not a budget: the
   * slowest real files (a 50 MiB PDF on a slow machine) take about a minute. Default 300 000 (5 min).
   */
  fileTimeLimitMs?: number;
}

/** `SourceOptions` with every default filled in. */
export interface ResolvedSourceOptions {
  include: string[];
  exclude: string[];
  maxFileBytes: number;
  rows: { idField: string; titleField: string; textFields: string[] | undefined };
  fileTimeLimitMs: number;
}

/** The defaults, in one place. See `SourceOptions` for what each key means. */
export const DEFAULT_SOURCE_OPTIONS: Readonly<ResolvedSourceOptions> = Object.freeze({
  include: [],
  exclude: ['**/.*', '**/.*/**', '**/node_modules', '**/node_modules/**'],
  maxFileBytes: 50 * 1024 * 1024,
  rows: { idField: 'id', titleField: 'title', textFields: undefined },
  fileTimeLimitMs: 300_000,
});

/** Fills in defaults; a key given as `undefined` counts as not given. */
export function resolveSourceOptions(options: SourceOptions = {}): ResolvedSourceOptions {
  return {
    include: options.include ?? DEFAULT_SOURCE_OPTIONS.include,
    exclude: options.exclude ?? DEFAULT_SOURCE_OPTIONS.exclude,
    maxFileBytes: options.maxFileBytes ?? DEFAULT_SOURCE_OPTIONS.maxFileBytes,
    rows: {
      idField: options.rows?.idField ?? DEFAULT_SOURCE_OPTIONS.rows.idField,
      titleField: options.rows?.titleField ?? DEFAULT_SOURCE_OPTIONS.rows.titleField,
      textFields: options.rows?.textFields ?? DEFAULT_SOURCE_OPTIONS.rows.textFields,
    },
    fileTimeLimitMs: options.fileTimeLimitMs ?? DEFAULT_SOURCE_OPTIONS.fileTimeLimitMs,
  };
}
