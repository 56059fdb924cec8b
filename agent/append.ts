// Appends a list of any length. push(...items) passes every item as an argument, and a list of
// about 120,000 (the findings of 200,000 log files, a cleanup plan as long) overflows the stack.
export function append<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}
