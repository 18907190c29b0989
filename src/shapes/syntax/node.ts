// The concrete syntax tree both parsers build (pyparse.ts by hand, lezer.ts from @lezer/python).
/**
 * The concrete tree as plain linked objects, built in one cursor pass. Walking lezer's SyntaxNode API
 * allocates a node object per step (firstChild/nextSibling), which cost three times the parse itself.
 */
export interface SyntaxNode {
  name: string;
  from: number;
  to: number;
  firstChild: SyntaxNode | null;
  nextSibling: SyntaxNode | null;
}
