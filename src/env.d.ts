/** Injected by Vite's `define` (vite.config.ts). */
declare const __APP_VERSION__: string;
/** True only in the benchmark's build (`vite build --mode bench`): bench hooks are compiled out otherwise. */
declare const __BENCH__: boolean;
