/**
 * Placeholder entry point for `./http`; filled by later work.
 *
 * @module
 */

export {};
