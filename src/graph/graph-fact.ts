import type { TextSpan } from '../chunking/index.js';

/** What a fact states: that an entity exists, an entity's attribute value, or a relation between two entities. */
export type FactKind = 'entity' | 'attribute' | 'relation';

/**
 * An entity as a fact names it. The type `@document` stands for the chunk's own document: with
 * the name `''` the document itself, with an article label (`第13条`) that article of it; it is
 * resolved when the graph is built, so a fact stays tied to its text, not to where the text sits.
 */
export interface EntityReference {
  type: string;
  name: string;
}

/** The type of {@link EntityReference} that stands for the chunk's own document (or one of its articles). */
export const OWN_DOCUMENT = '@document';

/**
 * One fact extracted from one chunk, with the span of the chunk text that states it. Facts are
 * stored by the hash of their chunk's text, so an unchanged chunk keeps its facts across syncs
 * and a changed one gets new ones.
 */
export interface ExtractedFact {
  kind: FactKind;
  /** The entity (`entity`), the holder of the attribute (`attribute`), the source (`relation`). */
  subject: EntityReference;
  /** The attribute or relation name; absent for `entity`. */
  predicate?: string;
  /** The relation's target. */
  object?: EntityReference;
  /** The attribute value as written (`六个月`). */
  value?: string;
  /** The value in a comparable form: `6 month`, `5000 CNY`, `2024-03-01`, `150%`. */
  normalized?: string;
  unit?: string;
  /** The evidence, as offsets into the chunk's text (UTF-16 code units). */
  evidence: TextSpan;
}

/** Which extractor produced a fact: the model-free rules, or the model. */
export type Extractor = 'rules' | 'model';

/** A fact the model proposed that was not kept, and why. */
export interface RejectedFact {
  reason: string;
  fact: unknown;
}
