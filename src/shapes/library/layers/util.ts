// Small helpers shared by the layer families.
import { type D, dimToString, isNum, product } from '../dims';

export function shapeStr(shape: D[] | null): string {
  return shape ? `[${shape.map(dimToString).join(', ')}]` : '[?]';
}

/** Element count when every dimension is a number. */
export function numel(shape: D[] | null): number | null {
  if (!shape || !shape.every(isNum)) return null;
  return product(shape) as number;
}
