/** Bad input on the command line: one line on stderr, a usage hint, exit 2. */
export class UsageError extends Error {}

/** The agent cannot do its job (not root, target unreadable, unknown distribution): exit 3. */
export class IncompleteError extends Error {}
