/**
 * Placeholder entry point for `./exporters/jaeger`; filled by later work.
 *
 * @module
 */

export {};
