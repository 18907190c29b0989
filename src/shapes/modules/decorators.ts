import type { LegacyKeyword } from '../eval/values';

// Decorators of installed libraries known to return the function they decorate, so a function they
// decorate keeps its body. A decorator is trusted only when the file imports it from that library by
// that path (`from ._api import register_model` inside torchvision.models), never by its bare name.

/**
 * Decorators by qualified name, each with how to find the keywords after which the decorated
 * function is no longer the one written.
 */
const NEUTRAL: ReadonlyMap<string, 'none' | 'legacy'> = new Map([
  // Adds the builder to a registry dict and returns it unchanged.
  ['torchvision.models._api.register_model', 'none'],
  // Turns the old `pretrained=True` into `weights=...` and calls the builder: the same function
  // unless one of the old keywords is given (then pretrained weights are loaded).
  ['torchvision.models._utils.handle_legacy_interface', 'legacy'],
]);

/** `@handle_legacy_interface(weights=("pretrained", …))`: the name and arguments of a decorator line. */
function split(text: string): { name: string; args: string } {
  const t = text.replace(/^@\s*/, '').trim();
  const paren = t.indexOf('(');
  return paren < 0
    ? { name: t.replace(/\s+/g, ''), args: '' }
    : { name: t.slice(0, paren).replace(/\s+/g, ''), args: t.slice(paren) };
}

/**
 * Whether every decorator is one of NEUTRAL, given how the file binds names (`binding(head)` is the
 * import path a name was bound to, undefined for anything else); the keywords that make the result
 * unknown when the decorated function is called with them. Null when any decorator is not known.
 */
export function neutralDecorators(
  texts: readonly string[],
  binding: (name: string) => string | undefined,
): LegacyKeyword[] | null {
  const refused: LegacyKeyword[] = [];
  for (const text of texts) {
    const { name, args } = split(text);
    const dot = name.indexOf('.');
    const head = binding(dot < 0 ? name : name.slice(0, dot));
    if (head === undefined) return null;
    const kind = NEUTRAL.get(dot < 0 ? head : head + name.slice(dot));
    if (!kind) return null;
    if (kind === 'legacy')
      for (const m of args.matchAll(/(\w+)\s*=\s*\(\s*["'](\w+)["']/g))
        refused.push({ param: m[1], legacy: m[2] });
  }
  return refused;
}
