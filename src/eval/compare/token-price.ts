/** What a model's tokens cost, per million, in whatever currency the user priced them in. */
export interface TokenPrice {
  inputPerMillion: number;
  outputPerMillion: number;
}

/**
 * Cost of 1,000 exam questions (items) from the token counts of `items` answered ones:
 * (input × inputPrice + output × outputPrice) / 10⁶, scaled from `items` to 1,000. Null when no
 * price was given (reported as "unknown", never guessed) or no item finished.
 *
 * @example
 * costPerThousandItems({ inputTokens: 6000, outputTokens: 120 }, 60, { inputPerMillion: 1, outputPerMillion: 2 }); // 0.104
 */
export function costPerThousandItems(usage: { inputTokens: number; outputTokens: number }, items: number, price: TokenPrice | undefined | null): number | null {
  if (price == null || items === 0) return null;
  return ((usage.inputTokens * price.inputPerMillion + usage.outputTokens * price.outputPerMillion) * 1000) / (1_000_000 * items);
}

/**
 * Parses `in/out` (`0.5/1.5`: prices per million input and output tokens); undefined when the text
 * is not two non-negative numbers separated by a slash.
 */
export function parseTokenPrice(text: string): TokenPrice | undefined {
  const match = /^\s*([0-9]*\.?[0-9]+)\s*\/\s*([0-9]*\.?[0-9]+)\s*$/.exec(text);
  if (match === null) return undefined;
  return { inputPerMillion: Number(match[1]), outputPerMillion: Number(match[2]) };
}
