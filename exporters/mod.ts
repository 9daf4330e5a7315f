/**
 * Placeholder entry point for `./exporters`; filled by later work.
 *
 * @module
 */

export {};
