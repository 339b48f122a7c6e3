/** Deepest JSON nesting Hookrelay accepts in a body it stores; real payloads stay far below it. */
export const MAX_JSON_DEPTH = 128;

/**
 * Whether a parsed JSON value nests arrays and objects at most `max` levels deep. Iterative,
 * so checking a hostile value cannot overflow the stack itself: JSON.parse accepts nesting
 * that JSON.stringify (and every recursive walk after it) then fails on with a stack overflow.
 *
 * @example jsonDepthWithin({ a: [1, { b: 2 }] }, 3) // true
 */
export function jsonDepthWithin(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (typeof current !== "object" || current === null) continue;
    if (depth + 1 > max) return false;
    const children = Array.isArray(current) ? current : Object.values(current);
    for (const child of children) {
      if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
    }
  }
  return true;
}
