// The one way an error becomes the one line a user reads: an Error's message, anything else as text.
// Stacks stay with the error (`cause`) for the output channel; they are never shown as the line.

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
