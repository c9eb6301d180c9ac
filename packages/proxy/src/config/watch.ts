// Hot reload: watch the config files' directories (editors that save by rename, and Kubernetes ConfigMap volumes that
// swap a `..data` symlink, change the directory rather than the file), debounce bursts of events, and reload when the
// files' contents changed; hand over either the new config or the ConfigError. An invalid edit
// changes nothing: the caller keeps serving the old config. reload() does the same on demand (SIGHUP).
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadConfig, type LoadOptions } from './load.js';
import { ConfigError, type ProxyConfig } from './types.js';

export interface WatchOptions extends LoadOptions {
  /** Quiet time after the last file event before reloading (default 200 ms). */
  debounceMs?: number;
}

export class ConfigWatcher {
  private readonly watchers: FSWatcher[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  /** The files' contents at the last reload (or start), to ignore events that changed nothing. */
  private lastText: string | null = null;

  constructor(
    readonly paths: string[],
    private readonly onValid: (config: ProxyConfig) => void,
    private readonly onInvalid: (error: ConfigError) => void,
    private readonly options: WatchOptions = {},
  ) {}

  /** Begins watching. */
  start(): this {
    this.lastText = this.snapshot();
    const dirs = new Set(this.paths.map((p) => dirname(resolve(p))));
    for (const dir of dirs) {
      // Any event in the directory schedules a check; the content comparison filters out unrelated files.
      const w = watch(dir, { persistent: false }, () => this.schedule());
      w.on('error', () => {}); // a vanished directory: the next reload() reports the unreadable file
      this.watchers.push(w);
    }
    return this;
  }

  private schedule(): void {
    if (this.closed) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.snapshot() !== this.lastText) this.reload();
    }, this.options.debounceMs ?? 200);
  }

  /** Loads the files now and reports the outcome; returns the new config or null when it was invalid. */
  reload(): ProxyConfig | null {
    if (this.closed) return null;
    this.lastText = this.snapshot();
    let config: ProxyConfig;
    try {
      config = loadConfig(this.paths, this.options);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      this.onInvalid(e);
      return null;
    }
    this.onValid(config);
    return config;
  }

  private snapshot(): string {
    return this.paths
      .map((p) => {
        try {
          return readFileSync(p, 'utf8');
        } catch (e) {
          return `\u0000unreadable:${(e as NodeJS.ErrnoException).code ?? ''}`;
        }
      })
      .join('\u0000');
  }

  close(): void {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    for (const w of this.watchers) w.close();
    this.watchers.length = 0;
  }
}
