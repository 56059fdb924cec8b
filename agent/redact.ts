// Credentials in a repository URL (https://user:token@host) must never reach a report or a CI
// log: every message that may carry a URL goes through here.

/** Masks `user:password@` in URLs as `***@`, up to the last '@' before the host (a password may hold '@'). */
export function maskUrlCredentials(text: string): string {
  return text.replace(/:\/\/[^/\s]*@/g, '://***@');
}
